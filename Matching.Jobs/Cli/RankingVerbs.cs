using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Matching.Engine.Embeddings;
using Matching.Engine.Evaluation;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Jobs.Cli;

/// <summary>
/// train and evaluate. Both build their data through the product's own path: a benchmark's corpus stored and indexed
/// as results, its queries asked as needs; the Chinese demo (or a data directory's database) copied into a scratch
/// workspace with its vectors computed by the vector job's code.
/// </summary>
internal static class RankingVerbs
{
    public static Command Train(Option<string?> data)
    {
        var beir = new Option<DirectoryInfo[]>("--beir") { Description = "a BEIR folder to train on (corpus.jsonl, queries.jsonl, qrels/); repeat for several", AllowMultipleArgumentsPerToken = true };
        var split = new Option<string>("--split") { Description = "the qrels split to train on", DefaultValueFactory = _ => "train" };
        var holdOut = new Option<double>("--hold-out") { Description = "share of each Chinese BEIR folder's training queries held out by a hash of their id: never trained or tuned on, reported in the card", DefaultValueFactory = _ => BeirDataset.HoldOutShare };
        var denseK = DenseKOption();
        var noChinese = new Option<bool>("--no-chinese-encoder") { Description = "train without the Chinese sentence encoder (to measure it)" };
        var analyzer = AnalyzerOption();
        var reportSplit = new Option<string?>("--report-split") { Description = "a BEIR split to report on in the model card (never tuned on)", DefaultValueFactory = _ => "test" };
        var demo = new Option<bool>("--demo") { Description = "train on the Chinese demo judgements (the held-out set is reported, never trained on)" };
        var fromData = new Option<bool>("--from-data") { Description = "train on the judgements in the data directory's database (--data), over its records" };
        var k = new Option<int>("--k") { Description = "candidates per query", DefaultValueFactory = _ => MatchScorer.K };
        var output = new Option<DirectoryInfo>("--out") { Description = "model folder to write", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var version = new Option<string>("--version") { Description = "the model's version name", DefaultValueFactory = _ => "v" + DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture) };
        var folds = new Option<int>("--cv") { Description = "cross-validate over this many folds of the training queries (for tuning) instead of writing a model" };
        var trees = new Option<int>("--trees") { DefaultValueFactory = _ => new RankerHyperParameters().Trees };
        var leaves = new Option<int>("--leaves") { DefaultValueFactory = _ => new RankerHyperParameters().Leaves };
        var rate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => new RankerHyperParameters().LearningRate };
        var featureFraction = new Option<double>("--feature-fraction") { DefaultValueFactory = _ => new RankerHyperParameters().FeatureFraction };
        var minLeaf = new Option<int>("--min-leaf") { DefaultValueFactory = _ => new RankerHyperParameters().MinimumExamplesPerLeaf };
        // The Chinese ranker learns from a few hundred patent titles and the demo: smaller trees with larger leaves
        // cross-validated better on patents-zh train (the 80% that is not held out): 8 leaves, 50 rows, 500 trees
        // 0.8656 against 16 / 20 / 300 0.8602; models/README.md has the sweep.
        var zhTrees = new Option<int>("--zh-trees") { DefaultValueFactory = _ => ChineseRanker.Trees };
        var zhLeaves = new Option<int>("--zh-leaves") { DefaultValueFactory = _ => ChineseRanker.Leaves };
        var zhMinLeaf = new Option<int>("--zh-min-leaf") { DefaultValueFactory = _ => ChineseRanker.MinimumExamplesPerLeaf };
        var topicCount = new Option<int>("--topics") { Description = "topics of the LDA model", DefaultValueFactory = _ => new TopicHyperParameters().Topics };
        var maxTokens = MaxTokensOption();
        var ablate = new Option<string[]>("--ablate") { Description = "leave signals out, to measure them: topics, bigrams (Dice and BM25 of character pairs), embeddings, passages, feedback, dense (the dense list's features), synonyms", AllowMultipleArgumentsPerToken = true };
        ablate.AcceptOnlyFromAmong("topics", "bigrams", "embeddings", "passages", "feedback", "dense", "synonyms");
        var command = new Command("train", "Train the ranker, its calibration and the topic model; write the model folder and its card")
            { beir, split, holdOut, denseK, noChinese, analyzer, reportSplit, demo, fromData, k, output, version, folds, trees, leaves, rate, featureFraction, minLeaf, zhTrees, zhLeaves, zhMinLeaf, topicCount, maxTokens, ablate };
        command.SetAction(parse =>
        {
            var beirDirs = parse.GetValue(beir) ?? [];
            _segmentation = parse.GetValue(analyzer);
            if (beirDirs.Length == 0 && !parse.GetValue(demo) && !parse.GetValue(fromData)) { Console.Error.WriteLine("error: give --beir DIR, --demo or --from-data (a benchmark and one records source may go together)"); return 2; }
            if (parse.GetValue(demo) && parse.GetValue(fromData)) { Console.Error.WriteLine("error: --demo and --from-data are two sources of records; choose one"); return 2; }
            var clock = Stopwatch.StartNew();
            var depth = Math.Clamp(parse.GetValue(k), 10, 1000);
            var tokens = Math.Clamp(parse.GetValue(maxTokens), 16, 512);
            var encoders = new EncoderSettings(tokens, parse.GetValue(noChinese) ? null : VectorModels.BgeZh, EncoderSettings.DefaultChineseMaxTokens, Math.Clamp(parse.GetValue(denseK), 0, 1000));
            var topicParameters = new TopicHyperParameters { Topics = Math.Clamp(parse.GetValue(topicCount), 2, 500) };
            var hp = new RankerHyperParameters
            {
                Trees = parse.GetValue(trees), Leaves = parse.GetValue(leaves), LearningRate = parse.GetValue(rate),
                FeatureFraction = Math.Clamp(parse.GetValue(featureFraction), 0.1, 1), MinimumExamplesPerLeaf = Math.Max(1, parse.GetValue(minLeaf)),
            };
            var byLanguage = new Dictionary<string, RankerHyperParameters>
            {
                ["zh"] = hp with { Trees = Math.Max(1, parse.GetValue(zhTrees)), Leaves = Math.Max(2, parse.GetValue(zhLeaves)), MinimumExamplesPerLeaf = Math.Max(1, parse.GetValue(zhMinLeaf)) },
            };
            var ablated = (parse.GetValue(ablate) ?? []).ToHashSet();
            _synonyms = ablated.Contains("synonyms") ? new SynonymDictionary([]) : TaxonomyFiles.DefaultSynonyms();
            Mask = Ablation(ablated);
            if (ablated.Count > 0) Console.WriteLine($"ablated: {string.Join(", ", ablated.Order())}");
            var rows = new List<RankingRow>();
            var foldKeys = new Dictionary<string, string>();
            var dataSummary = new Dictionary<string, string>();
            var metrics = new Dictionary<string, double>();
            var card = new StringBuilder();
            TopicModel? servingTopics = null;
            BeirDataset? dataset = null;
            var reports = new List<BeirDataset>();

            foreach (var beirDir in beirDirs)
            {
                var full = BeirDataset.Load(beirDir.FullName, parse.GetValue(split)!);
                var source = "beir-" + beirDir.Name;
                // A Chinese benchmark keeps a share of its training queries that nothing is tuned on, reported in the card.
                var trained = full;
                // At most nine tenths: a benchmark with every query held out would leave nothing to train on.
                if (full.IsChinese && Math.Clamp(parse.GetValue(holdOut), 0, 0.9) is var share and > 0)
                {
                    (trained, var held) = full.HoldOut(share);
                    reports.Add(held);
                }
                dataset ??= trained;
                var (queryVectors, documentVectors) = Vectors(trained, parse.GetValue(data), encoders, topicParameters);
                using var workspace = Workspace(trained);
                var before = rows.Count;
                foreach (var q in workspace.Candidates(trained, Taxonomy(), depth, queryVectors, documentVectors, encoders.DenseK))
                    AddRows(rows, source + ":" + q.QueryId, q);
                // Claims in SciFact come in near-duplicate pairs ("X lacks…" / "X shows…") citing the same abstract;
                // folding by the evidence instead of the query keeps such pairs on one side, or a model that memorises
                // documents would look better than it is.
                foreach (var (queryId, judged) in trained.Qrels)
                    foldKeys[source + ":" + queryId] = judged.Where(j => j.Value > 0).Select(j => j.Key).Order(StringComparer.Ordinal).FirstOrDefault() ?? queryId;
                dataSummary[trained.Name] = $"{rows.Count - before:N0} rows over {trained.Qrels.Count:N0} queries, BM25 top {depth}" + (encoders.DenseK > 0 ? $" + dense top {encoders.DenseK}" : "");
                Console.WriteLine($"train {trained.Name}: {rows.Count - before:N0} rows over {trained.Qrels.Count:N0} queries ({clock.Elapsed.TotalSeconds:N0} s)");
                if (parse.GetValue(reportSplit) is { Length: > 0 } report && File.Exists(Path.Combine(beirDir.FullName, "qrels", report + ".tsv")))
                    reports.Add(BeirDataset.Load(beirDir.FullName, report));
            }
            RecordsWorkspace? chinese = null;
            // The records source's lists by group, and its judgements: the expert blend is chosen on them.
            var recordLists = new Dictionary<string, QueryCandidates>();
            IReadOnlyList<Engine.Records.Judgement> recordJudgements = [];
            var recordSource = "";
            try
            {
                if (parse.GetValue(demo) || parse.GetValue(fromData))
                {
                    var source = parse.GetValue(demo) ? "demo" : "data";
                    var databaseFile = Path.Combine(Path.GetFullPath(parse.GetValue(data) ?? "data"), "matching.db");
                    chinese = parse.GetValue(demo)
                        ? RecordsWorkspace.FromDemo(Path.GetTempPath(), Analyzer(), Synonyms(), topicParameters, encoders)
                        : RecordsWorkspace.FromDatabase(databaseFile, Path.GetTempPath(), Analyzer(), Synonyms(), topicParameters, encoders);
                    servingTopics = chinese.Topics;
                    var judgements = chinese.Store.Judgements();
                    (recordJudgements, recordSource) = (judgements, source);
                    Console.WriteLine($"train {source}: {judgements.Count:N0} judgements (" +
                        string.Join(", ", judgements.GroupBy(j => j.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}")) + ")");
                    foreach (var kind in new[] { RecordKind.Result, RecordKind.Expert })
                    {
                        var before = rows.Count;
                        var needs = 0;
                        foreach (var q in chinese.Candidates(judgements, Taxonomy(), depth, kind))
                        {
                            needs++;
                            AddRows(rows, $"{source}-{kind.Name()}:{q.QueryId}", q);
                            foldKeys[$"{source}-{kind.Name()}:{q.QueryId}"] = q.QueryId;
                            recordLists[$"{source}-{kind.Name()}:{q.QueryId}"] = q;
                        }
                        dataSummary[$"{source}-{kind.Name()}s"] = $"{rows.Count - before:N0} rows over {needs} needs ({(source == "demo" ? "demo/judgements.tsv" : databaseFile)})";
                        Console.WriteLine($"train {source} {kind.Name()}s: {rows.Count - before:N0} rows over {needs} needs");
                    }
                    // Judgements that carry the vector the pair was shown with train on it; the rest are recomputed.
                    Console.WriteLine($"train {source}: {chinese.LoggedRows:N0} judged rows as they were shown (logged vectors), {chinese.RecomputedRows:N0} recomputed from the records now");
                    dataSummary[$"{source}-logged"] = $"{chinese.LoggedRows:N0} judged rows from logged vectors, {chinese.RecomputedRows:N0} recomputed";
                }
                string FoldKey(string group) => foldKeys.GetValueOrDefault(group, group);

                if (parse.GetValue(folds) is var n and > 1)
                {
                    // Each language cross-validated with its own hyper-parameters, as training fits it.
                    foreach (var language in rows.GroupBy(r => ModelBundle.LanguageOf(r.Features)))
                        ModelTrainer.CrossValidate(language.ToList(), byLanguage.GetValueOrDefault(language.Key) ?? hp, n, FoldKey, Console.WriteLine);
                    return 0;
                }
                var absolute = AbsoluteScorer.DefaultHyperParameters;
                var outOfFold = new Dictionary<string, (double[] Shown, double[] Absolute)>();
                var scorers = ModelTrainer.Train(rows, hp, FoldKey, metrics, Console.WriteLine, byLanguage, absolute, outOfFold);
                ExpertBlend? expertBlend = null;
                IReadOnlyList<ExpertBlend.Figures>? blendFigures = null;
                if (chinese is not null)
                {
                    var judgedExperts = ExpertBlend.JudgedPairs(recordJudgements, chinese.Store, ModelTrainer.PairScores(recordSource, recordLists, outOfFold));
                    (expertBlend, blendFigures) = ExpertBlend.Choose(judgedExperts, scorers.Any(x => x.Absolute is not null));
                    Console.WriteLine($"experts: {judgedExperts.Count} judged (need, expert) pairs with out-of-fold scores; blend {expertBlend}");
                    foreach (var f in blendFigures)
                        Console.WriteLine($"  {f.Blend}: ndcg@10={f.Ndcg:F4} loss={(f.CrossNeed.Pairs > 0 ? f.CrossNeed.Loss.ToString("F4", CultureInfo.InvariantCulture) : "–")} ({f.CrossNeed.Pairs} pairs)");
                }
                if (servingTopics is null && dataset is not null)
                    servingTopics = TopicModel.Fit(dataset.Corpus.Select(BeirWorkspace.EmbeddingText), Analyzer(), topicParameters);
                var bundle = new ModelBundle
                {
                    Manifest = new ModelManifest
                    {
                        Version = parse.GetValue(version)!, TrainedAt = DateTimeOffset.UtcNow, Features = FeatureSchema.Names,
                        EmbeddingModel = VectorModels.MiniLm, EmbeddingMaxTokens = tokens, ChineseEmbeddingModel = encoders.ChineseModel,
                        ChineseEmbeddingMaxTokens = encoders.ChineseMaxTokens, DenseCandidates = encoders.DenseK, Ranker = hp, RankerByLanguage = byLanguage, Topics = topicParameters,
                        AbsoluteFeatures = AbsoluteFeatures.Names, Absolute = absolute, ExpertBlend = expertBlend,
                        ShownScores = scorers.ToDictionary(x => x.Language, x => x.ShowsAbsolute ? ModelBundle.ShownAbsolute : ModelBundle.ShownRanker),
                        Languages = scorers.Select(x => x.Language).ToList(), Data = dataSummary, Metrics = metrics, MatchFloor = ModelBundle.FloorOf(scorers),
                    },
                    Scorers = scorers, Topics = servingTopics,
                };

                // Figures on data never trained on, for the card: the Chinese held-out set, and the benchmark's report split.
                if (chinese is not null && parse.GetValue(demo))
                {
                    var (bm25, learned) = Compare(HeldOutCandidates(bundle), bundle);
                    Report("demo-heldout", bm25, learned, null, null);
                    metrics["heldout_zh_ndcg10_bm25"] = bm25.Ndcg.Average();
                    metrics["heldout_zh_ndcg10_model"] = learned.Ndcg.Average();
                }
                foreach (var test in reports)
                {
                    var (queryVectors, documentVectors) = Vectors(test, parse.GetValue(data), encoders, topicParameters);
                    using var workspace = Workspace(test);
                    var (bm25, learned) = Compare(workspace.Candidates(test, Taxonomy(), depth, queryVectors, documentVectors, encoders.DenseK), bundle);
                    var dense = Dense(test, queryVectors, documentVectors);
                    Report(test.Name, bm25, learned, dense, null);
                    metrics[$"{test.Name}_ndcg10_bm25"] = bm25.Ndcg.Average();
                    metrics[$"{test.Name}_ndcg10_dense"] = dense.Ndcg.Average();
                    metrics[$"{test.Name}_ndcg10_model"] = learned.Ndcg.Average();
                    metrics[$"{test.Name}_recall100_bm25"] = bm25.Recall.Average();
                    metrics[$"{test.Name}_recall100_model"] = learned.Recall.Average();
                }

                var folder = parse.GetValue(output)!.FullName;
                bundle.Save(folder);
                File.WriteAllText(Path.Combine(folder, "model-card.md"), ModelCard.Write(bundle, rows, blendFigures));
                Console.WriteLine($"train: wrote model {bundle.Version} to {folder} ({hp}) in {clock.Elapsed.TotalSeconds:N0} s");
                return 0;

                IEnumerable<QueryCandidates> HeldOutCandidates(ModelBundle b)
                {
                    // Scored as serving scores: with the model's own topic model.
                    using var heldOut = RecordsWorkspace.FromDemo(Path.GetTempPath(), Analyzer(), Synonyms(), b.Topics!, EncoderSettings.Of(b.Manifest));
                    foreach (var q in heldOut.Candidates(RecordsWorkspace.HeldOutJudgements(), Taxonomy(), depth, RecordKind.Result)) yield return q;
                }
            }
            finally
            {
                chinese?.Dispose();
            }
        });
        return command;
    }

