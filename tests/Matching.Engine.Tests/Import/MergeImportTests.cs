using Matching.Engine.Import;
using Matching.Engine.Records;

namespace Matching.Engine.Tests.Import;

/// <summary>
/// Re-importing a row merges it onto the stored record (JSON Merge Patch): a field the row leaves out keeps its value,
/// an explicit null clears it; the report names the fields each row changed, and a dry run says so without writing.
/// </summary>
public class MergeImportTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private const string Full = """{"id":"r-merge-01","title":"柔性显示用无色聚酰亚胺薄膜","abstract":"耐黄变、耐弯折的透明聚酰亚胺盖板膜。","keywords":["CPI","盖板"],"experts":["e-merge-01"],"price":{"min":50,"max":120},"maturity":"中试"}""";

    private FileReport Import(string lines, bool dryRun = false) =>
        _data.Importer.Import([(_data.File($"results-{Guid.NewGuid():N}.jsonl", lines), RecordKind.Result)], dryRun: dryRun).Files.Single();

    [Fact]
    public void ARowWithOnlyATitle_ChangesTheTitle_AndKeepsEveryOtherField()
    {
        Import(Full);
        var report = Import("""{"id":"r-merge-01","title":"无色聚酰亚胺薄膜的耐黄变与耐弯折"}""");

        Assert.Equal((1, 0, 1, 0), (report.Accepted, report.Created, report.Updated, report.Rejected));
        var change = Assert.Single(report.Changes);
        Assert.Equal(["title"], change.Fields);
        Assert.False(change.Created);
        var stored = _data.Store.GetResult("r-merge-01")!;
        Assert.Equal("无色聚酰亚胺薄膜的耐黄变与耐弯折", stored.Title);
        Assert.Equal("耐黄变、耐弯折的透明聚酰亚胺盖板膜。", stored.Abstract);
        Assert.Equal(["CPI", "盖板"], stored.Keywords);
        Assert.Equal(["e-merge-01"], stored.Experts);
        Assert.Equal(new MoneyRange(50, 120), stored.Price);
        Assert.Equal("中试", stored.Maturity);
    }

    [Fact]
    public void AnExplicitNull_ClearsTheField_AndARowNeedsNoTitleWhenTheRecordExists()
    {
        Import(Full);
        var report = Import("""{"id":"r-merge-01","price":null,"keywords":null,"price2":1}""");

        Assert.Equal(0, report.Rejected);
        Assert.Equal(["keywords", "price"], Assert.Single(report.Changes).Fields);
        var stored = _data.Store.GetResult("r-merge-01")!;
        Assert.Null(stored.Price);
        Assert.Empty(stored.Keywords);
        Assert.Equal("柔性显示用无色聚酰亚胺薄膜", stored.Title);
        Assert.Equal("耐黄变、耐弯折的透明聚酰亚胺盖板膜。", stored.Abstract);

        // A new record still needs its title, and a merge cannot clear a required field.
        var rejected = Import("""
            {"id":"r-merge-02","abstract":"没有标题的新成果"}
            {"id":"r-merge-01","title":null}
            """);
        Assert.Equal(2, rejected.Rejected);
        Assert.All(rejected.Rejections, r => Assert.Equal("title", r.Field));
        Assert.Equal("柔性显示用无色聚酰亚胺薄膜", _data.Store.GetResult("r-merge-01")!.Title);
    }

    [Fact]
    public void ObjectsMergeMemberByMember_AndAnIdenticalRowIsReportedUnchanged()
    {
        Import(Full);
        var report = Import("""
            {"id":"r-merge-01","price":{"max":200}}
            {"id":"r-merge-01","maturity":"中试"}
            """);

        Assert.Equal(new MoneyRange(50, 200), _data.Store.GetResult("r-merge-01")!.Price);
        // The second row merges onto what the first made of the record, and changes nothing.
        Assert.Equal(["price"], report.Changes[0].Fields);
        Assert.Empty(report.Changes[1].Fields);
        Assert.Equal((1, 1), (report.Updated, report.Unchanged));
    }

    [Fact]
    public void ADryRun_ReportsWhatWouldChange_AndWritesNothing()
    {
        Import(Full);
        var seq = _data.Store.LastSeq();
        var report = Import("""
            {"id":"r-merge-01","abstract":null,"title":"新标题"}
            {"id":"r-merge-03","title":"一个新成果"}
            {"id":"r-merge-04"}
            """, dryRun: true);

        Assert.True(report.DryRun);
        Assert.Equal((2, 1, 1, 1), (report.Accepted, report.Created, report.Updated, report.Rejected));
        Assert.Equal(["title", "abstract"], report.Changes[0].Fields);
        Assert.True(report.Changes[1].Created);
        Assert.Equal(seq, _data.Store.LastSeq());
        Assert.Equal("耐黄变、耐弯折的透明聚酰亚胺盖板膜。", _data.Store.GetResult("r-merge-01")!.Abstract);
        Assert.Null(_data.Store.GetResult("r-merge-03"));
    }

    [Theory]
    // The examples of RFC 7396, appendix A.
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", "{}")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("[1,2]", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("{}", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void AMergePatch_FollowsRfc7396(string target, string patch, string expected)
    {
        var merged = Interchange.MergePatch(System.Text.Json.Nodes.JsonNode.Parse(target), System.Text.Json.JsonDocument.Parse(patch).RootElement);
        Assert.Equal(expected, merged?.ToJsonString() ?? "null");
    }
}

/// <summary>A file's kind from its name, or from its rows when the name does not say.</summary>
public class ImportKindTests
{
    [Theory]
    [InlineData("results.jsonl", RecordKind.Result)]
    [InlineData("bad_results.jsonl", RecordKind.Result)]
    [InlineData("2026-needs.jsonl", RecordKind.Need)]
    [InlineData("judgements.tsv", RecordKind.Judgement)]
    public void TheNameTells(string name, RecordKind kind) => Assert.Equal(kind, Importer.KindOf(name));

    [Theory]
    [InlineData("""{"id":"n1","title":"冷链温控","description":"需要全程温度追溯"}""", RecordKind.Need)]
    [InlineData("""{"id":"r1","title":"低温等离子体杀菌","abstract":"果蔬表面杀菌"}""", RecordKind.Result)]
    [InlineData("""{"id":"e1","name":"周敏杰","areas":["柔性显示"]}""", RecordKind.Expert)]
    [InlineData("""{"id":"org-x","name":"某大学","kind":"university"}""", RecordKind.Organisation)]
    [InlineData("n1\tr1\t2", RecordKind.Judgement)]
    public void WhenTheNameDoesNot_TheRowsTell(string row, RecordKind kind)
    {
        Assert.Null(Importer.KindOf("upload.jsonl"));
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(row + "\n" + row + "\n"));
        Assert.Equal(kind, Importer.Sniff(stream));
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public void RowsThatTellNothing_LeaveItUnknown()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("hello\n[1,2]\n{\"id\":\"x\",\"title\":\"只有标题\"}\n"));
        Assert.Null(Importer.Sniff(stream));
    }
}
