using System.Globalization;
using System.Net;
using System.Text.Json;
using Hangfire.Dashboard;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Shows a long job's progress (stage, done/total, rate, time left) on its page in the Hangfire dashboard, from the
/// "progress" parameter the job writes (<see cref="JobProgressReporter"/>); /api/v1/jobs/{id} reads the same one.
/// </summary>
public static class ProgressRenderer
{
    public static NonEscapedString? Render(JobDetailsRendererDto dto)
    {
        using var connection = dto.Page.Storage.GetConnection();
        if (connection.GetJobParameter(dto.JobId, JobProgressReporter.ParameterName) is not { } json) return null;
        JobProgressReporter.Snapshot? p;
        try { p = JsonSerializer.Deserialize<JobProgressReporter.Snapshot>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)); }
        catch (JsonException) { return null; }
        if (p is null) return null;
        var share = p.Total > 0 ? Math.Clamp(100.0 * p.Done / p.Total, 0, 100) : 0;
        var left = p.RemainingSeconds is { } s ? TimeSpan.FromSeconds(s).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "–";
        string E(string text) => WebUtility.HtmlEncode(text);
        return new NonEscapedString(
            "<h3>Progress</h3><div class=\"state-card\"><div class=\"state-card-body\">" +
            $"<p><strong>{E(p.Stage)}</strong>: {p.Done.ToString("N0", CultureInfo.InvariantCulture)} / {p.Total.ToString("N0", CultureInfo.InvariantCulture)} {E(p.Unit)} " +
            $"({share.ToString("0.0", CultureInfo.InvariantCulture)}%), {p.Rate.ToString("0.#", CultureInfo.InvariantCulture)} {E(p.Unit)}/s, time left {E(left)}</p>" +
            $"<div class=\"progress\"><div class=\"progress-bar\" role=\"progressbar\" style=\"width: {share.ToString("0.#", CultureInfo.InvariantCulture)}%\"></div></div>" +
            "</div></div>");
    }
}
