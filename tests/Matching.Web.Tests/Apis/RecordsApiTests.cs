using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Apis;

[Collection(WebCollection.Name)]
public class RecordsApiTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.AdminClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The index catches up from the change log about once a second; wait for it, boundedly.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var value = await probe();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await probe();
        }
        return value;
    }

    [Fact]
    public async Task NeedMatches_ReturnTenOrMoreCandidates_WithSnippets()
    {
        // minScore=0: all k, the weak ones under the match floor too.
        var body = await Json(await _client.GetAsync("/api/v1/needs/n-display-01/matches?minScore=0"));
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.True(results.Count >= 10, $"{results.Count} results");
        Assert.All(results.Take(10), r =>
        {
            var snippets = r.GetProperty("snippets").EnumerateArray().ToList();
            Assert.Contains(snippets, s => s.GetProperty("spans").EnumerateArray().Any(x => x.GetProperty("hit").GetBoolean()));
            Assert.Contains(snippets, s => s.GetProperty("html").GetString()!.Contains("<mark>"));
        });
        Assert.NotEmpty(body.GetProperty("experts").EnumerateArray());
        // Re-ranked by the shipped model, with calibrated scores in 0–1, best first.
        Assert.Equal(ShippedModel.Version, results[0].GetProperty("model").GetString());
        var scores = results.Select(r => r.GetProperty("score").GetDouble()).ToList();
        Assert.All(scores, x => Assert.InRange(x, 0, 1));
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Contains(body.GetProperty("experts").EnumerateArray(), e => e.TryGetProperty("bestResult", out var b) && b.ValueKind == JsonValueKind.Object);
    }

    [Fact]
    public async Task NeedMatches_StopAtTheModelsMatchFloor_AndCountWhatIsUnderIt()
    {
        var floor = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(ShippedModel.Folder, "model.json"))).RootElement.GetProperty("matchFloor").GetDouble();
        var strong = await Json(await _client.GetAsync("/api/v1/needs/n-display-01/matches?k=20"));
        var all = await Json(await _client.GetAsync("/api/v1/needs/n-display-01/matches?k=20&minScore=0"));
        Assert.Equal(floor, strong.GetProperty("floor").GetDouble());
        foreach (var kind in new[] { "results", "experts" })
        {
            var shown = strong.GetProperty(kind).EnumerateArray().Select(r => r.GetProperty("score").GetDouble()).ToList();
            Assert.All(shown, score => Assert.True(score >= floor, $"{kind}: {score} under the floor {floor}"));
            var under = strong.GetProperty(kind == "results" ? "resultsUnderFloor" : "expertsUnderFloor").GetInt32();
            Assert.Equal(all.GetProperty(kind).GetArrayLength(), shown.Count + under);
            Assert.Equal(all.GetProperty(kind).EnumerateArray().Count(r => r.GetProperty("score").GetDouble() < floor), under);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/api/v1/needs/n-display-01/matches?minScore=2")).StatusCode);
    }

    [Fact]
    public async Task AnyPair_IsScoredAndExplained()
    {
        var body = await Json(await _client.GetAsync("/api/v1/needs/n-display-01/explain/r-display-07"));
        Assert.Equal("result", body.GetProperty("kind").GetString());
        Assert.InRange(body.GetProperty("score").GetDouble(), 0, 1);
        var reasons = body.GetProperty("reasons").EnumerateArray().ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("zh").GetString())));
        Assert.NotEmpty(body.GetProperty("matchedTerms").EnumerateArray());

        var expert = await Json(await _client.GetAsync("/api/v1/needs/n-display-01/explain/e-display-04"));
        Assert.Equal("expert", expert.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Object, expert.GetProperty("closestResult").ValueKind);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/needs/n-display-01/explain/nothing")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/needs/nothing/explain/r-display-07")).StatusCode);
    }

    [Fact]
    public async Task ResultMatches_ListNeeds()
    {
        var body = await Json(await _client.GetAsync("/api/v1/results/r-display-07/matches?k=5"));
        var needs = body.GetProperty("needs").EnumerateArray().ToList();
        Assert.InRange(needs.Count, 1, 5);
        Assert.Contains(needs, n => n.GetProperty("id").GetString() == "n-display-01");
    }

    [Fact]
    public async Task ExpertMatches_ListNeedsThatFitTheirResults()
    {
        var body = await Json(await _client.GetAsync("/api/v1/experts/e-display-04/matches?k=5"));
        Assert.Equal("e-display-04", body.GetProperty("expert").GetProperty("id").GetString());
        var needs = body.GetProperty("needs").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToList();
        Assert.InRange(needs.Count, 1, 5);
        Assert.Contains("n-display-01", needs);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/experts/nobody/matches")).StatusCode);
    }

    [Fact]
    public async Task Lists_PageFilterAndSort()
    {
        var page1 = await Json(await _client.GetAsync("/api/v1/results?industry=" + Uri.EscapeDataString("新型显示") + "&pageSize=5&sort=title"));
        var items = page1.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.True(page1.GetProperty("total").GetInt64() > 5);
        Assert.All(items, i => Assert.Contains("新型显示", i.GetProperty("industries").EnumerateArray().Select(x => x.GetString())));
        var titles = items.Select(i => i.GetProperty("title").GetString()!).ToList();
        Assert.Equal(titles.Order(StringComparer.Ordinal), titles);
        var page2 = await Json(await _client.GetAsync("/api/v1/results?industry=" + Uri.EscapeDataString("新型显示") + "&pageSize=5&sort=title&page=2"));
        Assert.DoesNotContain(page2.GetProperty("items")[0].GetProperty("id").GetString(), items.Select(i => i.GetProperty("id").GetString()));

        var bad = await _client.GetAsync("/api/v1/results?sort=drop%20table");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var byRegion = await Json(await _client.GetAsync("/api/v1/results?region=" + Uri.EscapeDataString("雅安")));
        Assert.All(byRegion.GetProperty("items").EnumerateArray(), i => Assert.Equal("org-sicau", i.GetProperty("organisation").GetString()));
        var byMode = await Json(await _client.GetAsync("/api/v1/needs?cooperation=" + Uri.EscapeDataString("作价入股")));
        Assert.All(byMode.GetProperty("items").EnumerateArray(), i => Assert.Contains("作价入股", i.GetProperty("cooperation").EnumerateArray().Select(x => x.GetString())));
    }

    [Fact]
    public async Task Search_FindsByText()
    {
        var body = await Json(await _client.GetAsync("/api/v1/results?q=" + Uri.EscapeDataString("薄膜封装")));
        Assert.Equal("r-display-07", body.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Needs_CreateUpdateWithdraw_AndMatchingFollows()
    {
        var need = new
        {
            id = "n-test-crud", title = "火锅底料牛油凝固点调控", description = "需要降低牛油火锅底料在冬季的凝固点，改善溶化速度",
            keywords = new[] { "火锅底料", "牛油" }, organisation = "ent-agri-02", industries = new[] { "绿色食品" }, maturity = "中试",
        };
        var created = await _client.PostAsJsonAsync("/api/v1/needs", need);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsJsonAsync("/api/v1/needs", need)).StatusCode);

        var updated = await _client.PutAsJsonAsync("/api/v1/needs/n-test-crud", need with { });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var got = await Json(await _client.GetAsync("/api/v1/needs/n-test-crud"));
        Assert.Equal("中试", got.GetProperty("maturity").GetString());

        // The index follows the database: the new need shows up for a result about beef tallow hot pot.
        var found = await Eventually(async () => await Json(await _client.GetAsync("/api/v1/needs?q=" + Uri.EscapeDataString("牛油火锅底料凝固点"))),
            b => b.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == "n-test-crud"));
        Assert.Contains(found.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == "n-test-crud");

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/v1/needs/n-test-crud")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync("/api/v1/needs/no-such-need")).StatusCode);
        var gone = await Eventually(async () => await Json(await _client.GetAsync("/api/v1/needs?q=" + Uri.EscapeDataString("牛油火锅底料凝固点"))),
            b => b.GetProperty("items").EnumerateArray().All(i => i.GetProperty("id").GetString() != "n-test-crud"));
        Assert.DoesNotContain(gone.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == "n-test-crud");
        Assert.Equal("withdrawn", (await Json(await _client.GetAsync("/api/v1/needs/n-test-crud"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_RejectsBadBodies_WithTheFieldAndTheReason()
    {
        var noTitle = await _client.PostAsJsonAsync("/api/v1/results", new { id = "r-bad-1", @abstract = "没有标题" });
        Assert.Equal(HttpStatusCode.BadRequest, noTitle.StatusCode);
        Assert.True(JsonDocument.Parse(await noTitle.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("title", out _));

        var unknownOrg = await _client.PostAsJsonAsync("/api/v1/results", new { id = "r-bad-2", title = "有标题", organisation = "不存在的大学" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownOrg.StatusCode);
        Assert.Contains("not known", await unknownOrg.Content.ReadAsStringAsync());

        var badId = await _client.PutAsJsonAsync("/api/v1/results/a%20b", new { title = "有标题" });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);

        // Declared length and "Expect: 100-continue": the server refuses on the length, before the client sends the body
        // (otherwise the client may still be writing when the refusal closes the connection).
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { id = "r-bad-3", title = "大", @abstract = new string('长', 600_000) }), System.Text.Encoding.UTF8, "application/json"),
        };
        oversized.Headers.ExpectContinue = true;
        var tooBig = await _client.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        var overCap = await _client.PostAsJsonAsync("/api/v1/results", new { id = "r-bad-3", title = "大", @abstract = new string('长', 30_000) });
        Assert.Equal(HttpStatusCode.BadRequest, overCap.StatusCode);
        Assert.Contains("20,000", await overCap.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/results/r-bad-3")).StatusCode);
    }

    [Fact]
    public async Task NonPublicNeeds_ShowOnlyPublicFieldsToOtherEnterprises_AndAreWholeForTheirOwnAndOrganisers()
    {
        using var other = factory.ClientWithKey(Engine.Accounts.Roles.Enterprise, "org-no-such-enterprise");
        var list = await Json(await other.GetAsync("/api/v1/needs?pageSize=200&status=all"));
        var summary = list.GetProperty("items").EnumerateArray().First(n => n.GetProperty("visibility").GetString() == "summary");
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("budget").ValueKind);
        Assert.False(string.IsNullOrEmpty(summary.GetProperty("title").GetString()));
        // Organisers-only needs are not listed for them, and asking by id answers as if there were none.
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), n => n.GetProperty("visibility").GetString() == "organisers");
        var all = await Json(await _client.GetAsync("/api/v1/needs?pageSize=200&status=all"));
        var secret = all.GetProperty("items").EnumerateArray().First(n => n.GetProperty("visibility").GetString() == "organisers");
        Assert.False(string.IsNullOrEmpty(secret.GetProperty("description").GetString()));
        var id = secret.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/needs/{id}")).StatusCode);
        using var owner = factory.ClientWithKey(Engine.Accounts.Roles.Enterprise, secret.GetProperty("organisation").GetString());
        Assert.False(string.IsNullOrEmpty((await Json(await owner.GetAsync($"/api/v1/needs/{id}"))).GetProperty("description").GetString()));
    }

    [Fact]
    public async Task NeedsPastTheirDeadline_AreClosed_AndLeaveMatching()
    {
        var closed = await Json(await _client.GetAsync("/api/v1/needs?status=closed&pageSize=50"));
        var ids = closed.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToList();
        Assert.Contains("n-display-05", ids);
        Assert.All(closed.GetProperty("items").EnumerateArray(), n => Assert.True(DateOnly.Parse(n.GetProperty("deadline").GetString()!) < DateOnly.FromDateTime(DateTime.Today)));
        var matches = await Json(await _client.GetAsync("/api/v1/results/r-display-26/matches?k=200"));
        Assert.DoesNotContain(matches.GetProperty("needs").EnumerateArray(), n => ids.Contains(n.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task HealthAndOpenApi_Answer()
    {
        Assert.Equal("Healthy", await _client.GetStringAsync("/health"));
        var openApi = await _client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/v1/needs", "/api/v1/results", "/api/v1/experts", "/api/v1/organisations", "/api/v1/needs/{id}/matches", "/api/v1/imports", "/api/v1/jobs/{id}" })
            Assert.Contains($"\"{path}\"", openApi);
    }
}
