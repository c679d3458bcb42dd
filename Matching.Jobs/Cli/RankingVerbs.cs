using System.CommandLine;
using System.Diagnostics;
using Matching.Engine.Embeddings;
using Matching.Engine.Evaluation;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Jobs.Cli;

/// <summary>train and evaluate on BEIR benchmarks: both build the benchmark through the product's own path.</summary>
internal static class RankingVerbs
{
    public static Command Train(Option<string?> data)
    {
        var beir = new Option<DirectoryInfo>("--beir") { Description = "a BEIR folder", Required = true };
        var split = new Option<string>("--split") { Description = "the qrels split to train on", DefaultValueFactory = _ => "train" };
        var k = new Option<int>("--k") { Description = "candidates per query", DefaultValueFactory = _ => 200 };
        var output = new Option<FileInfo>("--out") { Description = "model file to write", DefaultValueFactory = _ => new FileInfo(Path.Combine("models", "ranker.zip")) };
        var demo = new Option<bool>("--demo") { Description = "also train on the Chinese demo judgements (their held-out fifth excluded)" };
        var folds = new Option<int>("--cv") { Description = "cross-validate over this many folds of the training queries (for tuning) instead of writing a model" };
        var trees = new Option<int>("--trees") { DefaultValueFactory = _ => new RankerHyperParameters().Trees };
        var leaves = new Option<int>("--leaves") { DefaultValueFactory = _ => new RankerHyperParameters().Leaves };
        var rate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => new RankerHyperParameters().LearningRate };
        var command = new Command("train", "Train the LambdaMART ranker on a benchmark's judgements") { beir, split, k, output, demo, folds, trees, leaves, rate };
        command.SetAction(parse =>
        {
            var dataset = BeirDataset.Load(parse.GetValue(beir)!.FullName, parse.GetValue(split)!);
            var depth = Math.Clamp(parse.GetValue(k), 10, 1000);
            var clock = Stopwatch.StartNew();
            var (queryVector, documentVector) = Vectors(dataset, parse.GetValue(data));
            using var workspace = Workspace(dataset);
            var rows = new List<RankingRow>();
            foreach (var q in workspace.Candidates(dataset, Taxonomy(), depth, queryVector, documentVector))
                for (var i = 0; i < q.Candidates.Count; i++)
                    rows.Add(new RankingRow { GroupId = q.QueryId, Label = q.Judged.GetValueOrDefault(q.Candidates[i].Id), Features = q.Features[i] });
            Console.WriteLine($"train {dataset.Name}: {rows.Count:N0} rows over {rows.Select(r => r.GroupId).Distinct().Count():N0} queries ({clock.Elapsed.TotalSeconds:N0} s)");
            if (parse.GetValue(demo))
            {
                using var chinese = DemoWorkspace.Create(Path.GetTempPath(), new MatchingAnalyzer(), Synonyms());
                var before = rows.Count;
                var needs = 0;
                foreach (var q in chinese.Candidates(heldOut: false, Taxonomy(), depth))
                {
                    needs++;
                    for (var i = 0; i < q.Candidates.Count; i++)
                        rows.Add(new RankingRow { GroupId = "demo:" + q.QueryId, Label = q.Judged.GetValueOrDefault(q.Candidates[i].Id), Features = q.Features[i] });
                }
                Console.WriteLine($"train demo: {rows.Count - before:N0} rows over {needs} Chinese needs (held-out needs excluded)");
            }
            var hp = new RankerHyperParameters { Trees = parse.GetValue(trees), Leaves = parse.GetValue(leaves), LearningRate = parse.GetValue(rate) };
            // Claims in SciFact come in near-duplicate pairs ("X lacks…" / "X shows…") citing the same abstract;
            // folding by the evidence instead of the query keeps such pairs on one side, or a model that memorises
            // documents would look better than it is.
            var evidence = dataset.Qrels.ToDictionary(q => q.Key, q => q.Value.Where(j => j.Value > 0).Select(j => j.Key).Order(StringComparer.Ordinal).FirstOrDefault() ?? q.Key);
            string FoldKey(string group) => evidence.GetValueOrDefault(group, group);
            if (parse.GetValue(folds) is var n and > 1)
            {
                CrossValidate(rows, hp, n, FoldKey);
                return 0;
            }
            var model = RankerModel.Train(rows, hp);
            var file = parse.GetValue(output)!;
            Directory.CreateDirectory(file.DirectoryName!);
            model.Save(file.FullName);

            // Calibration is fitted on out-of-fold scores: what the ranker says about pairs it did not train on.
            var outOfFold = CrossValidate(rows, hp, 5, FoldKey);
            var calibrator = IsotonicCalibrator.Fit(outOfFold.Select(x => (double)x.Score).ToList(), outOfFold.Select(x => x.Label > 0).ToList());
            File.WriteAllText(CalibrationFile(file.FullName), calibrator.ToJson());
            Console.WriteLine("calibration (out-of-fold score → probability of a relevant pair):");
            foreach (var (score, probability) in calibrator.Table(10))
                Console.WriteLine($"  {score,8:F3} → {probability:F3}");
            Console.WriteLine($"train: wrote {file.FullName} ({hp}) in {clock.Elapsed.TotalSeconds:N0} s");
            return 0;
        });
        return command;
    }

    public static Command Evaluate(Option<string?> data)
    {
        var beir = new Option<DirectoryInfo>("--beir") { Description = "a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)" };
        var split = new Option<string>("--split") { Description = "qrels split to evaluate", DefaultValueFactory = _ => "test" };
        var k = new Option<int>("--k") { Description = "candidates re-ranked per query", DefaultValueFactory = _ => 200 };
        var modelFile = new Option<FileInfo?>("--model") { Description = "ranker model (default models/ranker.zip when present)" };
        var demo = new Option<bool>("--demo") { Description = "evaluate on the held-out fifth of the Chinese demo judgements instead of a benchmark" };
        var command = new Command("evaluate", "nDCG@10, MAP@100 and Recall@100 on a benchmark, BM25 against the model") { beir, split, k, modelFile, demo };
        command.SetAction(parse =>
        {
            if (parse.GetValue(demo)) return EvaluateDemo(parse.GetValue(modelFile), Math.Clamp(parse.GetValue(k), 10, 1000));
            if (parse.GetValue(beir) is null) { Console.Error.WriteLine("error: give --beir DIR or --demo"); return 2; }
            var dataset = BeirDataset.Load(parse.GetValue(beir)!.FullName, parse.GetValue(split)!);
            var depth = Math.Clamp(parse.GetValue(k), 10, 1000);
            var path = parse.GetValue(modelFile)?.FullName ?? Path.GetFullPath(Path.Combine("models", "ranker.zip"));
            var model = File.Exists(path) ? RankerModel.Load(path) : null;
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"evaluate {dataset.Name}: {dataset.Corpus.Count:N0} documents, {dataset.Qrels.Count:N0} judged queries, BM25 top {depth} re-ranked by {(model is null ? "no model (none at " + path + ")" : path)}");
            // Without a model only BM25 is measured, and sentence vectors are not needed.
            var (queryVector, documentVector) = model is null ? (_ => null, _ => null) : Vectors(dataset, parse.GetValue(data));
            using var workspace = Workspace(dataset);
            var (bm25, learned) = Compare(workspace.Candidates(dataset, Taxonomy(), depth, queryVector, documentVector), model);
            Report(dataset.Name, bm25, learned, clock.Elapsed);
            return 0;
        });
        return command;
    }

    /// <summary>The calibration file that goes with a model file.</summary>
    public static string CalibrationFile(string modelFile) => Path.ChangeExtension(modelFile, ".calibration.json");

    /// <summary>k-fold cross-validation over training queries (folds by a hash of the fold key): nDCG@10 of BM25 order and of the model.</summary>
    private static List<(float Score, float Label)> CrossValidate(List<RankingRow> rows, RankerHyperParameters hp, int folds, Func<string, string> foldKey)
    {
        var outOfFold = new List<(float Score, float Label)>();
        int FoldOf(string group, int n) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(foldKey(group)))[1] % n;
        var groups = rows.GroupBy(r => r.GroupId).ToList();
        var bm25 = new List<double>();
        var learned = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var model = RankerModel.Train(rows.Where(r => FoldOf(r.GroupId, folds) != f), hp);
            foreach (var g in groups.Where(g => FoldOf(g.Key, folds) == f))
            {
                var list = g.ToList();
                var scores = model.Score(list.Select(r => r.Features).ToList());
                outOfFold.AddRange(list.Select((r, i) => (scores[i], r.Label)));
                var judged = list.Select((r, i) => (Id: i.ToString(), r.Label)).Where(x => x.Label > 0).ToDictionary(x => x.Id, x => (int)x.Label);
                if (judged.Count == 0) continue;
                var ids = Enumerable.Range(0, list.Count).Select(i => i.ToString()).ToList();
                bm25.Add(RankingMetrics.Ndcg(ids, judged, 10));
                learned.Add(RankingMetrics.Ndcg(ids.OrderByDescending(id => scores[int.Parse(id)]).ThenBy(int.Parse).ToList(), judged, 10));
            }
        }
        var (mean, low, high) = RankingMetrics.PairedBootstrap(bm25, learned);
        Console.WriteLine($"cv {folds} folds ({hp}): {bm25.Count} queries with a relevant candidate");
        Console.WriteLine($"cv ndcg@10 bm25={bm25.Average():F4} model={learned.Average():F4} (difference {mean:+0.0000;-0.0000}, 95% {low:+0.0000;-0.0000} … {high:+0.0000;-0.0000})");
        return outOfFold;
    }

    private static int EvaluateDemo(FileInfo? modelFile, int depth)
    {
        var path = modelFile?.FullName ?? Path.GetFullPath(Path.Combine("models", "ranker.zip"));
        var model = File.Exists(path) ? RankerModel.Load(path) : null;
        using var chinese = DemoWorkspace.Create(Path.GetTempPath(), new MatchingAnalyzer(), Synonyms());
        var (bm25, learned) = Compare(chinese.Candidates(heldOut: true, Taxonomy(), depth), model);
        Console.WriteLine($"evaluate demo-heldout: {bm25.Ndcg.Count} Chinese needs never trained on, judged results only, by {(model is null ? "no model" : path)}");
        Report("demo-heldout", bm25, learned, elapsed: null);
        return 0;
    }

    /// <summary>The BM25 order and, with a model, its re-ranking of the same candidates, measured per query.</summary>
    private static (Scores Bm25, Scores Learned) Compare(IEnumerable<QueryCandidates> queries, RankerModel? model)
    {
        var bm25 = new Scores();
        var learned = new Scores();
        foreach (var q in queries)
        {
            bm25.Add(q.Candidates.Select(c => c.Id).ToList(), q.Judged);
            if (model is null) continue;
            var scores = model.Score(q.Features);
            learned.Add(q.Candidates.Select((c, i) => (c.Id, Score: scores[i], c.Rank)).OrderByDescending(x => x.Score).ThenBy(x => x.Rank).Select(x => x.Id).ToList(), q.Judged);
        }
        return (bm25, learned);
    }

    /// <summary>Prints both rankings' figures, the paired bootstrap of the difference, and the one-line summary.</summary>
    private static void Report(string name, Scores bm25, Scores learned, TimeSpan? elapsed)
    {
        Console.WriteLine($"bm25:  ndcg@10={bm25.Ndcg.Average():F4} map@100={bm25.Map.Average():F4} recall@100={bm25.Recall.Average():F4} ({bm25.Ndcg.Count} queries)");
        if (learned.Ndcg.Count == 0)
        {
            Console.WriteLine($"eval {name} ndcg@10 bm25={bm25.Ndcg.Average():F4} recall@100 bm25={bm25.Recall.Average():F4}");
            return;
        }
        var (mean, low, high) = RankingMetrics.PairedBootstrap(bm25.Ndcg, learned.Ndcg);
        Console.WriteLine($"model: ndcg@10={learned.Ndcg.Average():F4} map@100={learned.Map.Average():F4} recall@100={learned.Recall.Average():F4}");
        Console.WriteLine($"model − bm25 ndcg@10: {mean:+0.0000;-0.0000} (95% paired bootstrap {low:+0.0000;-0.0000} … {high:+0.0000;-0.0000}){(elapsed is { } e ? $"; {e.TotalSeconds:N0} s" : "")}");
        Console.WriteLine($"eval {name} ndcg@10 bm25={bm25.Ndcg.Average():F4} model={learned.Ndcg.Average():F4} recall@100 bm25={bm25.Recall.Average():F4} model={learned.Recall.Average():F4}");
    }

    private static SynonymDictionary Synonyms() => TaxonomyFiles.DefaultSynonyms();

    /// <summary>Sentence vectors for the corpus and the split's queries, from the cache in the data directory or encoded now.</summary>
    private static (Func<string, float[]?> Query, Func<string, float[]?> Document) Vectors(BeirDataset dataset, string? data)
    {
        var dataPath = Path.GetFullPath(data ?? "data");
        using var encoder = new MiniLmEncoder();
        var cache = new EmbeddingCache(dataPath, $"minilm-l6-{encoder.MaxTokens}", MiniLmEncoder.Dimensions);
        var corpus = dataset.Corpus;
        var queryIds = dataset.Qrels.Keys.Where(dataset.Queries.ContainsKey).ToList();
        using var progress = new ConsoleProgress();
        var documents = cache.GetOrEncode(corpus.Select(BeirWorkspace.EmbeddingText).ToList(), encoder.Encode, progress);
        var queries = cache.GetOrEncode(queryIds.Select(q => dataset.Queries[q]).ToList(), encoder.Encode, progress);
        var byDocument = corpus.Select((d, i) => (d.Id, documents[i])).ToDictionary(x => x.Id, x => x.Item2);
        var byQuery = queryIds.Select((q, i) => (q, queries[i])).ToDictionary(x => x.q, x => x.Item2);
        return (id => byQuery.GetValueOrDefault(id), id => byDocument.GetValueOrDefault(id));
    }

    private static BeirWorkspace Workspace(BeirDataset dataset)
    {
        using var progress = new ConsoleProgress();
        return BeirWorkspace.Create(dataset, Path.GetTempPath(), new MatchingAnalyzer(), Synonyms(), progress);
    }

    private static IndustryTaxonomy Taxonomy() => TaxonomyFiles.DefaultTaxonomy();

    private sealed class Scores
    {
        public List<double> Ndcg { get; } = [];
        public List<double> Map { get; } = [];
        public List<double> Recall { get; } = [];

        public void Add(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged)
        {
            Ndcg.Add(RankingMetrics.Ndcg(ranked, judged, 10));
            Map.Add(RankingMetrics.AveragePrecision(ranked, judged, 100));
            Recall.Add(RankingMetrics.Recall(ranked, judged, 100));
        }
    }
}
