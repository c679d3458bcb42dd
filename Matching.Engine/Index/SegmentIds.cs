using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Matching.Engine.Index;

/// <summary>
/// Record id → Lucene doc id, per segment: built once per segment core from its id terms and kept with the core
/// (dropped when the segment is), so locating a candidate list is a few dictionary lookups instead of a seek through
/// every segment's terms per id (9 ms for 200 ids over 100,000 results). Deletions are read at lookup time from the
/// reader's live docs, which change while the core stays.
/// </summary>
public static class SegmentIds
{
    private static readonly ConditionalWeakTable<object, Map> Maps = new();

    /// <summary>The live top-level doc id of each id that is in the index.</summary>
    public static Dictionary<string, int> Locate(IndexReader reader, IEnumerable<string> ids)
    {
        var wanted = ids as IReadOnlyCollection<string> ?? ids.ToList();
        var found = new Dictionary<string, int>(wanted.Count);
        foreach (var leaf in reader.Leaves)
        {
            var atomic = leaf.AtomicReader;
            var map = Maps.GetValue(atomic.CoreCacheKey, _ => Map.Build(atomic));
            var live = atomic.LiveDocs;
            foreach (var id in wanted)
            {
                if (!map.First.TryGetValue(id, out var doc)) continue;
                if (live is null || live.Get(doc)) { found[id] = leaf.DocBase + doc; continue; }
                // An id updated within one segment has older, deleted copies beside its live one.
                if (map.More.TryGetValue(id, out var others))
                    foreach (var other in others)
                        if (live.Get(other)) { found[id] = leaf.DocBase + other; break; }
            }
        }
        return found;
    }

    private sealed class Map
    {
        public Dictionary<string, int> First { get; } = new();
        public Dictionary<string, List<int>> More { get; } = new();

        public static Map Build(AtomicReader reader)
        {
            var map = new Map();
            var terms = reader.GetTerms(RecordIndex.IdField);
            if (terms is null) return map;
            var termsEnum = terms.GetEnumerator();
            DocsEnum? docs = null;
            while (termsEnum.MoveNext())
            {
                var id = termsEnum.Term.Utf8ToString();
                docs = termsEnum.Docs(null, docs, DocsFlags.NONE);
                for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
                {
                    if (map.First.TryAdd(id, doc)) continue;
                    if (!map.More.TryGetValue(id, out var list)) map.More[id] = list = [];
                    list.Add(doc);
                }
            }
            return map;
        }
    }
}
