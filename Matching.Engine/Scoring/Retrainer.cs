using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Scoring;

/// <summary>What a retrain did: the candidate, both models' held-out figures, and whether the rule promoted it.</summary>
public sealed record RetrainOutcome(string Status, string? Candidate, string? Active, double? CandidateNdcg, double? ActiveNdcg, double? Bm25Ndcg, int HeldOutQueries, string Reason)
{
    /// <summary>nDCG@10 on the public benchmark's test split, when one is configured: the candidate's and the active model's.</summary>
    public (double Candidate, double? Active)? Benchmark { get; init; }

    public const string Promoted = "promoted", Rejected = "rejected", Skipped = "skipped";
}

/// <summary>
/// The learning loop's retrain (PRODUCT.md "Learning loop"): train a candidate on the database's judgements (all
/// sources: imports, thumbs, event outcomes) minus a held-out share of the needs, measure it and the active model on
/// those held-out needs, register it with both figures, and promote it only when it is not worse than the active
/// model by more than the tolerance. Languages without judgements of their own keep the active model's ranker.
/// The work happens on a consistent copy of the database in a scratch folder, so serving is not disturbed.
/// </summary>
public sealed class Retrainer(RecordStore store, ModelRegistry registry, MatchingAnalyzer analyzer, SynonymDictionary synonyms, IndustryTaxonomy taxonomy, string scratchRoot)
{
    /// <summary>Candidates per judged need, as serving retrieves.</summary>
    public int Depth { get; init; } = MatchScorer.K;

    /// <summary>The ranker's hyper-parameters (the shipped defaults unless a test asks for a small model).</summary>
    public RankerHyperParameters HyperParameters { get; init; } = new();

    /// <summary>The data directory, where a benchmark's sentence vectors are cached (default: the scratch folder's parent).</summary>
    public string? DataPath { get; init; }

    /// <summary>Topic model settings when the active model has none to copy.</summary>
    public TopicHyperParameters DefaultTopics { get; init; } = new();

