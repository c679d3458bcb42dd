using System.Text;
using Matching.Engine.Diagnostics;
using Matching.Engine.Demo;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Text;

namespace Matching.Jobs.Tests.Cli;

public class ImportAndSearchTests() : CliScratch("matching-cli-")
{
    [Fact]
    public void ImportThenSearch_FindsRecords_InSimplifiedTraditionalAndFullWidthForms()
    {
        var import = CliRunner.Invoke("import", "--data", Data, "--results", DemoFile("results.jsonl"), "--needs", DemoFile("needs.jsonl"));
        Assert.True(import.ExitCode == 0, import.Output + import.Error);
        Assert.Contains("results.jsonl: 130 rows, 130 accepted", import.Output);
        Assert.Matches(@"index: up to date at change-log sequence \d+", import.Output);

        var simplified = CliRunner.Invoke("search", "--data", Data, "--kind", "results", "新型显示");
        Assert.Equal(0, simplified.ExitCode);
        Assert.Contains("r-display-", simplified.Output);
        Assert.Contains("【显示】", simplified.Output);

        var traditional = CliRunner.Invoke("search", "--data", Data, "--kind", "results", "新型顯示");
        Assert.Equal(FirstIds(simplified.Output), FirstIds(traditional.Output));

        var halfWidth = CliRunner.Invoke("search", "--data", Data, "--kind", "results", "OLED");
        var fullWidth = CliRunner.Invoke("search", "--data", Data, "--kind", "results", "ＯＬＥＤ");
        Assert.Contains("r-display-", fullWidth.Output);
        Assert.Equal(FirstIds(halfWidth.Output), FirstIds(fullWidth.Output));
    }

    [Fact]
    public void Import_ReportsRejectedRows_WithRowNumbersAndReasons_AndExitsOne()
    {
        var file = Path.Combine(Root, "needs.jsonl");
        File.WriteAllText(file, """
            {"id":"n1","title":"冷库能耗优化","description":"需要降低冷库能耗"}
            {"id":"n2","description":"没有标题"}
            {"id":"n3","title":"<script>alert(1)</script>","visibility":"secret"}
            """, new UTF8Encoding(false));
        var run = CliRunner.Invoke("import", "--data", Data, file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("3 rows, 1 accepted", run.Output);
        Assert.Contains("row 2", run.Output);
        Assert.Contains("[title]", run.Output);
        Assert.Contains("row 3", run.Output);
        Assert.Contains("[visibility]", run.Output);
    }

    [Fact]
    public void ACrashAfterTheDatabaseCommit_AndBeforeTheIndexCommit_LeavesAnIndexThatCatchesUpOnTheNextStart()
    {
        var crashed = CliRunner.Invoke(new Dictionary<string, string> { [FaultInjection.Variable] = FaultInjection.BeforeIndexCommit },
            "import", "--data", Data, "--results", DemoFile("results.jsonl"));
        Assert.NotEqual(0, crashed.ExitCode);
        Assert.Contains("fault injected at before-index-commit", crashed.Output + crashed.Error);

        var database = new MatchingDatabase(Path.Combine(Data, "matching.db"));
        var store = new RecordStore(database);
        Assert.Equal(130, store.Counts()["results"]);

        // The next start: the writer lock the dead process held is free, CheckIndex passes, and the log is replayed.
        using var indexes = IndexSet.OpenWriters(Path.Combine(Data, "index"), new MatchingAnalyzer());
        Assert.True(indexes.AppliedSeq < store.LastSeq());
        new IndexMaintainer(store, indexes).CatchUp();
        Assert.Equal(store.LastSeq(), indexes.AppliedSeq);
        Assert.Equal(130, indexes[RecordKind.Result].Count());
    }

    [Fact]
    public void Import_SaysWhoHoldsTheIndex_AndKeepsTheRecords_WhenAServerOwnsTheWriter()
    {
        Directory.CreateDirectory(Path.Combine(Data, "index"));
        using (var server = IndexSet.OpenWriters(Path.Combine(Data, "index"), new MatchingAnalyzer()))
        {
            var run = CliRunner.Invoke("import", "--data", Data, "--results", DemoFile("results.jsonl"));
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("is held by", run.Output);
            Assert.Contains($"pid {Environment.ProcessId}", run.Output);
            Assert.Contains("will be indexed", run.Output);
            var store = new RecordStore(new MatchingDatabase(Path.Combine(Data, "matching.db")));
            Assert.Equal(130, store.Counts()["results"]);

            // The owner indexes them from the change log.
            new IndexMaintainer(store, server).CatchUp();
            Assert.Equal(130, server[RecordKind.Result].Count());
        }
    }

    private static List<string> FirstIds(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 3 && char.IsDigit(l[0]))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Take(5).ToList();
}
