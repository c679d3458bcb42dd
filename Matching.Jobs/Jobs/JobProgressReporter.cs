using System.Diagnostics;
using Hangfire.Server;
using Matching.Engine.Progress;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Writes a running job's progress into its Hangfire job parameters ("progress"), where the dashboard's job page
/// and /api/v1/jobs/{id} read it, at most twice a second. Best effort: progress is for people watching, so a report the
/// storage cannot take (the database is away for a moment) is dropped, and the next tried five seconds later — a job
/// never fails, or is left half-failed in a storage it cannot reach, over its progress.
/// </summary>
public sealed class JobProgressReporter(PerformContext? context) : IProgress<JobProgress>
{
    public const string ParameterName = "progress";
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private bool _first = true;
    private Stopwatch? _failedAt;

    public void Report(JobProgress value)
    {
        if (context is null) return;
        if (_failedAt is { } failed && failed.ElapsedMilliseconds < 5_000) return;
        if (!_first && _sinceLast.ElapsedMilliseconds < 500 && value.Done < value.Total) return;
        _first = false;
        _sinceLast.Restart();
        try
        {
            // Hangfire serialises the parameter to JSON itself; the API hands that JSON on as it is.
            context.SetJobParameter(ParameterName, new Snapshot(value.Stage, value.Done, value.Total, value.Unit, Math.Round(value.Rate, 1),
                value.Remaining is { } r ? Math.Round(r.TotalSeconds) : null));
            _failedAt = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failedAt = Stopwatch.StartNew();
        }
    }

    /// <summary>The stored shape of a progress report.</summary>
    public sealed record Snapshot(string Stage, long Done, long Total, string Unit, double Rate, double? RemainingSeconds);
}
