using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Matching.Engine.Candidates;

namespace Matching.Engine.Tests.Candidates;

public class LeafParallelSearchTests
{
    [Fact]
    public void LeafParallelSearch_GivesTheSearchersHitsInItsOrder_OverSeveralSegmentsWithTiedScores()
    {
        // Five segments (no merging) of 3,000 documents drawn from a small vocabulary, so many documents tie on score
        // and ties run across segments: the order of a tie is where a merge of per-segment lists could go wrong.
        using var directory = new RAMDirectory();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new Lucene.Net.Analysis.Core.WhitespaceAnalyzer(LuceneVersion.LUCENE_48))
        {
            MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
            Similarity = new BM25Similarity(),
        };
        var words = Enumerable.Range(0, 40).Select(i => "w" + i).ToArray();
        var random = new Random(5);
        using (var writer = new IndexWriter(directory, config))
        {
            for (var segment = 0; segment < 5; segment++)
            {
                for (var d = 0; d < 3_000; d++)
                {
                    var text = string.Join(' ', Enumerable.Range(0, 1 + random.Next(6)).Select(_ => words[random.Next(words.Length)]));
                    writer.AddDocument([new TextField("body", text, Field.Store.NO)]);
                }
                writer.Commit();
            }
        }
        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(5, reader.Leaves.Count);
        Assert.True(reader.MaxDoc >= LeafParallelSearch.FromDocuments);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };

        var compared = 0;
        var ties = 0;
        for (var q = 0; q < 30; q++)
        {
            var query = new BooleanQuery();
            foreach (var w in Enumerable.Range(0, 1 + q % 4).Select(_ => words[random.Next(words.Length)]).Distinct())
                query.Add(new TermQuery(new Term("body", w)) { Boost = 1 + q % 3 }, Occur.SHOULD);
            foreach (var n in new[] { 1, 10, 200 })
            {
                var expected = searcher.Search(query, n).ScoreDocs;
                var actual = LeafParallelSearch.Search(searcher, query, n);
                Assert.Equal(expected.Select(h => (h.Doc, h.Score)), actual.Select(h => (h.Doc, h.Score)));
                ties += expected.Zip(expected.Skip(1)).Count(p => p.First.Score == p.Second.Score && reader.Leaves[ReaderUtil.SubIndex(p.First.Doc, reader.Leaves)] != reader.Leaves[ReaderUtil.SubIndex(p.Second.Doc, reader.Leaves)]);
                compared++;
            }
        }
        Assert.Equal(90, compared);
        Assert.True(ties > 100, $"only {ties} tied neighbours across segments: the test would not catch a wrong tie order");
    }

    [Fact]
    public void WorkSideBySide_FailsWithTheExceptionItself_NotAnAggregate()
    {
        // Callers turn an index that closed into a 503 by its type; wrapped, it would be a 500.
        Assert.Throws<ObjectDisposedException>(() =>
            SideBySide.ForEach(Enumerable.Range(0, 8), i => { if (i == 5) throw new ObjectDisposedException("index"); }));
        Assert.Throws<InvalidOperationException>(() =>
            SideBySide.Invoke(() => { }, () => SideBySide.ForRanges(100, 10, (from, _) => { if (from == 50) throw new InvalidOperationException(); })));
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        SideBySide.ForRanges(100, 7, (from, to) => { for (var i = from; i < to; i++) seen.Add(i); });
        Assert.Equal(Enumerable.Range(0, 100), seen.Order());
    }
}
