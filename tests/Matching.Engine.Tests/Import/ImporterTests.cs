using System.Text;
using Matching.Engine.Import;
using Matching.Engine.Records;

namespace Matching.Engine.Tests.Import;

public class ImporterTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private FileReport ImportResults(string path, string? encoding = null) =>
        _data.Importer.Import([(path, RecordKind.Result)], encoding).Files.Single();

    [Fact]
    public void Import_StoresGoodRows_AndReportsEachBadRowWithItsReason()
    {
        var big = new string('长', 10 * 1024 * 1024 / 3);
        var lines = new[]
        {
            """{"id":"r1","title":"柔性OLED薄膜封装","abstract":"叠层封装","keywords":["OLED","封装"]}""",
            """{"id":"r2","abstract":"没有标题"}""",
            """{"id":"r3","title":"断了的JSON",""",
            $$"""{"id":"r4","title":"超长摘要","abstract":"{{big}}"}""",
            """{"id":"r5","title":"有效的第二行","maturity":"TRL 6","cooperation":["技术许可","合作开发"]}""",
            """{"id":"r6","title":"成熟度写错","maturity":"差不多了"}""",
            """{"title":"没有id"}""",
            """["not","an","object"]""",
            """{"id":"r7","title":"价格倒挂","price":{"min":100,"max":10}}""",
        };
        var report = ImportResults(_data.File("results.jsonl", string.Join("\n", lines)));

        Assert.Equal(9, report.Rows);
        Assert.Equal(2, report.Accepted);
        Assert.Equal(7, report.Rejected);
        Assert.Equal(["r1", "r5"], _data.Store.ListResults(new() { Sort = "id" }).Items.Select(r => r.Id));
        var byRow = report.Rejections.ToDictionary(r => r.Row);
        Assert.Equal("title", byRow[2].Field);
        Assert.Equal("Import.BrokenJson", byRow[3].Reason.Code);
        Assert.Equal("abstract", byRow[4].Field);
        Assert.Contains("20,000", byRow[4].Reason.Args);
        Assert.Equal("maturity", byRow[6].Field);
        Assert.Equal("id", byRow[7].Field);
        Assert.Equal("该行不是一个 JSON 对象", byRow[8].Reason.Render(Matching.Engine.Messages.Message.Chinese));
        Assert.Equal("price", byRow[9].Field);
        var r5 = _data.Store.GetResult("r5")!;
        Assert.Equal("中试", r5.Maturity);
        Assert.Equal(["许可", "合作开发"], r5.Cooperation);
    }

    [Fact]
    public void Import_RejectsOnlyTheRowWithInvalidUtf8_InAUtf8File()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("""{"id":"u1","title":"智能家电语音交互"}""" + "\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("""{"id":"u2","title":"坏字节"""));
        bytes.AddRange([0xC3, 0x28]); // an invalid two-byte sequence
        bytes.AddRange(Encoding.UTF8.GetBytes("\"}\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("""{"id":"u3","title":"冷链物流温度追溯"}""" + "\n"));
        var report = ImportResults(_data.File("results.jsonl", bytes.ToArray()));

        Assert.Equal("utf-8", report.Encoding);
        Assert.Equal(2, report.Accepted);
        var rejected = Assert.Single(report.Rejections);
        Assert.Equal(2, rejected.Row);
        Assert.Contains("not valid utf-8", rejected.Reason.ToString());
        Assert.Equal("冷链物流温度追溯", _data.Store.GetResult("u3")!.Title);
    }

    [Fact]
    public void Import_ReadsGb18030Files_WithoutABom()
    {
        var gb = Encoding.GetEncoding("GB18030");
        var text = """{"id":"g1","title":"川菜复合调味料风味稳定技术","keywords":["豆瓣","发酵"]}""" + "\r\n" +
                   """{"id":"g2","title":"再生稻高产栽培"}""" + "\r\n";
        var report = ImportResults(_data.File("results.jsonl", gb.GetBytes(text)));

        Assert.Equal("gb18030", report.Encoding);
        Assert.Equal(2, report.Accepted);
        Assert.Equal("川菜复合调味料风味稳定技术", _data.Store.GetResult("g1")!.Title);
        Assert.Equal(["豆瓣", "发酵"], _data.Store.GetResult("g1")!.Keywords);
    }

    [Fact]
    public void Import_ReadsUtf8WithBom_AndHonoursAForcedEncoding()
    {
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"id":"b1","title":"带BOM的文件"}""")).ToArray();
        Assert.Equal(1, ImportResults(_data.File("results.jsonl", withBom)).Accepted);
        Assert.Equal("带BOM的文件", _data.Store.GetResult("b1")!.Title);

        var gb = Encoding.GetEncoding("GB18030").GetBytes("""{"id":"b2","title":"强制编码"}""");
        var forced = ImportResults(_data.File("results2.jsonl", gb), encoding: "gb18030");
        Assert.Equal("gb18030", forced.Encoding);
        Assert.Equal("强制编码", _data.Store.GetResult("b2")!.Title);
    }

    [Fact]
    public void Import_KeepsTheLastRow_ForAnIdRepeatedInOneFile_AndUpdatesOnReimport()
    {
        var path = _data.File("results.jsonl", """
            {"id":"d1","title":"第一版"}
            {"id":"d2","title":"另一个"}
            {"id":"d1","title":"第二版"}
            """);
        var report = ImportResults(path);
        var duplicate = Assert.Single(report.Duplicates);
        Assert.Equal("d1", duplicate.Id);
        Assert.Equal([1, 3], duplicate.Rows);
        Assert.Equal(3, duplicate.Kept);
        Assert.Equal("第二版", _data.Store.GetResult("d1")!.Title);

        var again = ImportResults(_data.File("results-again.jsonl", """{"id":"d1","title":"第三版"}"""));
        Assert.Equal(0, again.Created);
        Assert.Equal(1, again.Updated);
        Assert.Equal(2, _data.Store.Counts()["results"]);
        Assert.Equal("第三版", _data.Store.GetResult("d1")!.Title);
    }

    [Fact]
    public void Import_StoresHtmlAsText()
    {
        ImportResults(_data.File("results.jsonl", """{"id":"x1","title":"<script>alert('x')</script>智能传感"}"""));
        Assert.Equal("<script>alert('x')</script>智能传感", _data.Store.GetResult("x1")!.Title);
    }

    [Fact]
    public void Import_ResolvesOrganisationsByAlias_AndCreatesUnknownOnesWithAWarning()
    {
        _data.Importer.Import([(_data.File("organisations.jsonl", """{"id":"org-scu","name":"四川大学","aliases":["川大"]}"""), RecordKind.Organisation)]);
        var report = ImportResults(_data.File("results.jsonl", """
            {"id":"a1","title":"成果一","organisation":"川大"}
            {"id":"a2","title":"成果二","organisation":"四川大學"}
            {"id":"a3","title":"成果三","organisation":"某某新研究院"}
            """));
        Assert.Equal("org-scu", _data.Store.GetResult("a1")!.Organisation);
        Assert.Equal("org-scu", _data.Store.GetResult("a2")!.Organisation);
        var created = _data.Store.GetResult("a3")!.Organisation!;
        Assert.Equal("某某新研究院", _data.Store.GetOrganisation(created)!.Name);
        Assert.Contains(report.Warnings, w => w.Row == 3 && w.Field == "organisation");
    }

    [Fact]
    public void Import_ValidatesJudgements()
    {
        var report = _data.Importer.Import([(_data.File("judgements.tsv", "need_id\tcandidate_id\tgrade\nn1\tr1\t3\nn1\tr2\t7\nn2\n"), RecordKind.Judgement)]).Files.Single();
        Assert.Equal(1, report.Accepted);
        Assert.Equal(2, report.Rejected);
        Assert.Equal("grade", report.Rejections.Single(r => r.Row == 3).Field);
        Assert.Equal(3, Assert.Single(_data.Store.Judgements()).Grade);
    }

    [Fact]
    public void Import_RefusesAFileOverTheSizeCap_WithAClearMessage()
    {
        var importer = new Importer(_data.Store) { MaxFileBytes = 100 };
        var report = importer.Import([(_data.File("results.jsonl", new string('x', 200)), RecordKind.Result)]).Files.Single();
        Assert.Equal("Import.FileTooLarge", report.Error!.Code);
        Assert.Equal(0, report.Accepted);
    }

    [Fact]
    public void Import_AppendsToTheChangeLog_WithIncreasingSequences()
    {
        ImportResults(_data.File("results.jsonl", """
            {"id":"c1","title":"一"}
            {"id":"c2","title":"二"}
            """));
        var changes = _data.Store.ChangesAfter(0, 100);
        Assert.Equal(["c1", "c2"], changes.Select(c => c.EntityId));
        Assert.True(changes[1].Seq > changes[0].Seq);
    }
}
