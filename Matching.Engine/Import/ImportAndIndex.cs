using Matching.Engine.Index;
using Matching.Engine.Progress;
using Matching.Engine.Records;

namespace Matching.Engine.Import;

/// <summary>
/// An import with the index catching up alongside it, as the job server's change-log poller does: each batch is
/// committed to the database first, and the index follows on another thread, so database work and analysis overlap.
/// </summary>
public static class ImportAndIndex
{
    public static ImportReport Run(Importer importer, IndexMaintainer? maintainer, IEnumerable<(string Path, RecordKind Kind)> files,
        string? encoding = null, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(importer);
        // A dry run writes nothing, so the index has nothing to follow.
        if (maintainer is null || dryRun) return importer.Import(files, encoding, progress, cancellationToken, dryRun: dryRun);

        using var importDone = new CancellationTokenSource();
        var follower = Task.Run(() =>
        {
            while (!importDone.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                if (maintainer.CatchUp(cancellationToken: cancellationToken) == 0)
                    importDone.Token.WaitHandle.WaitOne(100);
            }
        }, CancellationToken.None);
        ImportReport report;
        try
        {
            report = importer.Import(files, encoding, progress, cancellationToken);
        }
        finally
        {
            importDone.Cancel();
            follower.GetAwaiter().GetResult();
        }
        maintainer.CatchUp(cancellationToken: cancellationToken);
        return report;
    }
}
