using Hangfire;
using Matching.Engine.Storage;

namespace Matching.Jobs.Jobs;

/// <summary>Recurring housekeeping.</summary>
public sealed class MaintenanceJob(RecordStore store)
{
    /// <summary>Closes needs past their deadline; the change log takes them out of the index.</summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 3)]
    public int CloseExpiredNeeds()
    {
        using var writer = store.BeginWrite();
        var closed = writer.CloseExpiredNeeds(DateOnly.FromDateTime(DateTime.Today));
        writer.Commit();
        return closed.Count;
    }
}
