using Matching.Engine.Candidates;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Text;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Candidates;

/// <summary>The dense list (exact nearest neighbours over stored vectors) and its merge with the BM25 list.</summary>
public sealed class HybridCandidatesTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static float[] Unit(params float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void TheDenseList_IsTheExactTopKByDotProduct_TiesBySmallerId_AndSkipsWhatItIsTold()
    {
        var random = new Random(7);
        var index = new DenseIndex(8);
        var rows = Enumerable.Range(0, 5_000).Select(i => new StoredVector($"r-{i:D5}", "", Unit(Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()))).ToList();
        index.Put(rows);
        var query = Unit(1, 2, 3, 4, -1, -2, 0.5f, 0);
        var expected = rows.Select(r => (r.Id, Score: r.Vector.Zip(query, (a, b) => a * b).Sum())).OrderByDescending(x => x.Score).ThenBy(x => x.Id, StringComparer.Ordinal).Take(25).ToList();
        var top = index.Top(query, 25);
        Assert.Equal(expected.Select(x => x.Id), top.Select(h => h.Id));
        Assert.Equal(Enumerable.Range(1, 25), top.Select(h => h.Rank));
        for (var i = 0; i < 25; i++) Assert.Equal(expected[i].Score, top[i].Score, 4);

        // A replaced row is scored by its new vector; a vector of another length is not this encoder's and is ignored.
        index.Put([new StoredVector(expected[^1].Id, "", query), new StoredVector("other-encoder", "", Unit(1, 2, 3))]);
        Assert.Equal(expected[^1].Id, index.Top(query, 1)[0].Id);
        Assert.Equal(5_000, index.Count);
        Assert.DoesNotContain(index.Top(query, 30, id => id == expected[0].Id), h => h.Id == expected[0].Id);

        // Equal scores keep the smaller id first.
        var ties = new DenseIndex(2);
        ties.Put([new StoredVector("b", "", Unit(1, 0)), new StoredVector("a", "", Unit(1, 0)), new StoredVector("c", "", Unit(0, 1))]);
        Assert.Equal(["a", "b"], ties.Top(Unit(1, 0), 2).Select(h => h.Id));
        Assert.Empty(ties.Top(Unit(1, 0, 0), 2));
    }

    [Fact]
    public void TheDenseList_OfManyRealisticVectors_IsTheExactTopK()
    {
        // 512-dimensional unit vectors that share a common direction, as a sentence encoder's do (cosines between
        // unrelated texts of one language sit around 0.3–0.6, so the hundredth and the four-hundredth are close): the
        // quantised scan's shortlist must still hold the exact top 100, each with its exact score.
        var random = new Random(11);
        var common = Enumerable.Range(0, 512).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] Realistic() => Unit(common.Select(c => c + 1.2f * ((float)random.NextDouble() - 0.5f)).ToArray());
        var rows = Enumerable.Range(0, 20_000).Select(i => new StoredVector($"r-{i:D5}", "", Realistic())).ToList();
        var index = new DenseIndex(512);
        index.Put(rows);
        for (var q = 0; q < 5; q++)
        {
            var query = Realistic();
            var expected = rows.Select(r => (r.Id, Score: System.Numerics.Tensors.TensorPrimitives.Dot(r.Vector, query)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Id, StringComparer.Ordinal).Take(100).ToList();
            var top = index.Top(query, 100);
            Assert.Equal(expected.Select(x => x.Id), top.Select(h => h.Id));
            Assert.Equal(expected.Select(x => x.Score), top.Select(h => h.Score));
        }
    }

    [Fact]
    public void Int8DotProducts_SumInThirtyTwoBits_AtEveryLength()
    {
        var random = new Random(3);
        foreach (var length in new[] { 1, 15, 16, 31, 32, 33, 384, 512, 515 })
        {
            var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            Assert.Equal(a.Zip(b, (x, y) => x * y).Sum(), Int8.Dot(a, b));
        }
        var extreme = Enumerable.Repeat((sbyte)-127, 512).ToArray();
        Assert.Equal(512 * 127 * 127, Int8.Dot(extreme, extreme));
        Assert.Throws<ArgumentException>(() => Int8.Dot(new sbyte[4], new sbyte[5]));
    }

    [Fact]
    public void TheDenseIndexes_SeeVectorsWrittenSinceTheirLastLook()
    {
        var vectors = new RecordVectors(_data.Database);
        var elsewhere = new RecordVectors(_data.Database); // another process's vector job, on the same database
        var time = new ManualTime(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        var dense = new DenseIndexes(vectors, time);
        vectors.Put(RecordKind.Result, "m", [new StoredVector("r-1", "h", Unit(1, 0)), new StoredVector("r-2", "h", Unit(0, 1))]);
        Assert.Equal(2, dense.For(RecordKind.Result, "m", 2).Count);
        // Written elsewhere: not read again within the second; after it, the new row is there.
        elsewhere.Put(RecordKind.Result, "m", [new StoredVector("r-3", "h", Unit(1, 1))]);
        Assert.Equal(2, dense.For(RecordKind.Result, "m", 2).Count);
        time.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(3, dense.For(RecordKind.Result, "m", 2).Count);
        Assert.Equal("r-3", dense.For(RecordKind.Result, "m", 2).Top(Unit(1, 1), 1)[0].Id);
        // Written in this process (its vector job, whose match job waits for it): read at once.
        vectors.Put(RecordKind.Result, "m", [new StoredVector("r-4", "h", Unit(-1, 1))]);
        Assert.Equal(4, dense.For(RecordKind.Result, "m", 2).Count);
        // Another kind or model is another index.
        Assert.Equal(0, dense.For(RecordKind.Expert, "m", 2).Count);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ADenseOnlyCandidate_JoinsTheListWithItsOwnBm25Score_RankKPlusOne_AndItsDenseRank()
    {
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "r-words", Title = "柔性显示盖板发黄的原因分析", Abstract = "盖板在使用中发黄。", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-meaning", Title = "无色聚酰亚胺薄膜", Abstract = "耐黄变、耐弯折的无色透明聚酰亚胺。", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-both", Title = "盖板用无色聚酰亚胺", Abstract = "柔性盖板。", Language = "zh" });
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
        var retriever = _data.Retriever();
        var need = new TechNeed { Id = "n-1", Title = "盖板发黄", Language = "zh" };
        var bm25 = retriever.ForNeed(need, RecordKind.Result, 200, 0);
        Assert.DoesNotContain(bm25, c => c.Id == "r-meaning");
        DenseHit[] dense = [new("r-meaning", 0.8f, 1), new("r-both", 0.7f, 2), new("r-withdrawn", 0.6f, 3)];

        var merged = retriever.Merge(retriever.QueryOf(need), RecordKind.Result, bm25, dense, 200);
        // The BM25 list keeps its order and entries; one the dense list also found gains its dense rank.
        Assert.Equal(bm25.Select(c => c.Id), merged.Take(bm25.Count).Select(c => c.Id));
        Assert.Equal(2, merged.Single(c => c.Id == "r-both").DenseRank);
        Assert.Equal(0, merged.Single(c => c.Id == "r-words").DenseRank);
        // The dense-only one: rank k + 1, no shared term (BM25 0), its dense rank; one not in the index is dropped.
        var only = merged.Single(c => c.Id == "r-meaning");
        Assert.Equal((201, 1, 0f), (only.Rank, only.DenseRank, only.Score));
        Assert.True(only.DenseOnly(200));
        Assert.DoesNotContain(merged, c => c.Id == "r-withdrawn");
        Assert.Equal(bm25.Count + 1, merged.Count);

        // A dense-only candidate that shares words gets the score the BM25 search gives it (read clause by clause).
        var listed = bm25.Single(c => c.Id == "r-both");
        var without = retriever.Merge(retriever.QueryOf(need), RecordKind.Result, bm25.Where(c => c.Id != "r-both").ToList(), dense, 200).Single(c => c.Id == "r-both");
        Assert.Equal(listed.Score, without.Score, 4);
        Assert.Equal(201, without.Rank);
    }

    [Fact]
    public void TheBigramsField_HoldsTheWholeTextsCharacterPairs_AndAnIndexOfAnOlderLayoutIsRebuilt()
    {
        Assert.Equal(["盖板", "板发", "发黄"], CjkBigrams.Distinct("盖板发黄"));
        // Folded like every field (traditional → simplified), never across a non-CJK character, each pair once.
        Assert.Equal(["薄膜", "显示", "示面", "面板"], CjkBigrams.Distinct("薄膜 OLED 顯示面板，薄膜"));
        Assert.Empty(CjkBigrams.Distinct("AMOLED panel"));

        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "r-1", Title = "无色聚酰亚胺薄膜", Abstract = "耐黄变。", Keywords = ["柔性盖板"], Language = "zh" });
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
        using (var lease = _data.Indexes![RecordKind.Result].Acquire())
        {
            var reader = lease.Searcher.IndexReader;
            foreach (var pair in new[] { "聚酰", "黄变", "盖板" })
                Assert.Equal(1, reader.DocFreq(new Lucene.Net.Index.Term(IndexDocuments.Bigrams, pair)));
            Assert.Equal(0, reader.DocFreq(new Lucene.Net.Index.Term(IndexDocuments.Bigrams, "膜耐")));
            Assert.Equal(0, reader.DocFreq(new Lucene.Net.Index.Term(IndexDocuments.Bigrams, "聚酰亚胺")));
        }
        Assert.True(_data.Indexes.AppliedSeq > 0);

        // An index written before the bigrams field existed (its commit names no layout) reads as never applied, so
        // the catch-up rewrites every document with the new fields.
        var path = IndexSet.PathOf(_data.IndexRoot, RecordKind.Result);
        _data.CloseIndexes();
        using (var directory = new Lucene.Net.Store.NIOFSDirectory(path))
        using (var writer = new Lucene.Net.Index.IndexWriter(directory, new Lucene.Net.Index.IndexWriterConfig(MatchingAnalyzer.Version, TempDataDirectory.Analyzer)))
        {
            writer.SetCommitData(new Dictionary<string, string> { ["matching.seq"] = "1" });
            writer.Commit();
        }
        var reopened = _data.OpenIndexes();
        Assert.Equal(0, reopened[RecordKind.Result].AppliedSeq);
        _data.Maintainer().CatchUp();
        Assert.True(reopened[RecordKind.Result].AppliedSeq > 0);
    }
}
