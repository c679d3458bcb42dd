using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Text;

namespace Matching.Engine.Tests.Scoring;

/// <summary>The absolute score: P(graded ≥ 1) from features that do not depend on the need's list, calibrated by a Platt curve.</summary>
[Collection(ScoringCollection.Name)]
public sealed class AbsoluteScorerTests(ScoringFixture fixture)
{
    [Fact]
    public void ThePlattCurve_RecoversAKnownLogistic_AndRisesStrictly()
    {
        // Labels drawn from P(relevant | m) = 1 / (1 + e^(−2m + 1)): the fit should find A ≈ −2, B ≈ 1.
        var random = new Random(5);
        var margins = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() * 6 - 3).ToList();
        var labels = margins.Select(m => random.NextDouble() < 1 / (1 + Math.Exp(-2 * m + 1))).ToList();
        var curve = PlattCalibrator.Fit(margins, labels);
        Assert.InRange(curve.A, -2.2, -1.8);
        Assert.InRange(curve.B, 0.8, 1.2);
        Assert.Equal(0.5, curve.Calibrate(curve.MarginAt(0.5)), 6);
        // Strictly increasing: margins a hundredth apart never share a probability, as isotonic steps do.
        for (var m = -3.0; m < 3; m += 0.01) Assert.True(curve.Calibrate(m + 0.01) > curve.Calibrate(m));
        // No signal at all: the curve stays flat-ish but never turns around.
        var noise = PlattCalibrator.Fit(margins, margins.Select((_, i) => i % 3 == 0).ToList());
        Assert.True(noise.A < 0);
        Assert.InRange(noise.Calibrate(0), 0.30, 0.37);
    }

    [Fact]
    public void PooledAuc_IsTheShareOfRelevantAboveIrrelevant_TiesCountingHalf()
    {
        // Relevant 0.35 and 0.8 against irrelevant 0.1 and 0.4: three of the four pairs in order.
        Assert.Equal(0.75, RankingMetrics.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]));
        Assert.Equal(0.5, RankingMetrics.Auc([1, 1], [true, false]));
        Assert.Equal(0.5, RankingMetrics.Auc([1, 2], [true, true]));
        Assert.Equal(0, RankingMetrics.Auc([3, 1], [false, true]));
        Assert.Equal(-Math.Log(0.8), RankingMetrics.LogLoss([0.8, 0.2], [true, false]), 10);
    }

    [Fact]
    public void AnAbsoluteFeatureRow_IsTheSameWhateverElseTheListHolds()
    {
        // A need's fifth candidate, scored inside its list and then alone (as score-pairs and explain see a pair):
        // every absolute feature has the same value, while list-relative ones (rank, gaps) are free to differ.
        var q = fixture.Training.First(t => t.Candidates.Count > 20);
        var need = fixture.Workspace.Store.GetNeed(q.QueryId)!;
        var candidates = q.Candidates.ToList();
        var models = Engine.Vectors.VectorModels.Of(fixture.A);
        var needVectors = models.Lookup(fixture.Workspace.Vectors, RecordKind.Need, [need.Id])(need.Id);
        var lookup = models.Lookup(fixture.Workspace.Vectors, RecordKind.Result, candidates.Select(c => c.Id).ToList());
        var inList = fixture.Features.For(RecordKind.Result, need, candidates, 200, needVectors, lookup);
        var alone = fixture.Features.For(RecordKind.Result, need, [candidates[4]], 200, needVectors, lookup);
        Assert.Equal(AbsoluteFeatures.Of(inList[4]), AbsoluteFeatures.Of(alone[0]));
        Assert.True(inList[4][FeatureSchema.IndexOf("bm25_ratio")] > 0);
        Assert.InRange(inList[4][FeatureSchema.IndexOf("coverage_idf")], 0, 1);
        Assert.InRange(inList[4][FeatureSchema.IndexOf("bm25_ratio")], 0, 1);
        // No absolute feature is one the list shapes.
        Assert.DoesNotContain(AbsoluteFeatures.Names, n => n is "rank" or "dense_rank" or "dense_only" or "rrf" or "norm_score" or "embedding_gap" or "topic_gap" or "passage_gap" or "embedding_prf");
    }

    [Fact]
    public void AnAbsoluteScore_IsWhatServingShows_AndSurvivesSaveAndLoad()
    {
        var rows = fixture.Training.SelectMany(q => q.Candidates.Select((c, i) => new RankingRow { GroupId = q.QueryId, Label = q.Judged.GetValueOrDefault(c.Id), Features = q.Features[i] })).ToList();
        var metrics = new Dictionary<string, double>();
        var hp = new RankerHyperParameters { Trees = 40, Leaves = 8, MinimumExamplesPerLeaf = 10 };
        var absolute = ModelTrainer.TrainAbsolute(rows, hp, 3, g => g, "zh", metrics);
        // Out of fold, the pooled ranking of pairs across needs is better than chance and the calibrated curve rises.
        Assert.InRange(metrics["cv5_pooled_auc_zh_absolute"], 0.6, 1.0);
        Assert.True(absolute.Calibrator.A < 0);

        var bundle = new ModelBundle
        {
            Manifest = fixture.A.Manifest with { Version = "abs", AbsoluteFeatures = AbsoluteFeatures.Names, Absolute = hp, ShownScores = new Dictionary<string, string> { ["zh"] = ModelBundle.ShownAbsolute } },
            Scorers = [fixture.A.Scorers[0] with { Absolute = absolute, ShowsAbsolute = true }],
            Topics = fixture.A.Topics,
        };
        Assert.Equal(0.5, bundle.MatchFloor);
        var folder = Path.Combine(Path.GetTempPath(), "matching-absolute-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            bundle.Save(folder);
            var loaded = ModelBundle.Load(folder, new MatchingAnalyzer());
            var sample = rows.Take(50).Select(r => r.Features).ToList();
            Assert.Equal(absolute.Probabilities(sample), loaded.Scorers[0].Absolute!.Probabilities(sample));
            // Its reasons speak for the absolute score: contributions on its own features only, after loading too.
            var contributions = loaded.Scorers[0].Absolute!.Contributions(sample[0]);
            Assert.NotNull(contributions);
            Assert.Equal(0, contributions![FeatureSchema.IndexOf("rank")]);
            Assert.Contains(AbsoluteFeatures.Names, n => contributions[FeatureSchema.IndexOf(n)] != 0);

            // Serving: the score of each candidate is its absolute probability, not the ranker's calibrated score.
            var need = fixture.Workspace.Store.GetNeed(fixture.Training[0].QueryId)!;
            var scored = fixture.Scorer.Score(loaded, need, RecordKind.Result, fixture.Scorer.Candidates(loaded, need, RecordKind.Result));
            Assert.Equal(loaded.Scorers[0].Absolute!.Probabilities(scored.Select(s => s.Features).ToList()), scored.Select(s => s.Score));
            Assert.NotEqual(loaded.Scorers[0].Calibrate(scored.Select(s => s.Raw).ToList()), scored.Select(s => s.Score));
            var notShown = loaded.Scorers[0] with { ShowsAbsolute = false };
            Assert.Equal(notShown.Calibrate(scored.Select(s => s.Raw).ToList()), notShown.Scores(scored.Select(s => s.Features).ToList(), scored.Select(s => s.Raw).ToList()));

            // A manifest whose absolute feature list is not this build's is refused.
            var file = Path.Combine(folder, ModelBundle.ManifestFile);
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
            manifest["absoluteFeatures"]![0] = "bm25_ratio_old";
            File.WriteAllText(file, manifest.ToJsonString());
            Assert.Contains("absolute scorer was trained on features", Assert.Throws<InvalidDataException>(() => ModelBundle.Load(folder, new MatchingAnalyzer())).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Which number a language shows: the one that sorts pooled pairs of all needs better out of fold.</summary>
public sealed class ShownScoreTests
{
    [Fact]
    public void TheAbsoluteScoreIsShown_OnlyWhereItsPooledAucIsAtLeastTheRankers()
    {
        var metrics = new Dictionary<string, double>
        {
            ["cv5_pooled_auc_en_absolute"] = 0.96, ["cv5_pooled_auc_en_ranker"] = 0.97,
            ["cv5_pooled_auc_zh_absolute"] = 0.99, ["cv5_pooled_auc_zh_ranker"] = 0.98,
        };
        Assert.Equal(ModelBundle.ShownRanker, ModelTrainer.ShownScore("en", metrics));
        Assert.Equal(ModelBundle.ShownAbsolute, ModelTrainer.ShownScore("zh", metrics));
        // No absolute figure (a language trained without one): the ranker's.
        Assert.Equal(ModelBundle.ShownRanker, ModelTrainer.ShownScore("fr", metrics));
    }
}

/// <summary>The cross-need check: one candidate judged for two needs, and whether the higher grade scores higher.</summary>
public sealed class CrossNeedCheckTests
{
    [Fact]
    public void PairsOfOneCandidateAcrossNeeds_AreInOrderWhenTheHigherGradeScoresHigher_TiesHalf_WeightedByTheGap()
    {
        var result = CrossNeedCheck.Of([
            ("n1", "r1", 3, 0.9), ("n2", "r1", 0, 0.2),   // in order, gap 3
            ("n3", "r1", 1, 0.95),                         // above n1's 3 (out of order, gap 2); above n2's 0 (in order, gap 1)
            ("n1", "r2", 2, 0.5), ("n2", "r2", 1, 0.5),   // a tie, gap 1: half
            ("n1", "r3", 2, 0.1), ("n2", "r3", 2, 0.9),   // same grade: not a pair
            ("n4", "r4", 3, 0.1),                         // judged for one need only: no pair
        ]);
        Assert.Equal(4, result.Pairs);
        Assert.Equal((1 + 0 + 1 + 0.5) / 4, result.InOrder, 10);
        Assert.Equal((3 + 0 + 1 + 0.5) / (3 + 2 + 1 + 1.0), result.WeightedInOrder, 10);
        Assert.Equal(1 - result.WeightedInOrder, result.Loss, 10);
        Assert.Equal(0, CrossNeedCheck.Of([]).Pairs);
    }
}
