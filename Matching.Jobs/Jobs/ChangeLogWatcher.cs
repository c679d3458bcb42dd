using Hangfire;
using Hangfire.States;
using Matching.Engine.Matches;
using Matching.Engine.Vectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Turns the change log into jobs. Once a second it compares the log with what is done — the active model's vector
/// cursor, the stored match lists' position — and enqueues a catch-up job for what is behind, unless one is already
/// waiting or running. The log, not Hangfire's storage, says what is left, so a server that starts (after a crash, a
/// restore, a lost job) catches up whatever state the queue was left in. The index itself is caught up by the
/// process that owns its writers (EngineStartup) and does not go through the queue.
/// </summary>
public sealed class ChangeLogWatcher(
    IBackgroundJobClient jobs, JobStorage storage, IServiceProvider services, Microsoft.Extensions.Options.IOptions<JobsOptions> options, ILogger<ChangeLogWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    /// <summary>After a catch-up job failed for good, the watcher waits this long before trying again.</summary>
    private static readonly TimeSpan AfterFailure = TimeSpan.FromMinutes(1);
    private static readonly HashSet<string> Waiting = [EnqueuedState.StateName, ProcessingState.StateName, ScheduledState.StateName, AwaitingState.StateName];
    private readonly Dictionary<string, string> _pending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        VectorMaintainer? vectors = null;
        MatchMaintainer? matches = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Resolved once the index is open in this process (a reader may start before the index exists).
                vectors ??= services.GetRequiredService<VectorMaintainer>();
                matches ??= services.GetRequiredService<MatchMaintainer>();
                if (++_ticks % 5 == 1) RequeueOrphanedImports();
                if (vectors.Behind()) Ensure("embed", () => jobs.Enqueue<VectorJob>(j => j.CatchUp(null, CancellationToken.None)));
                if (matches.Behind()) Ensure("match", () => jobs.Enqueue<MatchJob>(j => j.CatchUp(null, CancellationToken.None)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database or the job storage is away for a moment; the log still says what is left.
                logger.LogWarning("Change-log watcher: {Message}; retrying", e.Message);
            }
        }
    }

    private long _ticks;

    /// <summary>How long a running import may go without a heartbeat (written every 2 s) before it is run again.</summary>
    private TimeSpan ImportHeartbeatTimeout => TimeSpan.FromSeconds(options.Value.ImportHeartbeatTimeoutSeconds);
    /// <summary>How long a queued import may wait on a job that is not waiting in the queue (its runner died as it began).</summary>
    public static readonly TimeSpan ImportQueuedTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Imports whose runner died (killed, machine lost) are run again — an import upserts its rows by id, so a second
    /// run loses and doubles nothing. Hangfire would only retry such a job after its invisibility timeout (30 minutes).
    /// </summary>
    private void RequeueOrphanedImports()
    {
        var imports = services.GetRequiredService<Engine.Storage.ImportRuns>();
        using var connection = storage.GetConnection();
        foreach (var run in imports.Unfinished())
        {
            var silent = DateTimeOffset.UtcNow - (run.Heartbeat ?? DateTimeOffset.MinValue);
            var state = run.JobId is null ? null : connection.GetStateData(run.JobId)?.Name;
            var orphaned = run.Status == Engine.Storage.ImportRuns.Running
                // Its process is gone, or it has stopped saying it is alive (a runner that lost the database mid-import).
                ? (run.Owner is { } owner && Engine.Hosting.ProcessOwner.IsAlive(owner) == false) || silent > ImportHeartbeatTimeout
                : silent > ImportQueuedTimeout && (state is null || !Waiting.Contains(state) || state == ProcessingState.StateName);
            if (!orphaned) continue;
            var args = run.JobId is null ? null : connection.GetJobData(run.JobId)?.Job?.Args;
            var encoding = args?.ElementAtOrDefault(1) as string;
            // A dry run stays a dry run (Run(id, encoding, dryRun, context, token)).
            var dryRun = args is { Count: 5 } && args[2] is true;
            var id = jobs.Enqueue<ImportJob>(j => j.Run(run.Id, encoding, dryRun, null, CancellationToken.None));
            imports.Requeue(run.Id, id);
            logger.LogWarning("Import {Import} lost its runner ({Owner}); running it again as job {Job}", run.Id, run.Owner ?? "not started", id);
        }
    }

    /// <summary>Enqueues a job of this kind unless the last one is still waiting or running (or failed a moment ago).</summary>
    private void Ensure(string kind, Func<string> enqueue)
    {
        if (_pending.TryGetValue(kind, out var id))
        {
            using var connection = storage.GetConnection();
            var state = connection.GetStateData(id);
            // Processing with nobody holding the job's lock: its worker lost the database or died mid-job, and the
            // storage would only hand it out again after its invisibility timeout (30 minutes). Replace it now.
            if (state?.Name is { } name && Waiting.Contains(name) && !(name == ProcessingState.StateName && !JobLocks.IsHeld(storage, kind))) return;
            if (state?.Name == FailedState.StateName && connection.GetJobData(id) is { } data && DateTime.UtcNow - data.CreatedAt < AfterFailure) return;
        }
        _pending[kind] = enqueue();
    }
}