    public static Command Evaluate(Option<string?> data)
    {
        var beir = new Option<DirectoryInfo?>("--beir") { Description = "a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)" };
        var split = new Option<string>("--split") { Description = "qrels split to evaluate", DefaultValueFactory = _ => "test" };
        var k = new Option<int>("--k") { Description = "candidates re-ranked per query", DefaultValueFactory = _ => MatchScorer.K };
        var modelDir = new Option<DirectoryInfo?>("--model") { Description = "model folder (default ./models, else the one shipped with the binaries)" };
        var demo = new Option<bool>("--demo") { Description = "evaluate on the Chinese held-out judgements shipped with the demo" };
        var judgementsFile = new Option<FileInfo?>("--judgements") { Description = "judgements.tsv to evaluate on, against the records of the data directory (--data)" };
        var folds = new Option<int>("--folds") { Description = "cross-validate on the BEIR split instead of using the model: a ranker per fold trained on the other folds, measured out of fold" };
        var holdOut = new Option<bool>("--hold-out") { Description = "evaluate on the share of the split train holds out (its hash split; see train --hold-out)" };
        var reverse = new Option<bool>("--reverse") { Description = "also the reverse direction (results → needs): for every document with a relevant query, the split's queries ranked by BM25, the ranker and the absolute score (with --folds, within each fold)" };
        var absoluteDefaults = AbsoluteScorer.DefaultHyperParameters;
        var absoluteTrees = new Option<int>("--absolute-trees") { Description = "with --folds: the absolute scorer's trees (to tune it on a train split)", DefaultValueFactory = _ => absoluteDefaults.Trees };
        var absoluteLeaves = new Option<int>("--absolute-leaves") { Description = "with --folds: the absolute scorer's leaves", DefaultValueFactory = _ => absoluteDefaults.Leaves };
        var absoluteMinLeaf = new Option<int>("--absolute-min-leaf") { Description = "with --folds: the absolute scorer's rows per leaf", DefaultValueFactory = _ => absoluteDefaults.MinimumExamplesPerLeaf };
        var analyzer = AnalyzerOption();
        var command = new Command("evaluate", "nDCG@10, MAP@100 and Recall@100: BM25, dense-only and the model, with paired bootstrap intervals")
            { beir, split, k, modelDir, demo, judgementsFile, folds, holdOut, reverse, absoluteTrees, absoluteLeaves, absoluteMinLeaf, analyzer };
        command.SetAction(parse =>
        {
            _segmentation = parse.GetValue(analyzer);
            var depth = Math.Clamp(parse.GetValue(k), 10, 1000);
            var folder = parse.GetValue(modelDir)?.FullName ?? DefaultModelFolder();
            var bundle = ModelBundle.Exists(folder) ? ModelBundle.Load(folder, Analyzer()) : null;
            var by = bundle is null ? $"no model (none in {folder})" : $"model {bundle.Version} from {folder}";
            var encoders = bundle is null ? new EncoderSettings() : EncoderSettings.Of(bundle.Manifest);
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(demo) || parse.GetValue(judgementsFile) is not null)
            {
                if (bundle?.Topics is null && bundle is not null) { Console.Error.WriteLine($"error: the model in {folder} has no topic model"); return 2; }
                var topics = bundle?.Topics is { } t ? (OneOfTopics)t : new TopicHyperParameters();
                string name;
                IReadOnlyList<Engine.Records.Judgement> judgements;
                RecordsWorkspace workspace;
                if (parse.GetValue(judgementsFile) is { } file)
                {
                    if (!file.Exists) { Console.Error.WriteLine($"error: no file {file.FullName}"); return 2; }
                    try
                    {
                        using var reader = new StreamReader(file.FullName);
                        judgements = RecordsWorkspace.ReadJudgements(reader, file.Name);
                    }
                    catch (InvalidDataException e)
                    {
                        Console.Error.WriteLine($"error: {e.Message}");
                        return 2;
                    }
                    var dataPath = Path.GetFullPath(parse.GetValue(data) ?? "data");
                    workspace = RecordsWorkspace.FromDatabase(Path.Combine(dataPath, "matching.db"), Path.GetTempPath(), Analyzer(), Synonyms(), topics, encoders);
                    name = Path.GetFileNameWithoutExtension(file.Name);
                }
                else
                {
                    judgements = RecordsWorkspace.HeldOutJudgements();
                    // With a model, its vectors as a server with it would store them (so the expert check scores as serving does).
                    workspace = bundle is not null
                        ? RecordsWorkspace.FromDemo(Path.GetTempPath(), Analyzer(), Synonyms(), bundle)
                        : RecordsWorkspace.FromDemo(Path.GetTempPath(), Analyzer(), Synonyms(), topics, encoders);
                    name = "demo-heldout";
                }
                using (workspace)
                {
                    var lists = workspace.Candidates(judgements, Taxonomy(), depth, RecordKind.Result).ToList();
                    var (bm25, learned) = Compare(lists, bundle);
                    Console.WriteLine($"evaluate {name}: {bm25.Ndcg.Count} needs with a relevant judged result, BM25 top {depth} re-ranked by {by}");
                    Report(name, bm25, learned, null, clock.Elapsed);
                    if (bundle is not null)
                    {
                        CrossNeed(name, lists, judgements, bundle);
                        Experts(name, workspace, judgements, bundle);
                    }
                }
                return 0;
            }
            if (parse.GetValue(beir) is not { } beirDir) { Console.Error.WriteLine("error: give --beir DIR, --demo, or --judgements FILE"); return 2; }
            var dataset = BeirDataset.Load(beirDir.FullName, parse.GetValue(split)!);
            if (parse.GetValue(holdOut)) dataset = dataset.HoldOut(BeirDataset.HoldOutShare).HeldOut;
            var n = parse.GetValue(folds);
            if (n > 1) by = $"{n}-fold cross-validation on the split (a ranker per fold)";
            Console.WriteLine($"evaluate {dataset.Name}: {dataset.Corpus.Count:N0} documents, {dataset.Qrels.Count:N0} judged queries, BM25 top {depth}" +
                              (encoders.DenseK > 0 && (bundle is not null || n > 1) ? $" + dense top {encoders.DenseK}" : "") + $" re-ranked by {by}");
            // The topic model is fitted on the benchmark's corpus with the model's topic settings (the shipped one is
            // fitted on the Chinese corpus it serves); sentence vectors by each text's language's encoder.
            var topicSettings = bundle?.Manifest.Topics ?? new TopicHyperParameters();
            var (queryVectors, documentVectors) = Vectors(dataset, parse.GetValue(data), encoders, topicSettings);
            var dense = Dense(dataset, queryVectors, documentVectors);
            using var beirWorkspace = Workspace(dataset);
            if (n <= 1)
            {
                if (parse.GetValue(reverse) && bundle is null) { Console.Error.WriteLine($"error: --reverse compares the model's scores with BM25's, and there is no model in {folder} (or give --folds N)"); return 2; }
                var lists = beirWorkspace.Candidates(dataset, Taxonomy(), depth, queryVectors, documentVectors, bundle is null ? 0 : encoders.DenseK).ToList();
                var (b, l) = Compare(lists, bundle);
                Report(dataset.Name, b, l, dense, clock.Elapsed);
                if (parse.GetValue(reverse))
                {
                    // The ranker's raw score (its calibrated one has the flat steps of isotonic regression, which only
                    // adds ties) and the absolute margin (Platt is increasing, so the order is the probability's).
                    var ranker = lists.Select(q => q.Features.Length == 0 ? [] : bundle!.For(q.Features[0]).Ranker.Score(q.Features)).ToList();
                    var absolute = lists.Select(q => q.Features.Length == 0 ? [] : bundle!.For(q.Features[0]).Absolute?.Margins(q.Features)).ToList();
                    Reverse($"{dataset.Name}-reverse", [(lists, ranker, absolute)]);
                }
                return 0;
            }
            // Cross-validation: the split's own rows, folded by a hash of the query id; each fold scored by a ranker that never saw it.
            var queries = beirWorkspace.Candidates(dataset, Taxonomy(), depth, queryVectors, documentVectors, encoders.DenseK).ToList();
            var rows = new List<RankingRow>();
            foreach (var q in queries) ModelTrainer.AddRows(rows, q.QueryId, q);
            var hp = dataset.IsChinese
                ? bundle?.Manifest.RankerByLanguage?.GetValueOrDefault("zh") ?? ChineseRanker
                : bundle?.Manifest.Ranker ?? new RankerHyperParameters();
            var outOfFold = ModelTrainer.OutOfFold(rows, hp, n, id => id);
            var bm25All = new Scores();
            var learnedAll = new Scores();
            var denseById = dataset.Qrels.Keys.Order(StringComparer.Ordinal).Where(dataset.Queries.ContainsKey).Zip(dense.Ndcg).ToDictionary(x => x.First, x => x.Second);
            var byFold = Enumerable.Range(0, n).Select(_ => (Bm25: new Scores(), Model: new Scores(), Dense: new List<double>())).ToArray();
            foreach (var q in queries)
            {
                if (!outOfFold.TryGetValue(q.QueryId, out var scored)) continue;
                var bm25Order = q.Candidates.Where(c => c.Rank <= depth).Select(c => c.Id).ToList();
                var modelOrder = q.Candidates.Select((c, i) => (c.Id, Score: scored.Scores[i], c.Rank)).OrderByDescending(x => x.Score).ThenBy(x => x.Rank).Select(x => x.Id).ToList();
                bm25All.Add(bm25Order, q.Judged);
                learnedAll.Add(modelOrder, q.Judged);
                byFold[scored.Fold].Bm25.Add(bm25Order, q.Judged);
                byFold[scored.Fold].Model.Add(modelOrder, q.Judged);
                byFold[scored.Fold].Dense.Add(denseById.GetValueOrDefault(q.QueryId));
            }
            for (var f = 0; f < n; f++)
                if (byFold[f].Bm25.Ndcg.Count > 0)
                    Console.WriteLine($"fold {f + 1}: ndcg@10 bm25={byFold[f].Bm25.Ndcg.Average():F4} dense={byFold[f].Dense.Average():F4} model={byFold[f].Model.Ndcg.Average():F4} ({byFold[f].Bm25.Ndcg.Count} queries)");
            var denseInOrder = new Scores();
            foreach (var q in queries.Where(q => outOfFold.ContainsKey(q.QueryId))) denseInOrder.Ndcg.Add(denseById.GetValueOrDefault(q.QueryId));
            Report(dataset.Name + $"-cv{n}", bm25All, learnedAll, denseInOrder, clock.Elapsed);
            if (parse.GetValue(reverse))
            {
                // Each fold's queries ranked for each document by that fold's models: scores of two folds come from two
                // models and are not compared.
                var absoluteHp = (bundle?.Manifest.Absolute ?? AbsoluteScorer.DefaultHyperParameters) with
                {
                    Trees = Math.Max(1, parse.GetValue(absoluteTrees)), Leaves = Math.Max(2, parse.GetValue(absoluteLeaves)), MinimumExamplesPerLeaf = Math.Max(1, parse.GetValue(absoluteMinLeaf)),
                };
                Console.WriteLine($"absolute scorer per fold: {absoluteHp}");
                var absoluteOutOfFold = ModelTrainer.AbsoluteOutOfFold(rows, absoluteHp, n, id => id);
                var scopes = new List<(IReadOnlyList<QueryCandidates>, IReadOnlyList<float[]>, IReadOnlyList<float[]?>)>();
                for (var f = 0; f < n; f++)
                {
                    var inFold = queries.Where(q => outOfFold.TryGetValue(q.QueryId, out var s) && s.Fold == f && absoluteOutOfFold.ContainsKey(q.QueryId)).ToList();
                    if (inFold.Count == 0) continue;
                    scopes.Add((inFold, inFold.Select(q => outOfFold[q.QueryId].Scores).ToList(), inFold.Select(q => (float[]?)absoluteOutOfFold[q.QueryId].Scores).ToList()));
                }
                Reverse($"{dataset.Name}-cv{n}-reverse", scopes);
            }
            return 0;
        });
        return command;
    }

    /// <summary>The model folder a verb uses by default: ./models when it holds one, else the one shipped with the binaries.</summary>
    public static string DefaultModelFolder()
    {
        var local = Path.GetFullPath("models");
        return ModelBundle.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, "models");
    }

    private static void AddRows(List<RankingRow> rows, string group, QueryCandidates q) => ModelTrainer.AddRows(rows, group, q, Mask);

    /// <summary>The BM25 order and, with a model, its re-ranking of the same candidates, measured per query.</summary>
    private static (Scores Bm25, Scores Learned) Compare(IEnumerable<QueryCandidates> queries, ModelBundle? bundle)
    {
        var bm25 = new Scores();
        var learned = new Scores();
        foreach (var q in queries)
        {
            // The BM25 order is the BM25 list's own (dense-only candidates are not BM25's to rank).
            bm25.Add(q.Candidates.Where(c => !c.DenseOnly(MatchScorer.K)).Select(c => c.Id).ToList(), q.Judged);
            if (bundle is null) continue;
            var scores = q.Features.Length == 0 ? [] : bundle.For(q.Features[0]).Ranker.Score(q.Features.Select(Mask).ToList());
            learned.Add(q.Candidates.Select((c, i) => (c.Id, Score: scores[i], c.Rank)).OrderByDescending(x => x.Score).ThenBy(x => x.Rank).Select(x => x.Id).ToList(), q.Judged);
        }
        return (bm25, learned);
    }

    /// <summary>
    /// The cross-need check over the judged pairs the lists retrieved: for every result judged for two needs with
    /// different grades, how often the higher grade scores higher, by the ranker's calibrated score and by the absolute
    /// score (when the model has one). Judged pairs outside the lists are counted, not scored.
    /// </summary>
    private static void CrossNeed(string name, List<QueryCandidates> lists, IReadOnlyList<Engine.Records.Judgement> judgements, ModelBundle bundle)
    {
        var graded = judgements.GroupBy(j => (j.NeedId, j.CandidateId)).ToDictionary(g => g.Key, g => g.Last().Grade);
        var ranker = new List<(string, string, int, double)>();
        var absolute = new List<(string, string, int, double)>();
        foreach (var q in lists.Where(q => q.Features.Length > 0))
        {
            var scorer = bundle.For(q.Features[0]);
            var calibrated = scorer.Calibrate(scorer.Ranker.Score(q.Features));
            var probabilities = scorer.Absolute?.Probabilities(q.Features);
            for (var i = 0; i < q.Candidates.Count; i++)
            {
                if (!graded.TryGetValue((q.QueryId, q.Candidates[i].Id), out var grade)) continue;
                ranker.Add((q.QueryId, q.Candidates[i].Id, grade, calibrated[i]));
                if (probabilities is not null) absolute.Add((q.QueryId, q.Candidates[i].Id, grade, probabilities[i]));
            }
        }
        var byRanker = CrossNeedCheck.Of(ranker);
        var byAbsolute = absolute.Count > 0 ? CrossNeedCheck.Of(absolute) : null;
        var absoluteText = byAbsolute is null ? "" : $" absolute={byAbsolute.InOrder:F4}";
        var absoluteLoss = byAbsolute is null ? "" : $" absolute={byAbsolute.Loss:F4}";
        Console.WriteLine($"cross-need {name}: {byRanker.Pairs} pairs of needs judging one result differently (judged pairs not in the lists, experts' included: {graded.Count - ranker.Count}); " +
                          $"in order ranker={byRanker.InOrder:F4}{absoluteText}; grade-gap weighted loss ranker={byRanker.Loss:F4}{absoluteLoss}");
    }

    /// <summary>
    /// The expert-assignment check, shaped as the benchmark is: every judged (need, expert) pair scored through the
    /// serving path (as score-pairs scores it: the profile and every result of the expert, retrieved or not), and per
    /// expert, the pairs of needs judged with different grades out of order, weighted by the gap (ties half) — by the
    /// model's blend, and by the fixed blend of earlier models for comparison.
    /// </summary>
    private static void Experts(string name, RecordsWorkspace workspace, IReadOnlyList<Engine.Records.Judgement> judgements, ModelBundle bundle)
    {
        var scorer = workspace.Scorer(Taxonomy());
        var store = workspace.Store;
        var byNeed = new Dictionary<string, (Dictionary<string, ScoredCandidate> Profiles, Dictionary<string, ScoredCandidate> Results)>();
        (double, double) Pair(ScoredCandidate c) => (c.Score, c.Absolute ?? c.Score);
        (double, double)? Score(RecordKind kind, string needId, string id)
        {
            if (!byNeed.TryGetValue(needId, out var scored))
            {
                if (store.GetNeed(needId) is not { } need) return null;
                var experts = judgements.Where(j => j.NeedId == needId).Select(j => j.CandidateId).Distinct().ToList();
                var live = store.GetExperts(experts).Where(e => e.Status == RecordStatus.Active).Select(e => e.Id).ToList();
                var own = store.ResultsOfExperts(live).SelectMany(g => g).Where(r => r.Status == RecordStatus.Active).Select(r => r.Id).Distinct().ToList();
                byNeed[needId] = scored = (scorer.ScorePairs(bundle, need, RecordKind.Expert, live).ToDictionary(c => c.Candidate.Id),
                    scorer.ScorePairs(bundle, need, RecordKind.Result, own).ToDictionary(c => c.Candidate.Id));
            }
            return (kind == RecordKind.Expert ? scored.Profiles : scored.Results).TryGetValue(id, out var c) ? Pair(c) : null;
        }
        var judged = ExpertBlend.JudgedPairs(judgements, store, Score);
        var chosen = ExpertBlend.Measure(bundle.Experts, judged);
        var legacy = ExpertBlend.Measure(ExpertBlend.Legacy, judged);
        Console.WriteLine($"experts {name}: {judged.Count} judged (need, expert) pairs, {chosen.CrossNeed.Pairs} pairs of needs one expert is judged differently for; " +
                          $"loss blend={chosen.CrossNeed.Loss:F4} fixed={legacy.CrossNeed.Loss:F4}; ndcg@10 of each need's judged experts blend={chosen.Ndcg:F4} fixed={legacy.Ndcg:F4} (blend: {bundle.Experts})");
    }

    /// <summary>
    /// The reverse direction over one or more scopes (a scope's queries are ranked for each document by scores of one
    /// model): nDCG@10 per document by the pair's BM25 score, the ranker's score and the absolute margin, with paired
    /// bootstraps of the absolute score against BM25 and against the ranker.
    /// </summary>
    private static void Reverse(string name, IReadOnlyList<(IReadOnlyList<QueryCandidates> Lists, IReadOnlyList<float[]> Ranker, IReadOnlyList<float[]?> Absolute)> scopes)
    {
        var bm25Index = FeatureSchema.IndexOf("bm25");
        var bm25 = new List<double>();
        var ranker = new List<double>();
        var absolute = new List<double>();
        var hasAbsolute = scopes.All(s => s.Absolute.All(a => a is not null));
        var documents = 0;
        foreach (var (lists, rankerScores, absoluteScores) in scopes)
        {
            var qrels = lists.ToDictionary(q => q.QueryId, q => q.Judged);
            IEnumerable<ReverseRanking.Pair> Pairs(Func<int, int, double> score) =>
                lists.SelectMany((q, l) => q.Candidates.Select((c, i) => new ReverseRanking.Pair(q.QueryId, c.Id, score(l, i))));
            bm25.AddRange(ReverseRanking.Ndcg(Pairs((l, i) => lists[l].Features[i][bm25Index]), qrels));
            ranker.AddRange(ReverseRanking.Ndcg(Pairs((l, i) => rankerScores[l][i]), qrels));
            if (hasAbsolute) absolute.AddRange(ReverseRanking.Ndcg(Pairs((l, i) => absoluteScores[l]![i]), qrels));
            documents += qrels.Values.SelectMany(j => j.Where(x => x.Value > 0).Select(x => x.Key)).Distinct().Count();
        }
        Console.WriteLine($"reverse {name}: {documents:N0} documents with a relevant query, each ranking the queries{(scopes.Count > 1 ? $" of its fold ({scopes.Count} folds)" : " of the split")} that retrieved it");
        var (rm, rl, rh) = RankingMetrics.PairedBootstrap(bm25, ranker);
        Console.WriteLine($"ranker − bm25 ndcg@10: {rm:+0.0000;-0.0000} (95% paired bootstrap {rl:+0.0000;-0.0000} … {rh:+0.0000;-0.0000})");
        var absoluteText = "";
        if (hasAbsolute)
        {
            var (am, al, ah) = RankingMetrics.PairedBootstrap(bm25, absolute);
            var (xm, xl, xh) = RankingMetrics.PairedBootstrap(ranker, absolute);
            Console.WriteLine($"absolute − bm25 ndcg@10: {am:+0.0000;-0.0000} (95% paired bootstrap {al:+0.0000;-0.0000} … {ah:+0.0000;-0.0000})");
            Console.WriteLine($"absolute − ranker ndcg@10: {xm:+0.0000;-0.0000} (95% paired bootstrap {xl:+0.0000;-0.0000} … {xh:+0.0000;-0.0000})");
            absoluteText = $" absolute={absolute.Average():F4}";
        }
        Console.WriteLine($"eval {name} ndcg@10 bm25={bm25.Average():F4} ranker={ranker.Average():F4}{absoluteText}");
    }

    /// <summary>
    /// Prints each ranking's figures (BM25, dense-only when measured, the model), the paired bootstrap of the model
    /// against each, and the one-line summary.
    /// </summary>
    private static void Report(string name, Scores bm25, Scores learned, Scores? dense, TimeSpan? elapsed)
    {
        Console.WriteLine($"bm25:  ndcg@10={bm25.Ndcg.Average():F4} map@100={bm25.Map.Average():F4} recall@100={bm25.Recall.Average():F4} ({bm25.Ndcg.Count} queries)");
        if (dense is { Recall.Count: > 0 })
            Console.WriteLine($"dense: ndcg@10={dense.Ndcg.Average():F4} map@100={dense.Map.Average():F4} recall@100={dense.Recall.Average():F4}");
        var denseText = dense is { Ndcg.Count: > 0 } ? $" dense={dense.Ndcg.Average():F4}" : "";
        if (learned.Ndcg.Count == 0)
        {
            Console.WriteLine($"eval {name} ndcg@10 bm25={bm25.Ndcg.Average():F4}{denseText} recall@100 bm25={bm25.Recall.Average():F4}");
            return;
        }
        var (mean, low, high) = RankingMetrics.PairedBootstrap(bm25.Ndcg, learned.Ndcg);
        Console.WriteLine($"model: ndcg@10={learned.Ndcg.Average():F4} map@100={learned.Map.Average():F4} recall@100={learned.Recall.Average():F4}");
        Console.WriteLine($"model − bm25 ndcg@10: {mean:+0.0000;-0.0000} (95% paired bootstrap {low:+0.0000;-0.0000} … {high:+0.0000;-0.0000}){(elapsed is { } e ? $"; {e.TotalSeconds:N0} s" : "")}");
        if (dense is { Ndcg.Count: > 0 } && dense.Ndcg.Count == learned.Ndcg.Count)
        {
            var (dm, dl, dh) = RankingMetrics.PairedBootstrap(dense.Ndcg, learned.Ndcg);
            Console.WriteLine($"model − dense ndcg@10: {dm:+0.0000;-0.0000} (95% paired bootstrap {dl:+0.0000;-0.0000} … {dh:+0.0000;-0.0000})");
        }
        Console.WriteLine($"eval {name} ndcg@10 bm25={bm25.Ndcg.Average():F4} model={learned.Ndcg.Average():F4}{denseText} recall@100 bm25={bm25.Recall.Average():F4} model={learned.Recall.Average():F4}");
    }

    /// <summary>Dense-only rankings of the split's judged queries (the corpus by the query's sentence vector alone), in query id order.</summary>
    private static Scores Dense(BeirDataset dataset, Func<string, TextVectors?> queryVectors, Func<string, TextVectors?> documentVectors)
    {
        var scores = new Scores();
        foreach (var (_, ranked, judged) in BeirWorkspace.DenseRankings(dataset, queryVectors, documentVectors, 100)) scores.Add(ranked, judged);
        return scores;
    }

    // Set by train's --ablate (one verb per process); evaluation uses everything.
    private static SynonymDictionary _synonyms = TaxonomyFiles.DefaultSynonyms();
    private static SynonymDictionary Synonyms() => _synonyms;
    private static Func<float[], float[]> Mask { get; set; } = f => f;

    /// <summary>Zeroes the features of the ablated signals (value and indicator alike), so the ranker cannot use them.</summary>
    private static Func<float[], float[]> Ablation(IReadOnlySet<string> ablated)
    {
        var names = ablated.SelectMany(a => a switch
        {
            "topics" => new[] { "topic_cosine", "has_topic_cosine" },
            "bigrams" => ["bigram_dice", "bm25_bigrams"],
            "dense" => ["dense_rank", "dense_only", "rrf"],
            "embeddings" => ["embedding_cosine", "has_embedding_cosine"],
            "passages" => ["passage_cosine", "has_passage_cosine", "passage_gap"],
            "feedback" => ["embedding_prf"],
            _ => [],
        }).Select(FeatureSchema.IndexOf).ToArray();
        if (names.Length == 0) return f => f;
        return f =>
        {
            var copy = (float[])f.Clone();
            foreach (var i in names) copy[i] = 0;
            return copy;
        };
    }

    private static Option<int> MaxTokensOption() =>
        new("--max-tokens") { Description = "tokens per text for the sentence encoder (the model was trained at 256; the package cuts at 512)", DefaultValueFactory = _ => 256 };

    /// <summary>
    /// Sentence vectors for the corpus and the split's queries (from the cache in the data directory, or encoded now)
    /// and topic mixtures from a topic model fitted on the benchmark's own corpus.
    /// </summary>
    private static (Func<string, TextVectors?> Query, Func<string, TextVectors?> Document) Vectors(BeirDataset dataset, string? data, EncoderSettings encoders, TopicHyperParameters topicParameters)
    {
        using var progress = new ConsoleProgress();
        return BeirVectors.Compute(dataset, Path.GetFullPath(data ?? "data"), encoders, topicParameters, progress, Console.WriteLine);
    }

    private static Option<int> DenseKOption() =>
        new("--dense-k") { Description = "candidates from the dense list (nearest by sentence vectors) merged with the BM25 top K; 0 for BM25 only", DefaultValueFactory = _ => MatchScorer.DenseK };

    private static BeirWorkspace Workspace(BeirDataset dataset)
    {
        using var progress = new ConsoleProgress();
        return BeirWorkspace.Create(dataset, Path.GetTempPath(), Analyzer(), Synonyms(), progress);
    }

    private static IndustryTaxonomy Taxonomy() => TaxonomyFiles.DefaultTaxonomy();

    /// <summary>The Chinese ranker's default hyper-parameters where they differ from the English one's.</summary>
    private static readonly RankerHyperParameters ChineseRanker = new() { Trees = 500, Leaves = 8, MinimumExamplesPerLeaf = 50 };

    // Set by --analyzer (one verb per process): the segmenter a comparison measures; the product ships SmartCn.
    private static Segmentation _segmentation = Segmentation.SmartCn;
    private static MatchingAnalyzer Analyzer() => new(_segmentation);

    private static Option<Segmentation> AnalyzerOption() =>
        new("--analyzer") { Description = "Chinese word segmentation of the index and queries: SmartCn (shipped) or Jieba (to compare)", DefaultValueFactory = _ => Segmentation.SmartCn };

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
