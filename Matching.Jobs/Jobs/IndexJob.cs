using Hangfire;
using Hangfire.Server;
using Matching.Engine.Hosting;
using Matching.Engine.Index;

namespace Matching.Jobs.Jobs;

/// <summary>Brings the index up to the change log. Re-entrant: the log position makes a second run a no-op.</summary>
public sealed class IndexJob(IndexHost host, IServiceProvider services)
{
    [Queue("index")]
    [AutomaticRetry(Attempts = 5)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public long CatchUp(PerformContext? context)
    {
        // Only the process that owns the writers indexes; another server leaves it to the owner's log poller.
        if (!host.IsOpen || !host.Indexes.CanWrite) return 0;
        var maintainer = (IndexMaintainer)services.GetService(typeof(IndexMaintainer))!;
        return maintainer.CatchUp(new JobProgressReporter(context));
    }

    [Queue("index")]
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public long Rebuild(PerformContext? context)
    {
        if (!host.IsOpen || !host.Indexes.CanWrite) throw new InvalidOperationException("this server does not own the index writers");
        var maintainer = (IndexMaintainer)services.GetService(typeof(IndexMaintainer))!;
        return maintainer.Rebuild(new JobProgressReporter(context));
    }
}
