using Hangfire;
using Hangfire.Server;
using Matching.Engine.Hosting;
using Matching.Engine.Index;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Index work, on the "index" queue, which only the process owning the index writers serves (IndexQueueServer).
/// Re-entrant: the index records the log position it has applied, so a second run finds nothing to do.
/// </summary>
public sealed class IndexJob(IndexHost host, IServiceProvider services)
{
    [Queue("index")]
    [AutomaticRetry(Attempts = 5)]
    public long CatchUp(PerformContext? context, CancellationToken cancellationToken) =>
        Maintainer().CatchUp(new JobProgressReporter(context), cancellationToken);

    [Queue("index")]
    [AutomaticRetry(Attempts = 2)]
    public long Rebuild(PerformContext? context, CancellationToken cancellationToken) =>
        Maintainer().Rebuild(new JobProgressReporter(context), cancellationToken);

    /// <summary>The consistency check: the index holds exactly the database's live records; differences are rewritten.</summary>
    [Queue("index")]
    [AutomaticRetry(Attempts = 2)]
    public string Check(CancellationToken cancellationToken)
    {
        var check = Maintainer().Verify(repair: true, cancellationToken);
        return check.Clean
            ? $"clean at sequence {check.Seq}"
            : $"repaired at sequence {check.Seq}: {check.Missing} missing, {check.Extra} extra, {check.Duplicates} duplicated";
    }

    private IndexMaintainer Maintainer()
    {
        if (!host.IsOpen || !host.Indexes.CanWrite) throw new InvalidOperationException("this server does not own the index writers");
        return services.GetRequiredService<IndexMaintainer>();
    }
}
