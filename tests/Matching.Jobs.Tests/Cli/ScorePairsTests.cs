using System.Globalization;
using Matching.Engine.Demo;
using Matching.Tests.Shared;

namespace Matching.Jobs.Tests.Cli;

/// <summary>score-pairs through the CLI, as a user runs it, with the model shipped next to the binaries.</summary>
public class ScorePairsTests() : CliScratch("matching-pairs-")
{
    /// <summary>The demo's organisations, experts, results and needs imported into the scratch data directory.</summary>
    private void ImportDemo()
    {
        var import = CliRunner.Invoke("import", "--data", Data, "--organisations", DemoFile("organisations.jsonl"), "--experts", DemoFile("experts.jsonl"),
            "--results", DemoFile("results.jsonl"), "--needs", DemoFile("needs.jsonl"));
        Assert.True(import.ExitCode == 0, import.Output + import.Error);
    }

    [Fact]
    public void ScorePairs_ScoresRetrievedAndUnretrievedPairs_AndReportsBadLines()
    {
        ImportDemo();

        var pairs = Path.Combine(Root, "pairs.tsv");
        File.WriteAllText(pairs, string.Join("\n",
            "n-display-01\tr-display-07",      // graded 3 in the demo judgements
            "n-display-01\te-display-04",      // an expert
            "n-display-01\tr-agri-01",         // a food result for a display need
            "only-one-column",
            "n-display-01\tno-such-result",
            ""));
        var scores = Path.Combine(Root, "out", "scores.tsv");
        var run = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", scores);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"3 pairs scored by model {ShippedModel.Version}", run.Output);
        Assert.Contains("line 4", run.Error);
        Assert.Contains("line 5", run.Error);

        var lines = File.ReadAllLines(scores).Select(l => l.Split('\t')).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal(3, l.Length));
        var byPair = lines.ToDictionary(l => l[1], l => double.Parse(l[2], CultureInfo.InvariantCulture));
        Assert.All(byPair.Values, s => Assert.InRange(s, 0, 1));
        Assert.True(byPair["r-display-07"] > byPair["r-agri-01"], $"{byPair["r-display-07"]} vs {byPair["r-agri-01"]}");
    }

    [Fact]
    public void ScorePairs_ByEachScore_AndBm25WithoutAModel_EndsWithItsSummary()
    {
        ImportDemo();
        var pairs = Path.Combine(Root, "pairs.tsv");
        File.WriteAllText(pairs, "n-display-01\tr-display-07\nn-display-01\tr-agri-01\nn-display-01\te-display-04\n");
        Dictionary<string, double> Scores(string file) => File.ReadAllLines(file).Select(l => l.Split('\t')).ToDictionary(l => l[1], l => double.Parse(l[2], CultureInfo.InvariantCulture));

        var ranker = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", Path.Combine(Root, "ranker.tsv"), "--score", "ranker");
        Assert.True(ranker.ExitCode == 0, ranker.Output + ranker.Error);
        Assert.Contains($"3 pairs scored by model {ShippedModel.Version} (ranker score)", ranker.Output);
        // The summary is the last thing on stdout: no native library output flushed after it.
        Assert.StartsWith("score-pairs: ", ranker.Output.TrimEnd().Split('\n')[^1]);
        var byRanker = Scores(Path.Combine(Root, "ranker.tsv"));
        Assert.All(byRanker.Values, v => Assert.InRange(v, 0, 1));
        Assert.True(byRanker["r-display-07"] > byRanker["r-agri-01"]);

        // BM25 needs no model: an empty model folder is no error for it, and it says what it scored by.
        var empty = Path.Combine(Root, "no-model");
        Directory.CreateDirectory(empty);
        var bm25 = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", Path.Combine(Root, "bm25.tsv"), "--score", "bm25", "--model", empty);
        Assert.True(bm25.ExitCode == 0, bm25.Output + bm25.Error);
        Assert.Contains("3 pairs scored by BM25 (no model)", bm25.Output);
        Assert.DoesNotContain("BM25 order", bm25.Output + bm25.Error);
        var byBm25 = Scores(Path.Combine(Root, "bm25.tsv"));
        Assert.True(byBm25["r-display-07"] > byBm25["r-agri-01"]);

        // The absolute score needs a model: one clear error, not a warning beside it.
        var refused = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", Path.Combine(Root, "abs.tsv"), "--model", empty);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--score bm25 needs no model", refused.Error);
        Assert.DoesNotContain("BM25 order", refused.Output + refused.Error);
    }

    [Fact]
    public void Evaluate_OnADataDirectorysRecords_WithAJudgementsFile_PrintsBothRankings()
    {
        ImportDemo();
        var run = CliRunner.Invoke("evaluate", "--data", Data, "--judgements", DemoFile("judgements.tsv"));
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(@"eval judgements ndcg@10 bm25=[01]\.\d{4} model=[01]\.\d{4} recall@100 bm25=[01]\.\d{4} model=[01]\.\d{4}", run.Output);
        Assert.Contains("95% paired bootstrap", run.Output);

        var bad = Path.Combine(Root, "bad.tsv");
        File.WriteAllText(bad, "n-display-01\tr-display-07\tthree\n");
        var refused = CliRunner.Invoke("evaluate", "--data", Data, "--judgements", bad);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("line 1", refused.Output + refused.Error);
    }

    [Fact]
    public void Evaluate_OnABeirFolderWithEmptyTexts_Finishes_AndPrintsItsLine()
    {
        // An empty document, a document with only a title, one without a title field, and an empty query: all of them
        // happen in public sets, and once ended evaluate with an ArgumentNullException in TextFolding.Fold.
        var beir = Path.Combine(Root, "beir-empty");
        Directory.CreateDirectory(Path.Combine(beir, "qrels"));
        File.WriteAllLines(Path.Combine(beir, "corpus.jsonl"),
        [
            """{"_id":"d1","title":"","text":""}""",
            """{"_id":"d2","title":"Graphene membranes","text":"Graphene oxide membranes filter salt from water."}""",
            """{"_id":"d3","title":"Cold chain","text":""}""",
            """{"_id":"d4","text":"Vaccines need cold storage during transport."}""",
        ]);
        File.WriteAllLines(Path.Combine(beir, "queries.jsonl"),
            ["""{"_id":"q1","text":"salt water filtering membranes"}""", """{"_id":"q2","text":""}""", """{"_id":"q3","text":"cold storage of vaccines"}"""]);
        File.WriteAllText(Path.Combine(beir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td2\t1\nq2\td1\t1\nq3\td4\t1\n");
        var run = CliRunner.Invoke("evaluate", "--beir", beir, "--split", "test", "--data", Data);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(@"eval beir-empty-test ndcg@10 bm25=[01]\.\d{4} model=[01]\.\d{4} dense=[01]\.\d{4} recall@100 bm25=[01]\.\d{4} model=[01]\.\d{4}", run.Output);
    }

    [Fact]
    public void Train_FromADataDirectorysJudgements_WritesAModelThatScorePairsServes()
    {
        var import = CliRunner.Invoke("import", "--data", Data, "--organisations", DemoFile("organisations.jsonl"), "--experts", DemoFile("experts.jsonl"),
            "--results", DemoFile("results.jsonl"), "--needs", DemoFile("needs.jsonl"), "--judgements", DemoFile("judgements.tsv"));
        Assert.True(import.ExitCode == 0, import.Output + import.Error);
        var folder = Path.Combine(Root, "model-t1");
        var train = CliRunner.Invoke("train", "--data", Data, "--from-data", "--out", folder, "--version", "t1", "--trees", "20", "--leaves", "4", "--topics", "8");
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("wrote model t1", train.Output);
        foreach (var file in new[] { "model.json", "ranker-zh.zip", "calibration-zh.json", "topics.zip", "model-card.md" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Contains("## Calibration table, zh", File.ReadAllText(Path.Combine(folder, "model-card.md")));

        var pairs = Path.Combine(Root, "pairs.tsv");
        File.WriteAllText(pairs, "n-display-01\tr-display-07\n");
        var scores = Path.Combine(Root, "scores.tsv");
        var run = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", scores, "--model", folder);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("1 pairs scored by model t1", run.Output);
    }
}
