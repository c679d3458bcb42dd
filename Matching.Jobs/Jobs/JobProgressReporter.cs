using System.Diagnostics;
using System.Text.Json;
using Hangfire.Server;
using Matching.Engine.Progress;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Writes a running job's progress into its Hangfire job parameters ("progress"), where the dashboard's job page
/// and /api/v1/jobs/{id} read it, at most twice a second.
/// </summary>
public sealed class JobProgressReporter(PerformContext? context) : IProgress<JobProgress>
{
    public const string ParameterName = "progress";
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private bool _first = true;

    public void Report(JobProgress value)
    {
        if (context is null) return;
        if (!_first && _sinceLast.ElapsedMilliseconds < 500 && value.Done < value.Total) return;
        _first = false;
        _sinceLast.Restart();
        context.SetJobParameter(ParameterName, JsonSerializer.Serialize(new
        {
            stage = value.Stage, done = value.Done, total = value.Total, rate = Math.Round(value.Rate, 1),
            remainingSeconds = value.Remaining is { } r ? Math.Round(r.TotalSeconds) : (double?)null,
        }));
    }
}
