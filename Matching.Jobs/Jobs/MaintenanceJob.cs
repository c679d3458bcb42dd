using Hangfire;
using Matching.Engine;
using Matching.Engine.Matches;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Jobs;

/// <summary>Recurring housekeeping.</summary>
public sealed class MaintenanceJob(RecordStore store, MatchStore matches, ModelHost models, IOptions<MatchingOptions> options)
{
    /// <summary>Uploaded import files are kept this long after their import (the report stays in the database).</summary>
    public static readonly TimeSpan UploadsKept = TimeSpan.FromDays(30);

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

    /// <summary>
    /// Drops the match lists of model versions no longer served (the active one and the last two complete stay, so a
    /// rollback serves at once) and uploaded files of old imports. Hangfire expires its own finished jobs.
    /// </summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 3)]
    public string Cleanup()
    {
        var dropped = matches.Prune(models.Current?.Version);
        var uploads = Path.Combine(options.Value.DataPath, "uploads");
        var removed = 0;
        if (Directory.Exists(uploads))
            foreach (var folder in new DirectoryInfo(uploads).EnumerateDirectories().Where(d => DateTime.UtcNow - d.LastWriteTimeUtc > UploadsKept))
            {
                folder.Delete(recursive: true);
                removed++;
            }
        return $"match lists of {dropped.Count} old model version(s) and {removed} upload folder(s) removed";
    }
}
