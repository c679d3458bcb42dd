using Matching.Engine.Candidates;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Taxonomy;

namespace Matching.Engine.Tests.Features;

public class PairFeaturesTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static IndustryTaxonomy Taxonomy() => TaxonomyFiles.DefaultTaxonomy();

    [Fact]
    public void MissingData_GivesNull_AndPresentDataAValue()
    {
        Assert.Null(PairFeatures.KeywordOverlap([], ["OLED"]));
        Assert.Equal(0.5f, PairFeatures.KeywordOverlap(["OLED", "封装"], ["ｏｌｅｄ", "驱动"]));
        Assert.Null(PairFeatures.MaturityGap(null, "中试"));
        Assert.Equal(-1f, PairFeatures.MaturityGap("产业化", "中试"));
        Assert.Null(PairFeatures.MoneyFit(null, new(10, 20)));
        Assert.Equal(1f, PairFeatures.MoneyFit(new(50, 100), new(80, 200)));
        Assert.Equal(0.5f, PairFeatures.MoneyFit(new(null, 100), new(200, 300)));
        Assert.Equal(0f, PairFeatures.IndustryDistance(Taxonomy(), ["新型显示"], ["新型显示", "人工智能"]));
        Assert.Equal(1f, PairFeatures.IndustryDistance(Taxonomy(), ["新型显示"], ["集成电路"]));
        Assert.Equal(2f, PairFeatures.IndustryDistance(Taxonomy(), ["新型显示"], ["绿色食品"]));
        Assert.Null(PairFeatures.IndustryDistance(Taxonomy(), ["不存在的行业"], ["绿色食品"]));

        // Track record: the need's own judgements never count; smoothing pulls a short record towards the prior.
        Assert.Null(PairFeatures.TrackRecord([("n1", 3), ("n1", 0)], "n1"));
        Assert.Equal((1 + 5 * 0.3f) / (2 + 5), PairFeatures.TrackRecord([("n1", 3), ("n2", 3), ("n3", 1)], "n1")!.Value, 5);
        Assert.Equal(30f, PairFeatures.AgeGapDays(new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Null(PairFeatures.AgeGapDays(null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Vectors_HaveOneValuePerFeature_AndIndicatorsFollowTheMissingConvention()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var retriever = _data.Retriever();
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var extractor = new FeatureExtractor(_data.Indexes!, _data.Store, queries, Taxonomy());

        var need = _data.Store.GetNeed("n-display-01")! with { Budget = null };
        var candidates = retriever.ForNeed(need, RecordKind.Result, 20, 0);
        var vectors = extractor.ForResults(need, candidates, 20);

        Assert.All(vectors, v => Assert.Equal(FeatureSchema.Count, v.Length));
        Assert.All(vectors, v => Assert.DoesNotContain(v, float.IsNaN));
        Assert.All(vectors, v => Assert.Equal(0f, v[FeatureSchema.IndexOf("has_money_fit")]));
        Assert.All(vectors, v => Assert.Equal(0f, v[FeatureSchema.IndexOf("money_fit")]));
        var top = vectors[0];
        Assert.Equal(1f, top[FeatureSchema.IndexOf("rank")]);
        Assert.Equal(1f, top[FeatureSchema.IndexOf("has_maturity_gap")]);
        Assert.True(top[FeatureSchema.IndexOf("coverage")] > 0.3f);
        Assert.True(top[FeatureSchema.IndexOf("bigram_dice")] > 0f);
        Assert.True(top[FeatureSchema.IndexOf("bm25_all")] > 0f);

        // The same pair gives the same vector whether it is scored in a list or on its own (serving == training).
        var alone = extractor.ForResults(need, [candidates[3]], 20);
        Assert.Equal(vectors[3], alone[0]);
    }

    [Fact]
    public void PassageAndFeedbackFeatures_AreTheBestSentenceAndTheCentroidOfTheTopFive_AndMissingWithoutVectors()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var extractor = new FeatureExtractor(_data.Indexes!, _data.Store, queries, Taxonomy());
        var need = _data.Store.GetNeed("n-display-01")!;
        var candidates = _data.Retriever().ForNeed(need, RecordKind.Result, 12, 0);
        Assert.True(candidates.Count >= 8);

        // Vectors in four dimensions: the need points along x; candidate i has two sentences, one of them closer to x
        // the higher i is; the last candidate has no sentences (and so no passage feature).
        float[] Unit(params float[] v) => v.Select(x => x / MathF.Sqrt(v.Sum(y => y * y))).ToArray();
        var needVectors = new TextVectors(Unit(1, 0, 0, 0), null);
        var theirs = candidates.Select((c, i) => (c.Id, Vectors: new TextVectors(Unit(1, i, 1, 0),
            null, i == candidates.Count - 1 ? null : [Unit(0, 1, 0, 1), Unit(1 + i, 2, 0, 0)]))).ToDictionary(x => x.Id, x => x.Vectors);
        var rows = extractor.ForResults(need, candidates, 12, needVectors, id => theirs.GetValueOrDefault(id));

        float F(int row, string name) => rows[row][FeatureSchema.IndexOf(name)];
        var best = Enumerable.Range(0, candidates.Count - 1).Max(i => PairFeatures.Cosine(needVectors.Embedding, theirs[candidates[i].Id].Passages![1])!.Value);
        for (var i = 0; i < candidates.Count - 1; i++)
        {
            var expected = theirs[candidates[i].Id].Passages!.Max(p => PairFeatures.Cosine(needVectors.Embedding, p)!.Value);
            Assert.Equal(expected, F(i, "passage_cosine"), 5);
            Assert.Equal(1f, F(i, "has_passage_cosine"));
            Assert.Equal(best - expected, F(i, "passage_gap"), 5);
        }
        var last = candidates.Count - 1;
        Assert.Equal([0f, 0f, 0f], [F(last, "passage_cosine"), F(last, "has_passage_cosine"), F(last, "passage_gap")]);

        // Feedback: the mean of the five best-ranked candidates' sentence vectors, compared with each candidate's.
        var centroid = new float[4];
        foreach (var c in candidates.OrderBy(c => c.Rank).Take(FeatureExtractor.FeedbackDepth))
            for (var d = 0; d < 4; d++) centroid[d] += theirs[c.Id].Embedding![d] / FeatureExtractor.FeedbackDepth;
        for (var i = 0; i < candidates.Count; i++)
            Assert.Equal(PairFeatures.Cosine(centroid, theirs[candidates[i].Id].Embedding)!.Value, F(i, "embedding_prf"), 5);

        // Without any vectors the features are all missing.
        var bare = extractor.ForResults(need, candidates, 12);
        Assert.All(bare, r => Assert.Equal([0f, 0f, 0f, 0f], [r[FeatureSchema.IndexOf("passage_cosine")], r[FeatureSchema.IndexOf("has_passage_cosine")],
            r[FeatureSchema.IndexOf("passage_gap")], r[FeatureSchema.IndexOf("embedding_prf")]]));
    }

    [Fact]
    public void Passages_AreTheSentencesOfAnEnglishBody_AndTheClausesOfAChineseOne()
    {
        var body = "Fluid shear stress activates YAP. In vitro (n = 12) cells responded within 2 h. [Methods] were standard! Is it causal? e.g. not shown.";
        Assert.Equal(["Fluid shear stress activates YAP.", "In vitro (n = 12) cells responded within 2 h.", "[Methods] were standard!", "Is it causal? e.g. not shown."],
            Matching.Engine.Vectors.RecordTexts.Passages(body));
        // Chinese: after 。！？； and at line breaks; a fragment under eight characters joins the sentence before it.
        Assert.Equal(["本发明公开了一种无色聚酰亚胺薄膜的制备方法。", "该薄膜弯折十万次后无明显折痕；", "黄变指数低于二，透光率高于百分之九十。", "适用于柔性显示盖板"],
            Matching.Engine.Vectors.RecordTexts.Passages("本发明公开了一种无色聚酰亚胺薄膜的制备方法。该薄膜弯折十万次后无明显折痕；黄变指数低于二，透光率高于百分之九十。\n适用于柔性显示盖板"));
        Assert.Equal(["柔性OLED驱动芯片。适配国产面板。"], Matching.Engine.Vectors.RecordTexts.Passages("柔性OLED驱动芯片。适配国产面板。"));
        Assert.Empty(Matching.Engine.Vectors.RecordTexts.Passages("  "));
        var many = string.Join(" ", Enumerable.Range(0, 60).Select(i => $"Sentence {i}."));
        Assert.Equal(Matching.Engine.Vectors.RecordTexts.MaxPassages, Matching.Engine.Vectors.RecordTexts.Passages(many).Count);
    }
}