    /// <summary>True when <paramref name="needId"/> is in the held-out share (a stable hash, so the split does not move between runs).</summary>
    public static bool IsHeldOut(string needId, double share) =>
        BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(needId)), 0) / (double)uint.MaxValue < share;

    public RetrainOutcome Run(LearningOptions options, bool force = false, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        void Stage(string stage, int done) => progress?.Report(new JobProgress(stage, done, 5, clock.Elapsed, "stages"));
        var active = registry.ActiveVersion();
        var activeBundle = active is null ? null : ModelBundle.Load(registry.ActiveFolder()!, analyzer);
        var judgements = store.Judgements();
        // Nothing to learn when no judgement arrived since the last model was trained (promoted or not).
        if (!force && registry.List().Where(v => v.TrainedAt is not null).MaxBy(v => v.TrainedAt) is { } last
            && store.LatestJudgementAt() is { } latest && latest <= last.TrainedAt)
            return Skip($"no judgement since model {last.Version} was trained ({last.TrainedAt:u})");
        var training = judgements.Where(j => !IsHeldOut(j.NeedId, options.HeldOutShare)).ToList();
        var heldOut = judgements.Where(j => IsHeldOut(j.NeedId, options.HeldOutShare)).ToList();
        if (training.Count < options.MinJudgements) return Skip($"{training.Count} training judgements; {options.MinJudgements} needed");

        var topics = activeBundle?.Manifest.Topics ?? DefaultTopics;
        // The encoders and candidate depth of the active model, so the candidate is compared on the same footing; a
        // first model gets the defaults (MiniLM, bge-small-zh, hybrid candidates).
        var encoders = activeBundle is null ? new EncoderSettings() : EncoderSettings.Of(activeBundle.Manifest);
        Stage("copy and index", 0);
        using var workspace = RecordsWorkspace.FromDatabase(store.Database, scratchRoot, analyzer, synonyms, topics, encoders);
        cancellationToken.ThrowIfCancellationRequested();

        Stage("features", 1);
        var rows = new List<RankingRow>();
        var data = new Dictionary<string, string>();
        var lists = new Dictionary<string, QueryCandidates>();
        foreach (var kind in new[] { RecordKind.Result, RecordKind.Expert })
        {
            var before = rows.Count;
            var needs = 0;
            foreach (var q in workspace.Candidates(training, taxonomy, Depth, kind))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ModelTrainer.AddRows(rows, $"data-{kind.Name()}:{q.QueryId}", q);
                lists[$"data-{kind.Name()}:{q.QueryId}"] = q;
                needs++;
            }
            data[$"data-{kind.Name()}s"] = $"{rows.Count - before:N0} rows over {needs} needs (database judgements, held-out needs excluded)";
        }
        data["data-logged"] = $"{workspace.LoggedRows:N0} judged rows from logged vectors (as shown), {workspace.RecomputedRows:N0} recomputed from the records now";
        log?.Invoke($"retrain: {data["data-logged"]}");

        // The public benchmark, when configured: its train split trains the English ranker beside the judgements.
        var foldKeys = new Dictionary<string, string>();
        var benchmark = options.BenchmarkDirectory is { Length: > 0 } folder0 && Directory.Exists(folder0) ? folder0 : null;
        if (benchmark is not null)
        {
            var train = BeirDataset.Load(benchmark, options.BenchmarkTrainSplit);
            var (queryVectors, documentVectors) = BeirVectors.Compute(train, DataPath ?? Path.GetDirectoryName(scratchRoot)!, encoders, topics, log: log);
            using var beir = BeirWorkspace.Create(train, scratchRoot, analyzer, synonyms);
            var before = rows.Count;
            foreach (var q in beir.Candidates(train, taxonomy, Depth, queryVectors, documentVectors, encoders.DenseK))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ModelTrainer.AddRows(rows, "beir:" + q.QueryId, q);
                // Near-duplicate claims cite the same evidence: folding by it keeps such pairs on one side.
                foldKeys["beir:" + q.QueryId] = train.Qrels[q.QueryId].Where(j => j.Value > 0).Select(j => j.Key).Order(StringComparer.Ordinal).FirstOrDefault() ?? q.QueryId;
            }
            data[train.Name] = $"{rows.Count - before:N0} rows over {train.Qrels.Count:N0} queries, BM25 top {Depth}";
        }

        Stage("train", 2);
        var metrics = new Dictionary<string, double>();
        // Each language with the hyper-parameters the active model chose for it (the Chinese ranker's smaller trees).
        var byLanguage = activeBundle?.Manifest.RankerByLanguage;
        var absolute = activeBundle?.Manifest.Absolute ?? AbsoluteScorer.DefaultHyperParameters;
        var outOfFold = new Dictionary<string, (double[] Shown, double[] Absolute)>();
        var scorers = ModelTrainer.Train(rows, HyperParameters, group => foldKeys.GetValueOrDefault(group) ?? group[(group.IndexOf(':') + 1)..], metrics, log, byLanguage, absolute, outOfFold);
        // The expert blend, chosen as train chooses it, on the database's expert judgements.
        var (expertBlend, blendFigures) = ExpertBlend.Choose(ExpertBlend.JudgedPairs(training, workspace.Store, ModelTrainer.PairScores("data", lists, outOfFold)), scorers.Any(s => s.Absolute is not null));
        // A language without judgements here (English, trained on a benchmark) keeps the active model's ranker.
        foreach (var kept in activeBundle?.Scorers.Where(s => scorers.All(n => n.Language != s.Language)) ?? [])
        {
            scorers.Add(kept);
            data[$"ranker-{kept.Language}"] = $"kept from {active!.Version}";
        }
        var version = "v" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (registry.Find(version) is not null) version += "-" + Guid.NewGuid().ToString("N")[..4];
        var candidate = new ModelBundle
        {
            Manifest = new ModelManifest
            {
                Version = version, TrainedAt = DateTimeOffset.UtcNow, Features = FeatureSchema.Names, EmbeddingModel = VectorModels.MiniLm,
                EmbeddingMaxTokens = encoders.EnglishMaxTokens, ChineseEmbeddingModel = encoders.ChineseModel, ChineseEmbeddingMaxTokens = encoders.ChineseMaxTokens,
                DenseCandidates = encoders.DenseK, RankerByLanguage = byLanguage, Ranker = HyperParameters, Topics = topics,
                AbsoluteFeatures = AbsoluteFeatures.Names, Absolute = absolute, ExpertBlend = expertBlend,
                ShownScores = scorers.ToDictionary(x => x.Language, x => x.ShowsAbsolute ? ModelBundle.ShownAbsolute : ModelBundle.ShownRanker), Data = data, Metrics = metrics, MatchFloor = ModelBundle.FloorOf(scorers),
                Languages = scorers.OrderBy(s => s.Language == (activeBundle?.Manifest.Languages.FirstOrDefault() ?? s.Language) ? 0 : 1).Select(s => s.Language).ToList(),
            },
            Scorers = scorers, Topics = workspace.Topics,
        };

        // Both models on the same held-out needs, each with its own topic model's vectors (as each would serve).
        Stage("evaluate", 3);
        var (bm25, candidateNdcg) = ModelTrainer.Compare(HeldOutQueries(workspace, heldOut), candidate);
        double? activeNdcg = null;
        if (activeBundle is not null)
        {
            using var activeSpace = activeBundle.Topics is { } activeTopics
                ? RecordsWorkspace.FromDatabase(workspace.Store.Database, scratchRoot, analyzer, synonyms, activeTopics, encoders)
                : null;
            activeNdcg = ModelTrainer.Compare(HeldOutQueries(activeSpace ?? workspace, heldOut), activeBundle).Model.DefaultIfEmpty().Average();
        }
        (double Candidate, double? Active)? onBenchmark = null;
        if (benchmark is not null)
        {
            var test = BeirDataset.Load(benchmark, options.BenchmarkTestSplit);
            var (queryVectors, documentVectors) = BeirVectors.Compute(test, DataPath ?? Path.GetDirectoryName(scratchRoot)!, encoders, topics, log: log);
            using var beir = BeirWorkspace.Create(test, scratchRoot, analyzer, synonyms);
            var testQueries = beir.Candidates(test, taxonomy, Depth, queryVectors, documentVectors, encoders.DenseK).ToList();
            var (benchmarkBm25, benchmarkCandidate) = ModelTrainer.Compare(testQueries, candidate);
            double? benchmarkActive = activeBundle is null ? null : ModelTrainer.Compare(testQueries, activeBundle).Model.DefaultIfEmpty().Average();
            onBenchmark = (benchmarkCandidate.DefaultIfEmpty().Average(), benchmarkActive);
            metrics[$"{test.Name}_ndcg10_bm25"] = benchmarkBm25.DefaultIfEmpty().Average();
            metrics[$"{test.Name}_ndcg10_model"] = onBenchmark.Value.Candidate;
            if (benchmarkActive is { } ba) metrics[$"{test.Name}_ndcg10_active"] = ba;
        }
        var queries = candidateNdcg.Count;
        metrics["heldout_ndcg10_bm25"] = bm25.DefaultIfEmpty().Average();
        metrics["heldout_ndcg10_model"] = candidateNdcg.DefaultIfEmpty().Average();
        if (activeNdcg is { } a) metrics["heldout_ndcg10_active"] = a;
        metrics["heldout_queries"] = queries;

        Stage("register", 4);
        var folder = Path.Combine(scratchRoot, "candidate-" + version);
        try
        {
            candidate.Save(folder);
            File.WriteAllText(Path.Combine(folder, "model-card.md"), ModelCard.Write(candidate, rows, blendFigures));
            var figures = $"held-out nDCG@10 {metrics["heldout_ndcg10_model"]:F4} against {(activeNdcg is { } x ? $"{x:F4} for {active!.Version}" : "no active model")} (BM25 {metrics["heldout_ndcg10_bm25"]:F4}, {queries} queries)"
                + (onBenchmark is { } b ? $"; benchmark nDCG@10 {b.Candidate:F4} against {(b.Active is { } y ? $"{y:F4}" : "-")}" : "");
            registry.Register(folder, $"retrained on {training.Count} judgements; {figures}");
            var (status, rule) = Decide(metrics["heldout_ndcg10_model"], activeNdcg, queries, options, onBenchmark);
            var reason = $"{rule}; {figures}";
            if (status == RetrainOutcome.Promoted) registry.Promote(version, reason);
            else registry.Reject(version, reason);
            Stage("done", 5);
            return new RetrainOutcome(status, version, active?.Version, metrics["heldout_ndcg10_model"], activeNdcg, metrics["heldout_ndcg10_bm25"], queries, reason)
            {
                Benchmark = onBenchmark,
            };
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }

        RetrainOutcome Skip(string reason) => new(RetrainOutcome.Skipped, null, active?.Version, null, null, null, 0, reason);
    }

    /// <summary>
    /// The promotion rule: with enough held-out queries, a candidate is promoted when its nDCG@10 is at least the active
    /// model's less the tolerance — on the held-out judgements, and on the benchmark when one is configured — or when
    /// there is no active model; otherwise it is rejected.
    /// </summary>
    public static (string Status, string Reason) Decide(double candidate, double? active, int heldOutQueries, LearningOptions options,
        (double Candidate, double? Active)? benchmark = null)
    {
        if (heldOutQueries < options.MinHeldOutNeeds)
            return (RetrainOutcome.Rejected, $"only {heldOutQueries} held-out queries ({options.MinHeldOutNeeds} needed to compare)");
        if (active is null) return (RetrainOutcome.Promoted, "no active model to compare with");
        if (candidate < active.Value - options.Tolerance)
            return (RetrainOutcome.Rejected, $"worse than the active model on the held-out judgements by more than the tolerance {options.Tolerance}");
        if (benchmark is { Active: { } activeOnBenchmark } b && b.Candidate < activeOnBenchmark - options.Tolerance)
            return (RetrainOutcome.Rejected, $"worse than the active model on the benchmark by more than the tolerance {options.Tolerance}");
        return (RetrainOutcome.Promoted, $"not worse than the active model (tolerance {options.Tolerance}){(benchmark is null ? "" : " on the held-out judgements and the benchmark")}");
    }

    private IEnumerable<QueryCandidates> HeldOutQueries(RecordsWorkspace workspace, IReadOnlyList<Judgement> heldOut) =>
        new[] { RecordKind.Result, RecordKind.Expert }.SelectMany(kind => workspace.Candidates(heldOut, taxonomy, Depth, kind));
}
