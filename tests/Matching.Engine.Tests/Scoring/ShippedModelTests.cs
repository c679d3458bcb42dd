using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Vectors;
using Xunit.Abstractions;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Scoring;

/// <summary>The model shipped in models/ (copied next to the binaries), over the demo data, as a server runs it.</summary>
public class ShippedModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();


    [Fact]
    public void TheShippedModel_LoadsWithThisBuildsFeatures()
    {
        Assert.True(ModelBundle.Exists(ShippedModel.Folder), $"no model in {ShippedModel.Folder}");
        var bundle = ModelBundle.Load(ShippedModel.Folder, TempDataDirectory.Analyzer);
        Assert.Equal(FeatureSchema.Names, bundle.Manifest.Features);
        Assert.NotNull(bundle.Topics);
        Assert.True(File.Exists(Path.Combine(ShippedModel.Folder, "model-card.md")));
    }

    [Fact]
    public void ABrokenOrStaleModelFolder_IsRefused_AndTheNextOneServes()
    {
        var broken = Path.Combine(_data.Path, "broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, ModelBundle.ManifestFile), "{ not json");
        var stale = Path.Combine(_data.Path, "stale");
        Directory.CreateDirectory(stale);
        foreach (var file in Directory.GetFiles(ShippedModel.Folder)) File.Copy(file, Path.Combine(stale, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(stale, ModelBundle.ManifestFile),
            File.ReadAllText(Path.Combine(stale, ModelBundle.ManifestFile)).Replace("\"body_chars\"", "\"some_old_feature\""));
        Assert.Throws<InvalidDataException>(() => ModelBundle.Load(stale, TempDataDirectory.Analyzer));

        var models = new ModelHost(TempDataDirectory.Analyzer);
        var served = models.LoadFirst([broken, stale, ShippedModel.Folder]);
        Assert.NotNull(served);
        Assert.Same(served, models.Current);
        Assert.Null(new ModelHost(TempDataDirectory.Analyzer).LoadFirst([broken, stale]));
    }

    /// <summary>
    /// The model as loaded from its files scores the held-out Chinese needs exactly as it did in memory when train
    /// measured it (the figure in model.json): nothing differs between the trained objects and the served files.
    /// </summary>
    [Fact]
    public void TheLoadedModel_ReproducesTheHeldOutFigureTrainRecorded()
    {
        var bundle = ModelBundle.Load(ShippedModel.Folder, TempDataDirectory.Analyzer);
        using var workspace = RecordsWorkspace.FromDemo(Path.GetTempPath(), TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms(), bundle.Topics!);
        var ndcg = new List<double>();
        foreach (var q in workspace.Candidates(RecordsWorkspace.HeldOutJudgements(), TaxonomyFiles.DefaultTaxonomy(), MatchScorer.K, Records.RecordKind.Result))
        {
            var scores = bundle.For(q.Features[0]).Ranker.Score(q.Features);
            var ranked = q.Candidates.Select((c, i) => (c.Id, Score: scores[i], c.Rank)).OrderByDescending(x => x.Score).ThenBy(x => x.Rank).Select(x => x.Id).ToList();
            ndcg.Add(RankingMetrics.Ndcg(ranked, q.Judged, 10));
        }
        Assert.Equal(bundle.Manifest.Metrics["heldout_zh_ndcg10_model"], ndcg.Average(), 9);
    }

    /// <summary>
    /// The calibrated score compares across needs: on the held-out judgements (never trained on), for each result or
    /// expert graded 3 for some needs and 0 for others, the graded-3 needs score higher in at least three
    /// comparisons out of four (the bar was set before the first run).
    /// </summary>
    [Fact]
    public void CalibratedScores_RankACandidatesGoodNeedsAboveItsBadOnes_AcrossNeeds()
    {
        // An evaluation: the held-out needs go in with the demo, as in RecordsWorkspace.FromDemo.
        _data.SeedDemo(withHeldOut: true);
        _data.Maintainer().CatchUp();
        var models = new ModelHost(TempDataDirectory.Analyzer);
        Assert.NotNull(models.LoadFirst([ShippedModel.Folder]));
        using (var vectors = new VectorMaintainer(_data.Store, new RecordVectors(_data.Database), models)) vectors.CatchUp();
        var queries = new Engine.Candidates.QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var scorer = new MatchScorer(new FeatureExtractor(_data.Indexes!, _data.Store, queries, TaxonomyFiles.DefaultTaxonomy()), new RecordVectors(_data.Database), _data.Store, _data.Retriever());
        var explainer = new Explainer(models, scorer, _data.Store);

        var judgements = RecordsWorkspace.HeldOutJudgements();
        int wins = 0, comparisons = 0;
        foreach (var candidate in judgements.GroupBy(j => j.CandidateId))
        {
            var good = candidate.Where(j => j.Grade == 3).Select(j => explainer.Explain(j.NeedId, j.CandidateId)!.Score).ToList();
            if (good.Count == 0) continue;
            var bad = candidate.Where(j => j.Grade == 0).Select(j => explainer.Explain(j.NeedId, j.CandidateId)!.Score).ToList();
            foreach (var g in good)
                foreach (var b in bad)
                {
                    comparisons++;
                    if (g > b) wins++;
                }
        }
        output.WriteLine($"graded-3 above graded-0 for the same candidate in {wins} of {comparisons} comparisons ({(double)wins / comparisons:P1})");
        Assert.True(comparisons >= 50, $"only {comparisons} comparisons");
        Assert.True(wins >= 0.75 * comparisons, $"graded-3 above graded-0 in {wins} of {comparisons} comparisons");
    }
}
