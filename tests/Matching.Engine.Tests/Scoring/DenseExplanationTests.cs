using Matching.Engine.Candidates;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Vectors;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// 校企双进's hard case: an enterprise names a symptom, a university names the material that cures it, and no word is
/// shared. The shipped model with hybrid candidates finds the result by meaning and explains it by its closest sentence.
/// </summary>
public sealed class DenseExplanationTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private const string Cure = "透明聚酰亚胺膜材经二十万次弯曲无压印，紫外照射后保持无色。";

    [Fact]
    public void AResultFoundOnlyByTheDenseList_IsExplainedByItsClosestSentence()
    {
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new TechNeed { Id = "n-cover", Title = "盖板用久发黄、折痕明显", Description = "折叠屏手机的盖板使用半年就发黄，折叠处折痕明显。", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-cure", Title = "无色聚酰亚胺薄膜", Abstract = "本成果由高分子材料实验室完成。" + Cure, Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-words", Title = "手机盖板发黄原因分析", Abstract = "分析盖板发黄与折痕的成因。", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-other", Title = "猪精液长效保存稀释液", Abstract = "延长精液保存时间。", Language = "zh" });
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
        var models = new ModelHost(TempDataDirectory.Analyzer);
        var bundle = models.LoadFirst([ShippedModel.Folder])!;
        Assert.True(bundle.Manifest.DenseCandidates > 0, "the shipped model uses hybrid candidates");
        var vectors = new RecordVectors(_data.Database);
        using (var maintainer = new VectorMaintainer(_data.Store, vectors, models)) maintainer.CatchUp();
        var retriever = _data.Retriever();
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var scorer = new MatchScorer(new FeatureExtractor(_data.Indexes!, _data.Store, queries, TaxonomyFiles.DefaultTaxonomy()), vectors, _data.Store, retriever, new DenseIndexes(vectors));
        var need = _data.Store.GetNeed("n-cover")!;

        // BM25 cannot find it: it shares no word with the need. The dense list does.
        Assert.DoesNotContain(retriever.ForNeed(need, RecordKind.Result, MatchScorer.K, 0), c => c.Id == "r-cure");
        var found = scorer.Candidates(bundle, need, RecordKind.Result).Single(c => c.Id == "r-cure");
        Assert.True(found.DenseOnly(MatchScorer.K));

        var explanation = new Explainer(models, scorer, _data.Store, vectors).Explain("n-cover", "r-cure")!;
        Assert.Equal(1, explanation.Features["dense_only"]);
        var closest = Assert.Single(explanation.Reasons, r => r.Topic == Explainer.Closest);
        Assert.StartsWith("最接近的表述（语义余弦 ", closest.Zh);
        Assert.EndsWith("）：" + Cure, closest.Zh);
        Assert.StartsWith("Closest statement (cosine ", closest.En);
        Assert.EndsWith(": " + Cure, closest.En);
        // It takes the place of the sentence-vector reasons, which would say the same without the sentence.
        Assert.DoesNotContain(explanation.Reasons, r => r.Topic is "passage" or "semantic");
    }

    [Fact]
    public void TheClosestSentence_IsNotQuotedForANeedThatIsNotPublic_OrAResultThatIsNot()
    {
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new TechNeed { Id = "n-hidden", Title = "盖板用久发黄", Description = "内部信息：良率只有六成。", Visibility = "summary", Language = "zh" });
            writer.Upsert(new TechNeed { Id = "n-open", Title = "盖板用久发黄", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-closed", Title = "无色聚酰亚胺薄膜", Abstract = Cure, Visibility = "summary", Language = "zh" });
            writer.Upsert(new ResearchResult { Id = "r-open", Title = "无色聚酰亚胺薄膜", Abstract = Cure, Language = "zh" });
            writer.Commit();
        }
        _data.Maintainer().CatchUp();
        var models = new ModelHost(TempDataDirectory.Analyzer);
        var bundle = models.LoadFirst([ShippedModel.Folder])!;
        var vectors = new RecordVectors(_data.Database);
        using (var maintainer = new VectorMaintainer(_data.Store, vectors, models)) maintainer.CatchUp();
        var queries = new QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var scorer = new MatchScorer(new FeatureExtractor(_data.Indexes!, _data.Store, queries, TaxonomyFiles.DefaultTaxonomy()), vectors, _data.Store, _data.Retriever());
        var explainer = new Explainer(models, scorer, _data.Store, vectors);

        Assert.Equal(Cure, explainer.ClosestSentence(bundle, _data.Store.GetNeed("n-open")!, RecordKind.Result, "r-open")?.Sentence);
        Assert.Null(explainer.ClosestSentence(bundle, _data.Store.GetNeed("n-hidden")!, RecordKind.Result, "r-open"));
        Assert.Null(explainer.ClosestSentence(bundle, _data.Store.GetNeed("n-open")!, RecordKind.Result, "r-closed"));
    }
}
