using System.Text.Json;
using Hangfire;
using Matching.Jobs.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Web.Apis;

/// <summary>
/// /api/v1/jobs/{id}: a background job's state, history and progress (stage, done/total, rate, time left), for organisers
/// and administrators (job ids are sequential and failures carry their reasons; an uploader follows its import's report).
/// </summary>
public static class JobsApi
{
    public sealed record JobState(string Name, DateTime CreatedAt, string? Reason);

    public sealed record JobStatus(string Id, string? Job, string State, DateTime? CreatedAt, IReadOnlyList<JobState> History, JobProgressReporter.Snapshot? Progress);

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/jobs").WithTags("Jobs").RequireAuthorization(Accounts.Policies.Staff)
            .MapGet("/{id}", Get).WithSummary("A background job's state and progress (organisers, administrators)");
        return app;
    }

    private static Results<Ok<JobStatus>, NotFound> Get(string id, JobStorage storage)
    {
        if (id.Length > 64) return TypedResults.NotFound();
        var details = storage.GetMonitoringApi().JobDetails(id);
        if (details is null) return TypedResults.NotFound();
        using var connection = storage.GetConnection();
        var progress = connection.GetJobParameter(id, JobProgressReporter.ParameterName);
        // Hangfire keeps UTC times without a kind; say so, so clients do not read them as local time.
        var history = details.History.Select(h => new JobState(h.StateName, DateTime.SpecifyKind(h.CreatedAt, DateTimeKind.Utc), h.Reason)).ToList();
        var job = details.Job is { } j ? $"{j.Type.Name}.{j.Method.Name}" : null;
        // SQLite storage's job CreatedAt drifts from its own state history; the first state is when it was created.
        var created = history.Count > 0 ? history[^1].CreatedAt : details.CreatedAt;
        return TypedResults.Ok(new JobStatus(id, job, history.FirstOrDefault()?.Name ?? "Unknown", created, history,
            progress is null ? null : JsonSerializer.Deserialize<JobProgressReporter.Snapshot>(progress, new JsonSerializerOptions(JsonSerializerDefaults.Web))));
    }
}
