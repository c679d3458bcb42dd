using Hangfire;
using Hangfire.Server;
using Matching.Engine.Hosting;
using Matching.Engine.Matches;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Brings the stored match lists up to the change log (a full pass when the active model has none). Re-entrant: the
/// lists record the log position they were computed at, so a second run finds nothing to do.
/// </summary>
public sealed class MatchJob(MatchMaintainer maintainer, IndexHost index, JobStorage storage)
{
    [Queue("match")]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 30, 120, 600, 1800])]
    public string CatchUp(PerformContext? context, CancellationToken cancellationToken)
    {
        if (!index.IsOpen) throw new IndexNotOpenException("the index is not open in this process yet; retried");
        return JobLocks.Run(storage, "match", () =>
        {
            var done = maintainer.CatchUp(new JobProgressReporter(context), cancellationToken);
            return $"{done.Mode}: {done.Needs} need(s) for model {done.Model ?? "-"} at sequence {done.Seq}";
        });
    }

    /// <summary>Re-matches one need now. Re-entrant: its lists are replaced whole.</summary>
    [Queue("match")]
    [AutomaticRetry(Attempts = 3)]
    public bool Need(string needId)
    {
        if (!index.IsOpen) throw new IndexNotOpenException("the index is not open in this process yet; retried");
        return maintainer.RematchNeed(needId);
    }
}
