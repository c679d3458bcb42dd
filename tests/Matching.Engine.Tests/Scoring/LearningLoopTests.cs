using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Hosting;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// The learning loop end to end on a real data directory: judgements arrive → retrain → a candidate with its
/// figures → promoted or rejected by the rule → the match lists recomputed under the new version's id.
/// </summary>
public class LearningLoopTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "models");

    public void Dispose() => _data.Dispose();

    [Fact]
    public void JudgementsAdded_Retrain_Candidate_PromotedByTheRule_MatchesRecomputedWithTheNewVersion()
    {
        _data.SeedDemo();
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        var v1 = registry.EnsureShipped(Shipped)!;
        var retrainer = new Retrainer(_data.Store, registry, TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms(), TaxonomyFiles.DefaultTaxonomy(),
            Path.Combine(_data.Path, "scratch"))
        {
            HyperParameters = new RankerHyperParameters { Trees = 60, Leaves = 8, MinimumExamplesPerLeaf = 5 },
        };
        var options = new LearningOptions { Tolerance = 0.2, MinHeldOutNeeds = 3 };

        // Serving v1, with its lists stored.
        var models = new ModelHost(TempDataDirectory.Analyzer);
        models.LoadFirst([registry.ActiveFolder()!]);
        var (maintainer, vectorJob, store) = Serving(models);
        using var vectors = vectorJob;
        vectors.CatchUp();
        Assert.Equal("full", maintainer.CatchUp().Mode);
        Assert.Equal(v1.Version, store.Serving(models.Current!.Version));

        // Judgements arrive (the dense held-out set, as if from event outcomes and thumbs).
        using (var writer = _data.Store.BeginWrite())
        {
            foreach (var j in RecordsWorkspace.HeldOutJudgements()) writer.Upsert(j with { Source = "feedback" });
            writer.Commit();
        }
        var outcome = retrainer.Run(options);
        Assert.NotEqual(RetrainOutcome.Skipped, outcome.Status);
        Assert.NotNull(outcome.Candidate);
        Assert.True(outcome.HeldOutQueries >= options.MinHeldOutNeeds, outcome.Reason);

        // The candidate is registered with both models' held-out figures, and the rule decided.
        var candidate = registry.Find(outcome.Candidate)!;
        Assert.Equal(outcome.CandidateNdcg!.Value, candidate.Metrics["heldout_ndcg10_model"], 6);
        Assert.Equal(outcome.ActiveNdcg!.Value, candidate.Metrics["heldout_ndcg10_active"], 6);
        Assert.InRange(candidate.Metrics["heldout_ndcg10_model"], 0.05, 1);
        Assert.Equal(Retrainer.Decide(outcome.CandidateNdcg.Value, outcome.ActiveNdcg, outcome.HeldOutQueries, options).Status, outcome.Status);
        var history = registry.History().Last();
        Assert.Equal(outcome.Candidate, history.Version);
        Assert.Contains(outcome.ActiveNdcg.Value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), history.Note);
        // The English ranker had no judgements here and is kept from v1.
        var bundle = ModelBundle.Load(Path.Combine(registry.Root, candidate.Folder), TempDataDirectory.Analyzer);
        Assert.Equal(["en", "zh"], bundle.Scorers.Select(s => s.Language).Order());
        Assert.Equal(Predict(ModelBundle.Load(Path.Combine(registry.Root, v1.Folder), TempDataDirectory.Analyzer)), Predict(bundle));

        // With a tolerance of 0.2 the candidate is promoted unless it is far worse; then serving follows the registry.
        Assert.Equal(RetrainOutcome.Promoted, outcome.Status);
        Assert.Equal(outcome.Candidate, registry.ActiveVersion()!.Version);
        models.LoadFirst([registry.ActiveFolder()!]);
        Assert.Equal(outcome.Candidate, models.Current!.Version);
        Assert.Equal("waiting", maintainer.CatchUp().Mode); // its topic vectors are not there yet: the old lists serve
        Assert.Equal(v1.Version, store.Serving(models.Current.Version));
        _data.Maintainer().CatchUp(); // the index and the vectors reach the judgements' place in the log
        vectors.CatchUp();
        Assert.Equal("full", maintainer.CatchUp().Mode);
        Assert.Equal(outcome.Candidate, store.Serving(models.Current.Version));
        var need = _data.Store.ActiveIds(RecordKind.Need)[0];
        Assert.All(store.Get(outcome.Candidate, need)!.Results, m => Assert.InRange(m.Score, 0, 1));

        // A second run right after finds nothing new to learn from.
        Assert.Equal(RetrainOutcome.Skipped, retrainer.Run(options).Status);
    }

    [Theory]
    [InlineData(0.70, 0.71, 10, 0.005, RetrainOutcome.Rejected)]
    [InlineData(0.706, 0.71, 10, 0.005, RetrainOutcome.Promoted)]
    [InlineData(0.80, 0.71, 10, 0.0, RetrainOutcome.Promoted)]
    [InlineData(0.80, 0.71, 2, 0.0, RetrainOutcome.Rejected)]
    public void ThePromotionRule_IsNotWorseWithinTheTolerance_OnEnoughHeldOutQueries(double candidate, double active, int queries, double tolerance, string expected) =>
        Assert.Equal(expected, Retrainer.Decide(candidate, active, queries, new LearningOptions { Tolerance = tolerance, MinHeldOutNeeds = 5 }).Status);

    /// <summary>The English ranker's scores of a few fixed feature vectors (it should be the same ranker).</summary>
    private static string Predict(ModelBundle bundle)
    {
        var english = bundle.Scorers.Single(s => s.Language == "en").Ranker;
        var rows = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, FeatureSchema.Names.Count).Select(j => (float)((i * 7 + j * 3) % 11) / 10f).ToArray()).ToList();
        return string.Join(",", english.Score(rows).Select(s => s.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private (MatchMaintainer, VectorMaintainer, MatchStore) Serving(ModelHost models)
    {
        var indexes = _data.OpenIndexes();
        _data.Maintainer().CatchUp();
        var retriever = _data.Retriever();
        var vectors = new RecordVectors(_data.Database);
        var features = new FeatureExtractor(indexes, _data.Store, new Matching.Engine.Candidates.QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms()), TaxonomyFiles.DefaultTaxonomy());
        var scorer = new MatchScorer(features, vectors, _data.Store, retriever);
        var store = new MatchStore(_data.Database);
        var lists = new MatchLists(_data.Store, retriever, models, scorer, store);
        var maintainer = new MatchMaintainer(_data.Store, store, lists, retriever, new IndexHost(indexes, TempDataDirectory.Analyzer), vectors, models);
        return (maintainer, new VectorMaintainer(_data.Store, vectors, models), store);
    }
}
