using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Apis;

/// <summary>
/// PATCH is a JSON Merge Patch of a record (what it leaves out keeps its value, null clears); PUT still replaces; an
/// import through the API merges its rows the same way and, as a dry run, reports the changed fields without writing.
/// </summary>
[Collection(WebCollection.Name)]
public class MergePatchTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.AdminClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task<HttpResponseMessage> Patch(string path, string json) =>
        _client.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));

    [Fact]
    public async Task PatchChangesOnlyTheFieldsItNames_PutReplacesTheWholeRecord()
    {
        Assert.Equal(HttpStatusCode.Created, (await _client.PutAsJsonAsync("/api/v1/results/r-patch-01", new
        {
            id = "r-patch-01", title = "低温等离子体杀菌保鲜", @abstract = "冷链果蔬表面低温等离子体杀菌。", keywords = new[] { "等离子体", "保鲜" },
            price = new { min = 30, max = 60 },
        })).StatusCode);

        var patched = await Json(await Patch("/api/v1/results/r-patch-01", """{"title":"冷链果蔬低温等离子体杀菌保鲜","price":null}"""));
        Assert.Equal("冷链果蔬低温等离子体杀菌保鲜", patched.GetProperty("title").GetString());
        Assert.Equal("冷链果蔬表面低温等离子体杀菌。", patched.GetProperty("abstract").GetString());
        Assert.Equal(2, patched.GetProperty("keywords").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("price").ValueKind);

        Assert.Equal(HttpStatusCode.NotFound, (await Patch("/api/v1/results/r-patch-missing", """{"title":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Patch("/api/v1/results/r-patch-01", """{"title":null}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Patch("/api/v1/results/r-patch-01", """{"id":"r-other"}""")).StatusCode);

        // PUT means replace: what it leaves out is gone.
        var put = await Json(await _client.PutAsJsonAsync("/api/v1/results/r-patch-01", new { title = "只剩标题" }));
        Assert.Equal(JsonValueKind.Null, put.GetProperty("abstract").ValueKind);
    }

    [Fact]
    public async Task AnImportedRow_MergesOntoTheRecord_AndADryRunListsTheChangedFieldsWithoutWriting()
    {
        await _client.PutAsJsonAsync("/api/v1/results/r-patch-02", new
        {
            title = "聚酰亚胺薄膜耐弯折", @abstract = "折叠屏盖板用透明聚酰亚胺。", keywords = new[] { "CPI" }, price = new { min = 10, max = 20 },
        });
        var row = """{"id":"r-patch-02","title":"无色聚酰亚胺薄膜耐黄变与耐弯折"}""";

        var dry = await ImportReport(row, dryRun: true);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, dry.GetProperty("updated").GetInt32());
        var change = dry.GetProperty("changes")[0];
        Assert.Equal("r-patch-02", change.GetProperty("id").GetString());
        Assert.Equal(["title"], change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("聚酰亚胺薄膜耐弯折", (await Json(await _client.GetAsync("/api/v1/results/r-patch-02"))).GetProperty("title").GetString());

        var real = await ImportReport(row, dryRun: false);
        Assert.False(real.GetProperty("dryRun").GetBoolean());
        var stored = await Json(await _client.GetAsync("/api/v1/results/r-patch-02"));
        Assert.Equal("无色聚酰亚胺薄膜耐黄变与耐弯折", stored.GetProperty("title").GetString());
        Assert.Equal("折叠屏盖板用透明聚酰亚胺。", stored.GetProperty("abstract").GetString());
        Assert.Equal(20, stored.GetProperty("price").GetProperty("max").GetDecimal());
    }

    private async Task<JsonElement> ImportReport(string lines, bool dryRun)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(lines)), "file", "results.jsonl" },
            { new StringContent(dryRun ? "true" : "false"), "dryRun" },
        };
        var id = (await Json(await _client.PostAsync("/api/v1/imports", form))).GetProperty("id").GetString();
        JsonElement run = default;
        Assert.True(await Poll.Until(async () =>
        {
            run = await Json(await _client.GetAsync($"/api/v1/imports/{id}"));
            return run.GetProperty("status").GetString() is "succeeded" or "failed";
        }, TimeSpan.FromSeconds(60)), "the import finished");
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        return run.GetProperty("report").GetProperty("files")[0];
    }
}
