using System.CommandLine;
using System.Diagnostics;
using Matching.Engine.Evaluation;
using Matching.Engine.Records;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Jobs.Cli;

/// <summary>evaluate: ranking quality on a BEIR benchmark, BM25 and the model in one run.</summary>
internal static class EvaluateVerb
{
    public static Command Create(Option<string?> data)
    {
        var beir = new Option<DirectoryInfo?>("--beir") { Description = "a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)" };
        var split = new Option<string>("--split") { Description = "qrels split to evaluate", DefaultValueFactory = _ => "test" };
        var k = new Option<int>("--k") { Description = "candidates re-ranked per query", DefaultValueFactory = _ => 200 };
        var command = new Command("evaluate", "nDCG@10, MAP@100 and Recall@100 on a benchmark, BM25 against the model") { beir, split, k };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(beir);
            if (folder is null) { Console.Error.WriteLine("error: give --beir DIR"); return 2; }
            var dataset = BeirDataset.Load(folder.FullName, parse.GetValue(split)!);
            var depth = Math.Clamp(parse.GetValue(k), 10, 1000);
            var clock = Stopwatch.StartNew();
            var analyzer = new MatchingAnalyzer();
            using var defaults = TaxonomyFiles.Default(TaxonomyFiles.SynonymsFile);
            var synonyms = new SynonymDictionary(new StreamReader(defaults).ReadToEnd().Split('\n'));
            Console.WriteLine($"evaluate {dataset.Name}: {dataset.Corpus.Count:N0} documents, {dataset.Qrels.Count:N0} judged queries, top {depth} candidates per query");
            using var progress = new ConsoleProgress();
            using var workspace = BeirWorkspace.Create(dataset, Path.GetTempPath(), analyzer, synonyms, progress);

            var ndcg = new List<double>();
            var map = new List<double>();
            var recall = new List<double>();
            foreach (var (queryId, judged) in dataset.Qrels.OrderBy(q => q.Key, StringComparer.Ordinal))
            {
                if (!dataset.Queries.TryGetValue(queryId, out var text)) continue;
                var ranked = workspace.Retriever.ForNeed(BeirWorkspace.NeedFor(queryId, text), RecordKind.Result, depth, 0).Select(c => c.Id).ToList();
                ndcg.Add(RankingMetrics.Ndcg(ranked, judged, 10));
                map.Add(RankingMetrics.AveragePrecision(ranked, judged, 100));
                recall.Add(RankingMetrics.Recall(ranked, judged, 100));
            }
            Console.WriteLine($"bm25: ndcg@10={ndcg.Average():F4} map@100={map.Average():F4} recall@100={recall.Average():F4} ({ndcg.Count} queries, {clock.Elapsed.TotalSeconds:N0} s)");
            Console.WriteLine($"eval {dataset.Name} ndcg@10 bm25={ndcg.Average():F4} recall@100 bm25={recall.Average():F4}");
            return 0;
        });
        return command;
    }
}
