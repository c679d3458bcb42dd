using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Text;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench index: the same texts indexed two ways in one process — the product path (file → validated rows →
/// database commit → change log → index commit) and raw Lucene AddDocument with the same analyzer and documents —
/// alternating runs after a warm-up, reporting medians.
/// </summary>
internal static class IndexBench
{
    public static int Run(int docs, int runs, int seed, bool sequential = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "matching-bench-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(root);
        try
        {
            var file = Path.Combine(root, "results.jsonl");
            SyntheticResults.Write(file, docs, seed);
            var warm = Path.Combine(root, "warm-results.jsonl");
            SyntheticResults.Write(warm, Math.Min(1000, docs), seed + 1);
            var analyzer = new MatchingAnalyzer();
            Console.WriteLine($"index-bench: {docs:N0} synthetic results ({new FileInfo(file).Length / 1048576.0:N1} MB), {runs} runs each, seed {seed}, {Environment.ProcessorCount} cores, pipeline {(sequential ? "sequential (import, then index)" : "with the index following each committed batch")}");

            Pipeline(Path.Combine(root, "warm-p"), warm, analyzer, sequential);
            Raw(Path.Combine(root, "warm-r"), warm, analyzer);

            var pipeline = new List<double>();
            var raw = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var r = Raw(Path.Combine(root, $"raw-{i}"), file, analyzer);
                var p = Pipeline(Path.Combine(root, $"pipeline-{i}"), file, analyzer, sequential);
                raw.Add(docs / r);
                pipeline.Add(docs / p);
                Console.WriteLine($"  run {i + 1}: pipeline {docs / p:N0} docs/s ({p:N1} s)   raw {docs / r:N0} docs/s ({r:N1} s)");
            }
            var pm = Median(pipeline);
            var rm = Median(raw);
            Console.WriteLine($"index-bench docs={docs} pipeline_docs_per_s={pm:F0} raw_docs_per_s={rm:F0} ratio={pm / rm:F2}");
            return 0;
        }
        finally
        {
            try { System.IO.Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static double Pipeline(string dataDir, string file, MatchingAnalyzer analyzer, bool sequential)
    {
        System.IO.Directory.CreateDirectory(dataDir);
        var database = new MatchingDatabase(Path.Combine(dataDir, "matching.db"));
        Migrator.Migrate(database);
        var store = new RecordStore(database);
        var clock = Stopwatch.StartNew();
        ImportReport report;
        using (var indexes = IndexSet.OpenWriters(Path.Combine(dataDir, "index"), analyzer))
        {
            var maintainer = new IndexMaintainer(store, indexes);
            if (sequential)
            {
                report = new Importer(store).Import([(file, RecordKind.Result)]);
                maintainer.CatchUp();
            }
            else report = ImportAndIndex.Run(new Importer(store), maintainer, [(file, RecordKind.Result)]);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (report.Rejected > 0) throw new InvalidOperationException($"bench rows rejected: {report.Files[0].Rejections[0].Reason}");
        return seconds;
    }

    private static double Raw(string dir, string file, MatchingAnalyzer analyzer)
    {
        // Parsing is not timed: the raw side is AddDocument and the commit alone.
        var records = File.ReadLines(file).Select(l => RowParser.Result(System.Text.Json.JsonDocument.Parse(l).RootElement)).ToList();
        var documents = records.Select(IndexDocuments.For).ToList();
        var clock = Stopwatch.StartNew();
        using var directory = new NIOFSDirectory(dir);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(MatchingAnalyzer.Version, analyzer)
        {
            Similarity = RecordIndex.Bm25, RAMBufferSizeMB = 64, OpenMode = OpenMode.CREATE,
        });
        foreach (var doc in documents) writer.AddDocument(doc);
        writer.Commit();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
