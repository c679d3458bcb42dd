using System.Text;
using CsvHelper;

namespace Matching.Jobs.Tests.Cli;

public class EventVerbsTests() : CliScratch("matching-events-")
{
    [Fact]
    public void TheDemoEvent_Solves_Exports_AndItsFilledInSheetComesBackAsJudgementsThatTrainCounts()
    {
        var import = CliRunner.Invoke("import", "--data", Data, "--organisations", DemoFile("organisations.jsonl"), "--experts", DemoFile("experts.jsonl"),
            "--results", DemoFile("results.jsonl"), "--needs", DemoFile("needs.jsonl"), "--judgements", DemoFile("judgements.tsv"));
        Assert.True(import.ExitCode == 0, import.Output + import.Error);

        var solve = CliRunner.Invoke("solve-event", "--data", Data, "--event", "demo-display-2026");
        Assert.True(solve.ExitCode == 0, solve.Output + solve.Error);
        var summary = System.Text.RegularExpressions.Regex.Match(solve.Output, @"(\d+) meetings, (\d+) of (\d+) enterprises covered");
        Assert.True(summary.Success, solve.Output);
        Assert.Equal(summary.Groups[2].Value, summary.Groups[3].Value);

        var folder = Path.Combine(Root, "export");
        var export = CliRunner.Invoke("export", "--data", Data, "--event", "demo-display-2026", "--out", folder);
        Assert.True(export.ExitCode == 0, export.Output + export.Error);
        var csvFile = Path.Combine(folder, "demo-display-2026-meetings.csv");
        var bytes = File.ReadAllBytes(csvFile);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = ReadCsv(bytes);
        Assert.Equal(int.Parse(summary.Groups[1].Value) + 1, rows.Count);
        Assert.Contains("企业", rows[0]);
        Assert.Contains(rows.Skip(1), r => r[4].Contains("有限公司"));
        var calendars = Directory.GetFiles(Path.Combine(folder, "demo-display-2026-calendars"), "*.ics");
        Assert.NotEmpty(calendars);
        foreach (var file in calendars)
        {
            var calendar = Ical.Net.Calendar.Load(File.ReadAllText(file))!;
            Assert.NotEmpty(calendar.Events);
            Assert.All(calendar.Events, e => Assert.Equal("Asia/Shanghai", e.DtStart!.TzId));
        }
        Assert.Contains("size: A4", File.ReadAllText(Path.Combine(folder, "demo-display-2026-agendas.html")));

        // The organiser fills in the exported sheet: the first meeting signed, the second a no-show, one row mistyped.
        var header = rows[0];
        int Col(string name) => Array.IndexOf(header, name);
        rows[1][Col("到场")] = "是";
        rows[1][Col("进展")] = "签约";
        rows[1][Col("金额")] = "800000";
        rows[2][Col("到场")] = "否";
        rows[2][Col("原因")] = "企业临时有事";
        rows[3][Col("到场")] = "maybe";
        var filled = Path.Combine(Root, "filled.csv");
        File.WriteAllText(filled, string.Join("\r\n", rows.Select(r => string.Join(",", r.Select(c => "\"" + c.Replace("\"", "\"\"") + "\"")))), new UTF8Encoding(true));
        var outcomes = CliRunner.Invoke("outcomes", "--data", Data, "--event", "demo-display-2026", "--file", filled);
        Assert.True(outcomes.ExitCode == 0, outcomes.Output + outcomes.Error);
        Assert.Contains("2 recorded, 1 judgement(s) written, 1 rejected", outcomes.Output);
        Assert.Contains("line 4", outcomes.Error);

        var train = CliRunner.Invoke("train", "--data", Data, "--from-data", "--out", Path.Combine(Root, "model"), "--version", "t1", "--trees", "10", "--leaves", "4", "--topics", "4");
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("event:demo-display-2026 1", train.Output);
    }

    private static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes), CsvReaderOptions.Default with { Encoding = Encoding.UTF8 }, leaveOpen: false);
        var rows = new List<string[]> { reader.Headers.ToArray() };
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        return rows;
    }
}
