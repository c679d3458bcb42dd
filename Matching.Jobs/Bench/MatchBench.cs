using System.Diagnostics;
using Matching.Engine.Candidates;
using Matching.Engine.Demo;
using Matching.Engine.Features;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;
using Matching.Jobs.Cli;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench match: for one need, the candidate step, the stored vectors, the features, the ranker and the absolute scorer over
/// the top K (the serving path, <see cref="MatchScorer"/>), timed per need
/// against the bare BM25 top-K query in the same run, over a corpus of generated results (speed only).
/// </summary>
internal static class MatchBench
{
    public static int Run(int results, int queries, int k, int seed, int runs, string language = "zh", string? englishSource = null)
    {
        var english = language == "en";
        var sourceDir = englishSource ?? Path.Combine("..", "shared", "eval", "scifact");
        if (english && !File.Exists(Path.Combine(sourceDir, "corpus.jsonl")))
        {
            Console.Error.WriteLine($"error: --language en recombines the sentences of a BEIR corpus; none at {Path.GetFullPath(sourceDir)} (give --source DIR)");
            return 2;
        }
        var root = Path.Combine(Path.GetTempPath(), "matching-match-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var file = Path.Combine(root, "results.jsonl");
            if (english) SyntheticResults.WriteEnglish(file, results, seed, Path.Combine(sourceDir, "corpus.jsonl"));
            else SyntheticResults.Write(file, results, seed);
            var database = new MatchingDatabase(Path.Combine(root, "matching.db"));
            Migrator.Migrate(database);
            var store = new RecordStore(database);
            var analyzer = new MatchingAnalyzer();
            using var indexes = IndexSet.OpenWriters(Path.Combine(root, "index"), analyzer);
            var clock = Stopwatch.StartNew();
            using (var progress = new ConsoleProgress())
                ImportAndIndex.Run(new Importer(store), new IndexMaintainer(store, indexes), [(file, RecordKind.Result)], progress: progress);
            Console.WriteLine($"match-bench: {results:N0} generated results imported and indexed in {clock.Elapsed.TotalSeconds:N0} s; top {k} per need, {queries} needs");

            var queriesBuilder = new QueryBuilder(analyzer, TaxonomyFiles.DefaultSynonyms());
            var retriever = new CandidateRetriever(indexes, queriesBuilder, new SnippetBuilder(analyzer));
            var features = new FeatureExtractor(indexes, store, queriesBuilder, TaxonomyFiles.DefaultTaxonomy());
            var vectors = new RecordVectors(database);
            var scorer = new MatchScorer(features, vectors, store, retriever, new DenseIndexes(vectors));
            var needs = english ? EnglishNeeds(Path.Combine(sourceDir, "queries.jsonl")) : DemoNeeds();
            using (var writer = store.BeginWrite())
            {
                foreach (var need in needs) writer.Upsert(need);
                writer.Commit();
            }

            // A model of the shipped size, with a topic model fitted on a sample of the corpus; what they learned does
            // not change their speed. Every record carries vectors as the vector job stores them — its topic mixture,
            // and random unit vectors of the language's encoder for its whole text and three sentences (encoding is
            // timed by bench embed) — so candidates are hybrid as serving makes them.
            clock.Restart();
            var ids = store.ActiveIds(RecordKind.Result).ToList();
            var sample = store.GetResults(ids.Take(5_000).ToList()).Select(RecordTexts.Of).ToList();
            var topics = TopicModel.Fit(sample, analyzer, new TopicHyperParameters { Iterations = 50 });
            var encoders = new EncoderSettings();
            var provisional = encoders.Models("topics:bench", topics);
            var key = english ? provisional.EmbeddingKey : provisional.ChineseKey!;
            var passageKey = english ? provisional.PassageKey : provisional.ChinesePassageKey!;
            var dimensions = english ? Engine.Embeddings.MiniLmEncoder.Dimensions : Engine.Embeddings.BgeZhEncoder.Dimensions;
            var random = new Random(seed);
            foreach (var chunk in ids.Chunk(5_000))
            {
                var texts = store.GetResults(chunk).ToDictionary(r => r.Id, RecordTexts.Of);
                var mixtures = topics.Transform(chunk.Select(id => texts[id]).ToList());
                vectors.Put(RecordKind.Result, provisional.TopicKey, chunk.Select((id, i) => new StoredVector(id, Engine.Embeddings.EmbeddingCache.Key(texts[id]), mixtures[i])));
                vectors.Put(RecordKind.Result, key, chunk.Select(id => new StoredVector(id, Engine.Embeddings.EmbeddingCache.Key(texts[id]), UnitVector(random, dimensions))));
                vectors.Put(RecordKind.Result, passageKey, chunk.Select(id => new StoredVector(id, Engine.Embeddings.EmbeddingCache.Key(texts[id]),
                    VectorModels.Join(Enumerable.Range(0, 3).Select(_ => UnitVector(random, dimensions))))));
            }
            var needTexts = needs.ToDictionary(n => n.Id, RecordTexts.Of);
            vectors.Put(RecordKind.Need, key, needs.Select(n => new StoredVector(n.Id, Engine.Embeddings.EmbeddingCache.Key(needTexts[n.Id]), UnitVector(random, dimensions))));
            var needMixtures = topics.Transform(needs.Select(n => needTexts[n.Id]).ToList());
            vectors.Put(RecordKind.Need, provisional.TopicKey, needs.Select((n, i) => new StoredVector(n.Id, "", needMixtures[i])));
            Console.WriteLine($"match-bench: topics fitted on {sample.Count:N0} results; topic mixtures and random {dimensions}-d vectors stored for all in {clock.Elapsed.TotalSeconds:N0} s");
            var bundle = new ModelBundle
            {
                Manifest = new ModelManifest
                {
                    Version = "bench", Features = FeatureSchema.Names, EmbeddingModel = VectorModels.MiniLm, EmbeddingMaxTokens = encoders.EnglishMaxTokens,
                    ChineseEmbeddingModel = encoders.ChineseModel, ChineseEmbeddingMaxTokens = encoders.ChineseMaxTokens, DenseCandidates = encoders.DenseK, Languages = [language],
                },
                Scorers = [], Topics = topics,
            };
            var rows = new List<RankingRow>();
            foreach (var need in needs.Take(20))
            {
                var candidates = scorer.Candidates(bundle, need, RecordKind.Result);
                var lookup = provisional.Lookup(vectors, RecordKind.Result, candidates.Select(c => c.Id).ToList());
                var vectorsOfNeed = provisional.Lookup(vectors, RecordKind.Need, [need.Id])(need.Id);
                var f = features.For(RecordKind.Result, need, candidates, k, vectorsOfNeed, lookup);
                rows.AddRange(f.Select((v, i) => new RankingRow { GroupId = need.Id, Features = v, Label = i < 3 ? 2 : i < 10 ? 1 : 0 }));
            }
            var ranker = RankerModel.Train(rows, new RankerHyperParameters());
            // The absolute scorer of the shipped size as well: serving runs both (the ranker orders, it gives the number).
            var absolute = AbsoluteScorer.Train(rows, AbsoluteScorer.DefaultHyperParameters);
            bundle = new ModelBundle { Manifest = bundle.Manifest, Scorers = [new LanguageScorer(language, ranker, IsotonicCalibrator.Fit([0, 1], [false, true]), absolute, ShowsAbsolute: true)], Topics = topics };
            // The bundle's topic key is "topics:bench", the one the vectors were stored under.

            // Runs alternate the two paths need by need; each run's percentiles are taken over its needs, and the
            // summary line gives the median run of each figure (shared machines jitter between runs).
            var summaries = new List<(double P50, double P95, double Bm25P95, double Candidates, double Scoring)>();
            for (var run = 0; run < runs; run++)
            {
                var full = new List<double>();
                var bare = new List<double>();
                var parts = new List<(double Candidates, double Score)>();
                for (var q = -20; q < queries; q++)
                {
                    var need = needs[(q + 20) % needs.Count];
                    var t = Stopwatch.StartNew();
                    var query = queriesBuilder.ForNeed(need);
                    using (var lease = indexes[RecordKind.Result].Acquire()) lease.Searcher.Search(query, k);
                    var bm25 = t.Elapsed.TotalMilliseconds;
                    t.Restart();
                    var terms = new TermStates();
                    var candidates = scorer.Candidates(bundle, need, RecordKind.Result, terms);
                    var afterCandidates = t.Elapsed.TotalMilliseconds;
                    var scored = scorer.Score(bundle, need, RecordKind.Result, candidates, terms);
                    var total = t.Elapsed.TotalMilliseconds;
                    if (q < 0 || scored.Count != candidates.Count) continue;
                    bare.Add(bm25);
                    full.Add(total);
                    parts.Add((afterCandidates, total - afterCandidates));
                }
                var summary = (P(full, 0.5), P(full, 0.95), P(bare, 0.95), P(parts.Select(p => p.Candidates).ToList(), 0.5), P(parts.Select(p => p.Score).ToList(), 0.5));
                summaries.Add(summary);
                Console.WriteLine($"  run {run + 1}: candidates + vectors + features + ranker + absolute score p50 {summary.Item1:F1} ms, p95 {summary.Item2:F1} ms; " +
                    $"bare BM25 top {k} p95 {summary.Item3:F1} ms; p50 by step: hybrid candidates {summary.Item4:F1} ms, scoring {summary.Item5:F1} ms");
            }
            double Median(Func<(double P50, double P95, double Bm25P95, double Candidates, double Scoring), double> f) => P(summaries.Select(f).ToList(), 0.5);
            var p95 = Median(s => s.P95);
            var bm25P95 = Median(s => s.Bm25P95);
            Console.WriteLine($"match-bench language={language} results={results} dense_k={encoders.DenseK} p50_ms={Median(s => s.P50):F1} p95_ms={p95:F1} bm25_p95_ms={bm25P95:F1} ratio={p95 / bm25P95:F1}");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static float[] UnitVector(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (var d = 0; d < dimensions; d++) v[d] = (float)(random.NextDouble() * 2 - 1);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
        return v;
    }

    /// <summary>English needs: a BEIR split's queries (claims), each a need's title.</summary>
    private static List<TechNeed> EnglishNeeds(string queriesFile) =>
        File.ReadLines(queriesFile).Where(l => !string.IsNullOrWhiteSpace(l)).Take(500)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(o => new TechNeed { Id = "need-" + o.GetProperty("_id").GetString(), Title = o.GetProperty("text").GetString() ?? "", Language = "en" }).ToList();

    /// <summary>The value at quantile <paramref name="p"/> (nearest rank).</summary>
    private static double P(List<double> v, double p) => v.Order().ElementAt(Math.Min(v.Count - 1, (int)Math.Ceiling(p * v.Count) - 1));

    private static List<TechNeed> DemoNeeds()
    {
        using var reader = new StreamReader(DemoSeeder.Open("needs.jsonl"));
        var needs = new List<TechNeed>();
        while (reader.ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) needs.Add(RowParser.Need(System.Text.Json.JsonDocument.Parse(line).RootElement));
        return needs;
    }
}
