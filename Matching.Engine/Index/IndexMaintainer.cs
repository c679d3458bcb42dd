using System.Diagnostics;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Index;

/// <summary>What the consistency check found (and repaired) at log position <see cref="Seq"/>.</summary>
public sealed record IndexCheck(int Missing, int Extra, int Duplicates, long Seq)
{
    public bool Clean => Missing + Extra + Duplicates == 0;
}

/// <summary>
/// Keeps the indexes equal to the database by replaying the change log from each index's applied sequence.
/// Re-running it is harmless: documents are replaced by id, and an index only records a sequence once the
/// documents up to it are committed. One catch-up runs at a time per process.
/// </summary>
public sealed class IndexMaintainer(RecordStore store, IndexSet indexes)
{
    private const int BatchSize = 4000;
    private const int CommitEvery = 40_000;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// An empty index (new, moved aside as corrupt, restored without one) over a log longer than this is filled from
    /// the live records — each document written once — rather than by replaying every version of every record.
    /// </summary>
    public const long RebuildFromEmptyAbove = 5_000;

    /// <summary>True after a catch-up found the index empty over a long log and rebuilt it from the records.</summary>
    public event Action<long, TimeSpan>? RebuiltFromEmpty;

    /// <summary>Applies every change after the indexes' applied sequence; returns how many changes were read.</summary>
    public long CatchUp(IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _gate.Wait(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            if (indexes.AppliedSeq == 0 && store.LastSeq() > RebuildFromEmptyAbove)
            {
                var documents = RebuildLocked(progress, cancellationToken);
                RebuiltFromEmpty?.Invoke(documents, clock.Elapsed);
            }
            var from = indexes.AppliedSeq;
            var start = from;
            var last = store.LastSeq();
            if (last <= from) return 0;
            long read = 0, sinceCommit = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = store.ChangesAfter(from, BatchSize);
                if (batch.Count == 0) break;
                Apply(batch);
                from = batch[^1].Seq;
                read += batch.Count;
                sinceCommit += batch.Count;
                if (sinceCommit >= CommitEvery) { CommitAll(from); sinceCommit = 0; }
                progress?.Report(new JobProgress("index", read, Math.Max(read, last - start), clock.Elapsed));
            }
            CommitAll(from);
            return read;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Empties the indexes and fills them from the database; then catches up with anything written meanwhile.</summary>
    public long Rebuild(IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _gate.Wait(cancellationToken);
        long written;
        try
        {
            written = RebuildLocked(progress, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
        CatchUp(progress, cancellationToken);
        return written;
    }

    private long RebuildLocked(IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long written = 0;
        // Read the log position first: anything committed after it is replayed by the catch-up that follows.
        var seq = store.LastSeq();
        var ids = IndexSet.Kinds.ToDictionary(k => k, store.ActiveIds);
        var total = ids.Values.Sum(v => v.Count);
        foreach (var kind in IndexSet.Kinds)
        {
            var index = indexes[kind];
            index.DeleteAll();
            foreach (var chunk in ids[kind].Chunk(BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Write(kind, chunk);
                written += chunk.Length;
                progress?.Report(new JobProgress("rebuild", written, total, clock.Elapsed, "documents"));
            }
            index.Commit(seq);
        }
        return written;
    }

    /// <summary>
    /// The consistency check: after catching up, the index must hold exactly the database's live records, each once.
    /// Differences (a document missing, one that should be gone, a duplicate) are counted and, with
    /// <paramref name="repair"/>, rewritten from the database.
    /// </summary>
    public IndexCheck Verify(bool repair = true, CancellationToken cancellationToken = default, bool catchUp = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (catchUp) CatchUp(cancellationToken: cancellationToken);
            _gate.Wait(cancellationToken);
            try
            {
                var seq = indexes.AppliedSeq;
                var today = DateOnly.FromDateTime(DateTime.Today);
                var expected = new Dictionary<RecordKind, HashSet<string>>
                {
                    [RecordKind.Result] = store.ActiveIds(RecordKind.Result).ToHashSet(),
                    [RecordKind.Expert] = store.ActiveIds(RecordKind.Expert).ToHashSet(),
                    [RecordKind.Need] = store.GetNeeds(store.ActiveIds(RecordKind.Need)).Where(n => n.IsOpen(today)).Select(n => n.Id).ToHashSet(),
                };
                // Something written while the ids were read would look like a difference: read again.
                if (catchUp && store.LastSeq() != seq && attempt < 5) continue;
                int missing = 0, extra = 0, duplicates = 0;
                foreach (var kind in IndexSet.Kinds)
                {
                    var held = indexes[kind].Ids();
                    var heldSet = held.ToHashSet();
                    var wrong = expected[kind].Where(id => !heldSet.Contains(id)).ToList();
                    missing += wrong.Count;
                    var gone = heldSet.Where(id => !expected[kind].Contains(id)).ToList();
                    extra += gone.Count;
                    var twice = held.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                    duplicates += twice.Count;
                    if (repair && wrong.Count + gone.Count + twice.Count > 0)
                    {
                        Write(kind, wrong.Concat(gone).Concat(twice).Distinct().ToList());
                        indexes[kind].Commit(indexes[kind].AppliedSeq);
                    }
                }
                return new IndexCheck(missing, extra, duplicates, seq);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private void Apply(IReadOnlyList<Change> batch)
    {
        foreach (var kind in IndexSet.Kinds)
        {
            var applied = indexes[kind].AppliedSeq;
            var name = kind.Name();
            var ids = batch.Where(c => c.Seq > applied && c.Entity == name).Select(c => c.EntityId).Distinct().ToList();
            if (ids.Count > 0) Write(kind, ids);
        }
    }

    private void Write(RecordKind kind, IReadOnlyCollection<string> ids)
    {
        var index = indexes[kind];
        var today = DateOnly.FromDateTime(DateTime.Today);
        HashSet<string> live;
        switch (kind)
        {
            case RecordKind.Result:
                var results = store.GetResults(ids).Where(r => r.Status == RecordStatus.Active).ToList();
                foreach (var r in results) index.Upsert(r.Id, IndexDocuments.For(r));
                live = results.Select(r => r.Id).ToHashSet();
                break;
            case RecordKind.Need:
                var needs = store.GetNeeds(ids).Where(n => n.IsOpen(today)).ToList();
                foreach (var n in needs) index.Upsert(n.Id, IndexDocuments.For(n));
                live = needs.Select(n => n.Id).ToHashSet();
                break;
            case RecordKind.Expert:
                var experts = store.GetExperts(ids).Where(e => e.Status == RecordStatus.Active).ToList();
                var theirs = store.ResultsOfExperts(experts.Select(e => e.Id).ToList());
                foreach (var e in experts)
                    index.Upsert(e.Id, IndexDocuments.For(e, theirs[e.Id].Where(r => r.Status == RecordStatus.Active)));
                live = experts.Select(e => e.Id).ToHashSet();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        foreach (var id in ids.Where(id => !live.Contains(id))) index.Delete(id);
    }

    private void CommitAll(long seq)
    {
        Diagnostics.FaultInjection.Point(Diagnostics.FaultInjection.BeforeIndexCommit);
        foreach (var kind in IndexSet.Kinds)
            if (indexes[kind].AppliedSeq < seq) indexes[kind].Commit(seq);
    }
}
