using System.ComponentModel.DataAnnotations;

namespace Matching.Jobs;

/// <summary>The Hangfire job server.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>The web app runs a job server in its own process (single-machine mode). Off when Matching.Jobs serve runs.</summary>
    public bool InProcessServer { get; set; } = true;

    /// <summary>Workers per server.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// The queues this server takes (of embed, match, train, events, default); empty means all of them. The index queue
    /// always goes with the index writers.
    /// </summary>
    public string[]? Queues { get; set; }

    /// <summary>
    /// On shutdown (SIGTERM), how long running jobs get to finish before their cancellation token fires, in seconds. A
    /// cancelled job goes back to its queue and runs again on the next start.
    /// </summary>
    [Range(0, 600)]
    public int StopTimeoutSeconds { get; set; } = 10;

    /// <summary>A running import that has not written its heartbeat (every 2 s) for this long is run again, in seconds.</summary>
    [Range(5, 3600)]
    public int ImportHeartbeatTimeoutSeconds { get; set; } = 60;

    /// <summary>How often an idle server asks SQLite storage for work, in milliseconds (its default is 15 s).</summary>
    [Range(50, 1000)]
    public int QueuePollMilliseconds { get; set; } = 200;
}
