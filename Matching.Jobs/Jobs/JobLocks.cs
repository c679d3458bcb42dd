using Hangfire;
using Hangfire.Storage;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Runs a catch-up under a lock in the job storage, shared by every server: a second copy of the job (two servers
/// saw the same backlog) finds the lock taken and returns at once, since the copy holding it covers the same log.
/// </summary>
public static class JobLocks
{
    public static string Run(JobStorage storage, string resource, Func<string> work)
    {
        IDisposable held;
        using var connection = storage.GetConnection();
        try
        {
            held = connection.AcquireDistributedLock("matching:" + resource, TimeSpan.Zero);
        }
        catch (DistributedLockTimeoutException)
        {
            return $"skipped: {resource} is running on another worker";
        }
        using (held) return work();
    }

    /// <summary>
    /// True when a worker holds the lock of <paramref name="resource"/> now. A job the storage shows as processing while
    /// nobody holds its lock is not running (its worker lost the database mid-job, or died): the watcher replaces it.
    /// </summary>
    public static bool IsHeld(JobStorage storage, string resource)
    {
        using var connection = storage.GetConnection();
        try
        {
            connection.AcquireDistributedLock("matching:" + resource, TimeSpan.Zero).Dispose();
            return false;
        }
        catch (DistributedLockTimeoutException)
        {
            return true;
        }
    }
}
