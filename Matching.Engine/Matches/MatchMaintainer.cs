using System.Diagnostics;
using Matching.Engine.Candidates;
using Matching.Engine.Hosting;
using Matching.Engine.Notifications;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Vectors;

namespace Matching.Engine.Matches;

/// <summary>What one catch-up did.</summary>
public sealed record MatchCatchUp(string? Model, string Mode, int Needs, long Seq)
{
    public static readonly MatchCatchUp Idle = new(null, "idle", 0, 0);
}

/// <summary>
/// Keeps the stored match lists equal to what the active model says about the records, from the change log.
/// <list type="bullet">
/// <item>A version with no complete lists gets a full pass over every open need, at the log position the index and
/// the version's vectors have both reached. An interrupted pass resumes: needs matched at that position are skipped.
/// The previous version's lists keep serving until the pass completes.</item>
/// <item>After that, each change moves only the needs it can affect: a changed need itself; for a changed result or
/// expert, the needs that list it now and the needs a reverse query from it finds (where it could enter a list).</item>
/// </list>
/// Lists are replaced whole per need and tagged with the log position they were computed at, so running a catch-up
/// twice leaves the same lists. One catch-up at a time per process (the job adds a lock across processes). After a
/// need's lists are stored, the <see cref="Notifier"/> tells its enterprise about new strong matches.
/// </summary>
public sealed class MatchMaintainer(RecordStore store, MatchStore matches, MatchLists lists, CandidateRetriever retriever, IndexHost index, RecordVectors vectors, ModelHost models,
    Notifier? notifier = null, Embeddings.SentenceEncoders? encoders = null)
{
    /// <summary>Needs written per transaction.</summary>
    private const int Batch = 16;
    /// <summary>A full pass waits while the new version's vectors are further behind the log than this (100 changes and 1%).</summary>
    public static long FullPassSlack(long lastSeq) => 100 + lastSeq / 100;
    /// <summary>Needs found by a reverse query from a changed result or expert.</summary>
    public const int ReverseDepth = MatchLists.ReverseDepth;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The log position both the index and <paramref name="bundle"/>'s vectors have reached.</summary>
    public long Ready(ModelBundle bundle) =>
        Math.Min(index.Indexes.AppliedSeq, vectors.Cursor(VectorMaintainer.CursorName(VectorModels.Of(bundle), encoders)));

    /// <summary>True when the lists of the active model are behind the log position they could be at.</summary>
    public bool Behind()
    {
        if (models.Current is not { } bundle || !index.IsOpen) return false;
        var version = matches.Version(bundle.Version);
        return version is not { Complete: true } || version.Cursor < Ready(bundle);
    }

    public MatchCatchUp CatchUp(IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (models.Current is not { } bundle) return MatchCatchUp.Idle;
        _gate.Wait(cancellationToken);
        try
        {
            var version = matches.Version(bundle.Version);
            if (version is not { Complete: true })
            {
                var pass = FullPass(bundle, version, progress, cancellationToken);
                if (pass.Mode != "full") return pass;
                var more = Incremental(bundle, progress, cancellationToken);
                return pass with { Needs = pass.Needs + more.Needs, Seq = Math.Max(pass.Seq, more.Seq) };
            }
            return Incremental(bundle, progress, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Re-matches one need now under the active model (a small job: an organiser asked for fresh lists, a bench). It
    /// stores at the position the index and vectors have reached, like the catch-up would.
    /// </summary>
    public bool RematchNeed(string needId)
    {
        if (models.Current is not { } bundle || !index.IsOpen) return false;
        Rematch(bundle, [needId], Ready(bundle));
        return true;
    }

    private MatchCatchUp FullPass(ModelBundle bundle, MatchVersion? version, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var ready = Ready(bundle);
        // A new version's topic vectors fill from the start of the log; scoring before they are there would store
        // lists without its topic signal. Waiting is cheap: the old lists serve meanwhile.
        var last = store.LastSeq();
        if (version is null && ready < last - FullPassSlack(last)) return new MatchCatchUp(bundle.Version, "waiting", 0, ready);
        version ??= matches.StartPass(bundle.Version, ready);
        var clock = Stopwatch.StartNew();
        var open = OpenNeeds();
        var done = matches.Matched(bundle.Version);
        var todo = open.Where(id => done.GetValueOrDefault(id, -1) < version.PassSeq).ToList();
        matches.Remove(bundle.Version, done.Keys.Where(id => !open.Contains(id)).ToList());
        var written = 0;
        foreach (var chunk in todo.Chunk(Batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Rematch(bundle, chunk, version.PassSeq);
            written += chunk.Length;
            progress?.Report(new JobProgress("match (full)", open.Count - todo.Count + written, open.Count, clock.Elapsed, "needs"));
        }
        matches.CompletePass(bundle.Version);
        return new MatchCatchUp(bundle.Version, "full", written, version.PassSeq);
    }

    private MatchCatchUp Incremental(ModelBundle bundle, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var version = matches.Version(bundle.Version)!;
        var ready = Ready(bundle);
        if (ready <= version.Cursor) return new MatchCatchUp(bundle.Version, "current", 0, version.Cursor);
        var clock = Stopwatch.StartNew();
        var affected = new HashSet<string>();
        var changedRecords = new Dictionary<RecordKind, HashSet<string>> { [RecordKind.Result] = [], [RecordKind.Expert] = [] };
        for (var from = version.Cursor; from < ready;)
        {
            var batch = store.ChangesAfter(from, 5_000).Where(c => c.Seq <= ready).ToList();
            if (batch.Count == 0) break;
            foreach (var change in batch)
            {
                if (change.Entity == RecordKind.Need.Name()) affected.Add(change.EntityId);
                else if (change.Entity == RecordKind.Result.Name()) changedRecords[RecordKind.Result].Add(change.EntityId);
                else if (change.Entity == RecordKind.Expert.Name()) changedRecords[RecordKind.Expert].Add(change.EntityId);
            }
            from = batch[^1].Seq;
        }

        var open = OpenNeeds();
        foreach (var (kind, ids) in changedRecords)
        {
            if (ids.Count == 0 || affected.Count >= open.Count) continue;
            affected.UnionWith(matches.NeedsListing(bundle.Version, ids));
            foreach (var id in ids)
            {
                if (affected.Count >= open.Count) break;
                foreach (var need in Reverse(kind, id)) affected.Add(need);
            }
        }
        var closed = affected.Where(id => !open.Contains(id)).ToList();
        matches.Remove(bundle.Version, closed);
        var todo = affected.Where(open.Contains).Order(StringComparer.Ordinal).ToList();
        var written = 0;
        foreach (var chunk in todo.Chunk(Batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Rematch(bundle, chunk, ready);
            written += chunk.Length;
            progress?.Report(new JobProgress("match", written, todo.Count, clock.Elapsed, "needs"));
        }
        matches.SetCursor(bundle.Version, ready);
        return new MatchCatchUp(bundle.Version, "incremental", written, ready);
    }

    private void Rematch(ModelBundle bundle, IReadOnlyCollection<string> needIds, long seq)
    {
        var today = DateOnly.FromDateTime(DateTime.Today);
        var needs = store.GetNeeds(needIds).Where(n => n.IsOpen(today)).ToList();
        var computed = needs.Select(n => lists.Compute(bundle, n)).ToList();
        matches.Put(seq, computed);
        notifier?.MatchesStored(needs, computed);
        var gone = needIds.Except(needs.Select(n => n.Id)).ToList();
        matches.Remove(bundle.Version, gone);
    }

    /// <summary>Needs a changed result or expert could now enter the lists of: the top of a reverse query from it.</summary>
    private IEnumerable<string> Reverse(RecordKind kind, string id)
    {
        if (kind == RecordKind.Result)
            return store.GetResult(id) is { Status: RecordStatus.Active } result ? retriever.ForResult(result, ReverseDepth, withSnippets: 0).Select(c => c.Id) : [];
        if (store.GetExpert(id) is not { Status: RecordStatus.Active } expert) return [];
        var results = store.ResultsOfExperts([expert.Id])[expert.Id].Where(r => r.Status == RecordStatus.Active);
        return retriever.ForExpert(expert, results, ReverseDepth, withSnippets: 0).Select(c => c.Id);
    }

    private HashSet<string> OpenNeeds()
    {
        var today = DateOnly.FromDateTime(DateTime.Today);
        return store.GetNeeds(store.ActiveIds(RecordKind.Need)).Where(n => n.IsOpen(today)).Select(n => n.Id).ToHashSet();
    }
}
