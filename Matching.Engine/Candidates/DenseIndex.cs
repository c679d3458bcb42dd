using System.Numerics.Tensors;
using Matching.Engine.Records;
using Matching.Engine.Vectors;

namespace Matching.Engine.Candidates;

/// <summary>One hit of the dense list: a record, its dot product with the query vector, its 1-based rank.</summary>
public readonly record struct DenseHit(string Id, float Score, int Rank);

/// <summary>
/// Exact nearest neighbours by dot product over unit vectors of one encoder (cosine), held in memory. A scan over
/// every row reads each vector's int8 codes (a quarter of the bytes of its floats: the scan is bound by memory, not
/// arithmetic), keeps a shortlist of <see cref="ShortlistFactor"/> × k by the quantised score, and scores the
/// shortlist exactly in floats; the top k of the shortlist is returned with its exact scores. Rows are replaced by
/// id; readers take a snapshot of the arrays, so a search never waits for a writer.
/// </summary>
/// <remarks>
/// Each vector is quantised with its own scale (its largest component ↦ 127), so a unit vector's code error is at most
/// half a step per component and the quantised dot product differs from the exact one by about 10⁻³ for 512
/// dimensions, while neighbouring ranks around the hundredth differ by about 10⁻² (test
/// <c>TheDenseList_OfManyRealisticVectors_IsTheExactTopK</c>): the shortlist holds the exact top k with a wide margin.
/// </remarks>
public sealed class DenseIndex(int dimensions)
{
    /// <summary>How many times k rows the quantised scan keeps for exact scoring.</summary>
    public const int ShortlistFactor = 4;

    private sealed record Rows(string[] Ids, float[][] Vectors, sbyte[] Codes, float[] Scales, int Count);

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _rowOf = new(StringComparer.Ordinal);
    private volatile Rows _rows = new([], [], [], [], 0);

    public int Dimensions { get; } = dimensions;
    public int Count => _rows.Count;

    /// <summary>Adds or replaces rows; a vector of another length is ignored (another encoder's).</summary>
    public void Put(IEnumerable<StoredVector> vectors)
    {
        lock (_gate)
        {
            var rows = _rows;
            var (ids, vs, codes, scales, count) = (rows.Ids, rows.Vectors, rows.Codes, rows.Scales, rows.Count);
            foreach (var v in vectors)
            {
                if (v.Vector.Length != Dimensions) continue;
                if (!_rowOf.TryGetValue(v.Id, out var at))
                {
                    if (count == ids.Length)
                    {
                        var capacity = Math.Max(1024, ids.Length * 2);
                        Array.Resize(ref ids, capacity);
                        Array.Resize(ref vs, capacity);
                        Array.Resize(ref codes, capacity * Dimensions);
                        Array.Resize(ref scales, capacity);
                    }
                    at = count++;
                    ids[at] = v.Id;
                    _rowOf[v.Id] = at;
                }
                // A reader scanning while a row is replaced may see part of its old codes: its shortlist place is off
                // for that one search, and every returned score is the exact one of the vector it read.
                scales[at] = Quantise(v.Vector, codes.AsSpan(at * Dimensions, Dimensions));
                vs[at] = v.Vector;
            }
            _rows = new Rows(ids, vs, codes, scales, count);
        }
    }

    /// <summary>
    /// The <paramref name="k"/> rows closest to <paramref name="query"/>, best first (ties by id), leaving out ids
    /// <paramref name="skip"/> names. Rows are scanned side by side on the machine's cores.
    /// </summary>
    public IReadOnlyList<DenseHit> Top(float[] query, int k, Func<string, bool>? skip = null)
    {
        var rows = _rows;
        if (query.Length != Dimensions || rows.Count == 0 || k <= 0) return [];
        var code = new sbyte[Dimensions];
        Quantise(query, code);
        var keep = Math.Min(rows.Count, k * ShortlistFactor + 32);
        // A few ranges per core, each keeping its own shortlist (a min-heap whose root is the weakest kept).
        var rangeSize = Math.Max(4096, rows.Count / (2 * Environment.ProcessorCount) + 1);
        var shortlists = new List<int>[(rows.Count + rangeSize - 1) / rangeSize];
        SideBySide.ForRanges(rows.Count, rangeSize, (from, to) =>
        {
            var heap = new PriorityQueue<int, float>(keep + 1);
            var weakest = float.NegativeInfinity;
            var codes = rows.Codes.AsSpan();
            for (var i = from; i < to; i++)
            {
                var score = Int8.Dot(code, codes.Slice(i * Dimensions, Dimensions)) * rows.Scales[i];
                if (heap.Count == keep && score <= weakest) continue;
                if (skip?.Invoke(rows.Ids[i]) == true) continue;
                heap.Enqueue(i, score);
                if (heap.Count > keep) heap.Dequeue();
                if (heap.Count == keep) heap.TryPeek(out _, out weakest);
            }
            var list = new List<int>(heap.Count);
            while (heap.TryDequeue(out var row, out _)) list.Add(row);
            shortlists[from / rangeSize] = list;
        });
        // The shortlists' rows by approximate score, then the best of them scored exactly.
        var candidates = shortlists.SelectMany(l => l)
            .Select(row => (Row: row, Approximate: Int8.Dot(code, rows.Codes.AsSpan(row * Dimensions, Dimensions)) * rows.Scales[row]))
            .OrderByDescending(x => x.Approximate).Take(keep)
            .Select(x => (x.Row, Score: TensorPrimitives.Dot(query, rows.Vectors[x.Row])))
            .OrderByDescending(x => x.Score).ThenBy(x => rows.Ids[x.Row], StringComparer.Ordinal)
            .Take(k).ToList();
        return candidates.Select((b, i) => new DenseHit(rows.Ids[b.Row], b.Score, i + 1)).ToList();
    }

    /// <summary>Writes <paramref name="vector"/>'s int8 codes (its largest component ↦ ±127) and returns their scale.</summary>
    private static float Quantise(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var largest = TensorPrimitives.MaxMagnitude(vector);
        var largestAbs = MathF.Abs(largest);
        if (!(largestAbs > 0) || !float.IsFinite(largestAbs))
        {
            codes.Clear();
            return 0;
        }
        var step = largestAbs / 127f;
        for (var d = 0; d < vector.Length; d++) codes[d] = (sbyte)Math.Clamp(MathF.Round(vector[d] / step), -127, 127);
        return step;
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
