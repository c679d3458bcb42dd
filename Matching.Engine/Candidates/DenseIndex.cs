using System.Numerics.Tensors;
using Matching.Engine.Records;
using Matching.Engine.Vectors;

namespace Matching.Engine.Candidates;

/// <summary>One hit of the dense list: a record, its dot product with the query vector, its 1-based rank.</summary>
public readonly record struct DenseHit(string Id, float Score, int Rank);

/// <summary>
/// Exact nearest neighbours by dot product over unit vectors of one encoder (cosine), held in memory: every row is
/// scored with SIMD (System.Numerics.Tensors) and the best k kept in a bounded heap. Rows are replaced by id;
/// readers take a snapshot of the arrays, so a search never waits for a writer.
/// </summary>
public sealed class DenseIndex(int dimensions)
{
    private sealed record Rows(string[] Ids, float[][] Vectors, int Count);

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _rowOf = new(StringComparer.Ordinal);
    private volatile Rows _rows = new([], [], 0);

    public int Dimensions { get; } = dimensions;
    public int Count => _rows.Count;

    /// <summary>Adds or replaces rows; a vector of another length is ignored (another encoder's).</summary>
    public void Put(IEnumerable<StoredVector> vectors)
    {
        lock (_gate)
        {
            var rows = _rows;
            var ids = rows.Ids;
            var vs = rows.Vectors;
            var count = rows.Count;
            foreach (var v in vectors)
            {
                if (v.Vector.Length != Dimensions) continue;
                if (_rowOf.TryGetValue(v.Id, out var at))
                {
                    vs[at] = v.Vector;
                    continue;
                }
                if (count == ids.Length)
                {
                    var capacity = Math.Max(1024, ids.Length * 2);
                    Array.Resize(ref ids, capacity);
                    Array.Resize(ref vs, capacity);
                }
                ids[count] = v.Id;
                vs[count] = v.Vector;
                _rowOf[v.Id] = count++;
            }
            _rows = new Rows(ids, vs, count);
        }
    }

    /// <summary>
    /// The <paramref name="k"/> rows closest to <paramref name="query"/>, best first (ties by id), leaving out ids
    /// <paramref name="skip"/> names. Rows are scored side by side on the machine's cores.
    /// </summary>
    public IReadOnlyList<DenseHit> Top(float[] query, int k, Func<string, bool>? skip = null)
    {
        var rows = _rows;
        if (query.Length != Dimensions || rows.Count == 0 || k <= 0) return [];
        var scores = new float[rows.Count];
        SideBySide.ForRanges(rows.Count, 4096, (from, to) =>
        {
            for (var i = from; i < to; i++) scores[i] = TensorPrimitives.Dot(query, rows.Vectors[i]);
        });
        // A min-heap of the best k so far: the root is the weakest kept.
        var heap = new PriorityQueue<int, (float Score, string Id)>(k + 1, Weakest.Instance);
        for (var i = 0; i < rows.Count; i++)
        {
            if (heap.Count == k && heap.TryPeek(out _, out var weakest) && Weakest.Instance.Compare((scores[i], rows.Ids[i]), weakest) <= 0) continue;
            if (skip?.Invoke(rows.Ids[i]) == true) continue;
            heap.Enqueue(i, (scores[i], rows.Ids[i]));
            if (heap.Count > k) heap.Dequeue();
        }
        var best = new List<(int Row, float Score)>(heap.Count);
        while (heap.TryDequeue(out var row, out var p)) best.Add((row, p.Score));
        best.Reverse();
        return best.Select((b, i) => new DenseHit(rows.Ids[b.Row], b.Score, i + 1)).ToList();
    }

    /// <summary>Orders heap entries weakest first: lower score, then the later id (so ties keep the smaller id).</summary>
    private sealed class Weakest : IComparer<(float Score, string Id)>
    {
        public static readonly Weakest Instance = new();
        public int Compare((float Score, string Id) a, (float Score, string Id) b)
        {
            var c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : string.CompareOrdinal(b.Id, a.Id);
        }
    }
}

/// <summary>
/// The dense indexes of one process, one per record kind and vector model, filled from record_vectors on first use
/// and kept current by reading only the rows written since the last look: at once after a write through the same
/// <see cref="RecordVectors"/> (this process's vector job, so its match job sees the vectors it waited for), else at
/// most once per <see cref="RefreshEvery"/> (another process's writes reach every node within about a second). Rows of withdrawn records stay until the next full reload (<see cref="ReloadEvery"/>); they are
/// harmless meanwhile, since a dense hit that is not in the text index is dropped when its BM25 score is read.
/// </summary>
public sealed class DenseIndexes(RecordVectors vectors, TimeProvider? time = null)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ReloadEvery = TimeSpan.FromHours(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<(RecordKind, string), Entry> _entries = new();

    private sealed class Entry(DenseIndex index)
    {
        public DenseIndex Index = index;
        public string? Mark;
        public DateTimeOffset Checked = DateTimeOffset.MinValue;
        public long SeenWrites = -1;
        public DateTimeOffset Loaded;
        public readonly object Gate = new();
        public Task? Reloading;
    }

    /// <summary>The index of one kind and model, current to within <see cref="RefreshEvery"/>.</summary>
    public DenseIndex For(RecordKind kind, string model, int dimensions)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue((kind, model), out entry!))
                _entries[(kind, model)] = entry = new Entry(new DenseIndex(dimensions));
        }
        var now = _time.GetUtcNow();
        // Current enough: looked within the second and nothing was written through this process's vectors since.
        bool Fresh() => now - entry.Checked < RefreshEvery && Volatile.Read(ref entry.SeenWrites) == vectors.Writes;
        if (Fresh()) return entry.Index;
        lock (entry.Gate)
        {
            if (Fresh()) return entry.Index;
            var writes = vectors.Writes;
            if (entry.Mark is not null && now - entry.Loaded > ReloadEvery && entry.Reloading is null)
                // A full reload in the background sheds withdrawn rows; the old index serves until it is ready.
                entry.Reloading = Task.Run(() =>
                {
                    try
                    {
                        var fresh = new DenseIndex(dimensions);
                        var (all, latest) = vectors.WrittenSince(kind, model, null);
                        fresh.Put(all);
                        lock (entry.Gate)
                        {
                            var (since, _) = vectors.WrittenSince(kind, model, Before(latest));
                            fresh.Put(since);
                            entry.Index = fresh;
                        }
                    }
                    catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                    {
                        // The database is away: the index it has keeps serving, and the reload is tried again next time.
                    }
                    finally
                    {
                        lock (entry.Gate)
                        {
                            entry.Loaded = _time.GetUtcNow();
                            entry.Reloading = null;
                        }
                    }
                });
            var (written, latest) = vectors.WrittenSince(kind, model, Before(entry.Mark));
            entry.Index.Put(written);
            if (entry.Mark is null) entry.Loaded = now;
            if (latest is not null && (entry.Mark is null || string.CompareOrdinal(latest, entry.Mark) > 0)) entry.Mark = latest;
            entry.Checked = now;
            Volatile.Write(ref entry.SeenWrites, writes);
            return entry.Index;
        }
    }

    /// <summary>How far before its last mark an index reads again: a write stamped before it but committed after it still arrives.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(2);

    /// <summary>A write-time mark moved back by <see cref="Overlap"/> (marks are round-trip "O" times, which sort as text).</summary>
    private static string? Before(string? mark) =>
        mark is not null && DateTimeOffset.TryParse(mark, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? (at - Overlap).ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) : mark;
}
