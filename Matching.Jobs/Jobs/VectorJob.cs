using Hangfire;
using Hangfire.Server;
using Matching.Engine.Vectors;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Computes the sentence vectors and topic mixtures of changed records for the active model. Re-entrant: a vector is
/// only recomputed when its text's hash changed, and the cursor moves only past what was stored.
/// </summary>
public sealed class VectorJob(VectorMaintainer maintainer, JobStorage storage)
{
    [Queue("embed")]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 30, 120, 600, 1800])]
    public string CatchUp(PerformContext? context, CancellationToken cancellationToken) =>
        JobLocks.Run(storage, "embed", () => $"{maintainer.CatchUp(new JobProgressReporter(context), cancellationToken)} vector(s) computed");
}
