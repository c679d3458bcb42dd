using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matching.Engine.Candidates;

/// <summary>
/// A top-N search whose segments are scored side by side on the machine's cores, with the same hits in the same order
/// as <see cref="IndexSearcher.Search(Query, int)"/>: one normalised weight shared by the segments (as Lucene's own
/// concurrent search shares it), a top N per segment, merged by score and then doc id, which is the order a single
/// collector keeps. The calling thread scores segments too, so a busy thread pool slows a search down to sequential
/// speed and never blocks it (Lucene.Net's searcher with a TaskScheduler waits on pool tasks, which can starve a loaded
/// web server). Largest segments go first, so the last one to finish is a small one.
/// </summary>
public static class LeafParallelSearch
{
    /// <summary>Below this many documents a search runs on the calling thread alone (the hand-off would cost more than it saves).</summary>
    public const int FromDocuments = 10_000;

    public static ScoreDoc[] Search(IndexSearcher searcher, Query query, int n)
    {
        var leaves = searcher.IndexReader.Leaves;
        if (leaves.Count < 2 || searcher.IndexReader.MaxDoc < FromDocuments || Environment.ProcessorCount < 2)
            return searcher.Search(query, n).ScoreDocs;
        var weight = searcher.CreateNormalizedWeight(query);
        var perLeaf = new ScoreDoc[leaves.Count][];
        var order = Enumerable.Range(0, leaves.Count).OrderByDescending(i => leaves[i].AtomicReader.MaxDoc).ToList();
        SideBySide.ForEach(order, i => perLeaf[i] = SearchLeaf(weight, leaves[i], n));
        return Merge(perLeaf, n);
    }

    private static ScoreDoc[] SearchLeaf(Weight weight, AtomicReaderContext leaf, int n)
    {
        var collector = TopScoreDocCollector.Create(n, !weight.ScoresDocsOutOfOrder);
        collector.SetNextReader(leaf);
        var scorer = weight.GetBulkScorer(leaf, !collector.AcceptsDocsOutOfOrder, leaf.AtomicReader.LiveDocs);
        scorer?.Score(collector);
        return collector.GetTopDocs().ScoreDocs;
    }

    /// <summary>The best <paramref name="n"/> over all segments' lists: score descending, then doc id ascending.</summary>
    internal static ScoreDoc[] Merge(IEnumerable<ScoreDoc[]> lists, int n)
    {
        var all = lists.SelectMany(l => l).ToList();
        all.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return all.Take(n).ToArray();
    }
}
