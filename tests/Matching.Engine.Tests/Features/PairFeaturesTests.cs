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
}
