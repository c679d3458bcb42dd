using System.Text.Json;
using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Hosting;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Scoring;

/// <summary>
/// The learning loop end to end on a real data directory: judgements arrive → retrain → a candidate with its
/// figures → promoted or rejected by the rule → the match lists recomputed under the new version's id.
/// </summary>
public class LearningLoopTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void JudgementsAdded_Retrain_Candidate_PromotedByTheRule_MatchesRecomputedWithTheNewVersion()
    {
        // The dense held-out needs stand in for live needs whose judgements arrive later.
        _data.SeedDemo(withHeldOut: true);
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        var v1 = registry.EnsureShipped(ShippedModel.Folder)!;
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

    [Fact]
    public void WithABenchmarkConfigured_TheEnglishRankerIsRetrainedOnIt_AndTheRuleWeighsItsTestSplitToo()
    {
        _data.SeedDemo();
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        var v1 = registry.EnsureShipped(ShippedModel.Folder)!;
        var benchmark = WriteBenchmark(Path.Combine(_data.Path, "minibench"));
        var retrainer = new Retrainer(_data.Store, registry, TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms(), TaxonomyFiles.DefaultTaxonomy(),
            Path.Combine(_data.Path, "scratch"))
        {
            HyperParameters = new RankerHyperParameters { Trees = 40, Leaves = 8, MinimumExamplesPerLeaf = 5 }, DataPath = _data.Path, Depth = 50,
        };
        var options = new LearningOptions { Tolerance = 0.2, MinHeldOutNeeds = 3, BenchmarkDirectory = benchmark };
        var outcome = retrainer.Run(options, force: true);

        Assert.NotNull(outcome.Benchmark);
        var (onCandidate, onActive) = outcome.Benchmark.Value;
        Assert.NotNull(onActive);
        var candidate = registry.Find(outcome.Candidate!)!;
        Assert.Equal(onCandidate, candidate.Metrics["minibench-test_ndcg10_model"], 6);
        Assert.Equal(onActive.Value, candidate.Metrics["minibench-test_ndcg10_active"], 6);
        Assert.Contains("benchmark nDCG@10", registry.History().Last().Note);
        Assert.Equal(Retrainer.Decide(outcome.CandidateNdcg!.Value, outcome.ActiveNdcg, outcome.HeldOutQueries, options, outcome.Benchmark).Status, outcome.Status);
        // The English ranker was trained again (on the benchmark's train split), not kept from v1.
        var bundle = ModelBundle.Load(Path.Combine(registry.Root, candidate.Folder), TempDataDirectory.Analyzer);
        Assert.NotEqual(Predict(ModelBundle.Load(Path.Combine(registry.Root, v1.Folder), TempDataDirectory.Analyzer)), Predict(bundle));
        Assert.Contains("minibench-train", bundle.Manifest.Data.Keys);
        // The benchmark's sentence vectors are cached in the data directory for the next night.
        Assert.True(new FileInfo(Path.Combine(_data.Path, "cache", "embeddings", $"{VectorModels.MiniLm}-{bundle.Manifest.EmbeddingMaxTokens}.bin")).Length > 0);
    }

    /// <summary>A small English benchmark in BEIR's layout: 20 topics of 4 documents, a query per document, split train/test.</summary>
    private static string WriteBenchmark(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "qrels"));
        string[][] topics =
        [
            ["battery", "cathode", "lithium", "electrolyte"], ["vaccine", "antibody", "immune", "antigen"], ["bearing", "vibration", "fault", "railway"],
            ["oled", "encapsulation", "moisture", "barrier"], ["rice", "drought", "yield", "breeding"], ["robot", "gripper", "grasping", "tactile"],
            ["stent", "coronary", "restenosis", "polymer"], ["freight", "routing", "warehouse", "logistics"], ["compressor", "refrigerant", "inverter", "efficiency"],
            ["tumour", "biopsy", "imaging", "contrast"], ["hydrogen", "electrolyser", "catalyst", "membrane"], ["wheat", "fungicide", "blight", "spores"],
            ["chip", "lithography", "etching", "wafer"], ["sensor", "strain", "graphene", "flexible"], ["insulin", "glucose", "pancreas", "diabetes"],
            ["weld", "fatigue", "crack", "steel"], ["speech", "acoustic", "transcription", "noise"], ["tea", "fermentation", "polyphenol", "aroma"],
            ["concrete", "cement", "curing", "strength"], ["satellite", "orbit", "antenna", "telemetry"],
        ];
        using var corpus = new StreamWriter(Path.Combine(folder, "corpus.jsonl"));
        using var queries = new StreamWriter(Path.Combine(folder, "queries.jsonl"));
        using var train = new StreamWriter(Path.Combine(folder, "qrels", "train.tsv"));
        using var test = new StreamWriter(Path.Combine(folder, "qrels", "test.tsv"));
        train.WriteLine("query-id\tcorpus-id\tscore");
        test.WriteLine("query-id\tcorpus-id\tscore");
        for (var t = 0; t < topics.Length; t++)
            for (var d = 0; d < 4; d++)
            {
                var w = topics[t];
                var id = $"d{t}-{d}";
                corpus.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["_id"] = id, ["title"] = $"Study {d} of {w[d]} and {w[(d + 1) % 4]}", ["text"] = $"We measured {w[d]} {w[(d + 1) % 4]} in {w[(d + 2) % 4]} systems; the {w[d]} results improve {w[(d + 3) % 4]} by {d + 2} percent." }));
                queries.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["_id"] = $"q{t}-{d}", ["text"] = $"{w[d]} {w[(d + 1) % 4]} improves {w[(d + 3) % 4]}" }));
                (t % 4 == 0 ? test : train).WriteLine($"q{t}-{d}\t{id}\t1");
            }
        return folder;
    }

    [Theory]
    [InlineData(0.70, 0.71, 10, 0.005, RetrainOutcome.Rejected)]
    [InlineData(0.706, 0.71, 10, 0.005, RetrainOutcome.Promoted)]
    [InlineData(0.80, 0.71, 10, 0.0, RetrainOutcome.Promoted)]
    [InlineData(0.80, 0.71, 2, 0.0, RetrainOutcome.Rejected)]
    public void ThePromotionRule_IsNotWorseWithinTheTolerance_OnEnoughHeldOutQueries(double candidate, double active, int queries, double tolerance, string expected) =>
        Assert.Equal(expected, Retrainer.Decide(candidate, active, queries, new LearningOptions { Tolerance = tolerance, MinHeldOutNeeds = 5 }).Status);

    [Theory]
    [InlineData(0.74, 0.745, RetrainOutcome.Promoted)]
    [InlineData(0.72, 0.745, RetrainOutcome.Rejected)]
    public void ThePromotionRule_AlsoWeighsTheBenchmark_WhenOneIsConfigured(double onBenchmark, double activeOnBenchmark, string expected) =>
        Assert.Equal(expected, Retrainer.Decide(0.9, 0.9, 10, new LearningOptions { Tolerance = 0.01, MinHeldOutNeeds = 5 }, (onBenchmark, activeOnBenchmark)).Status);

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
