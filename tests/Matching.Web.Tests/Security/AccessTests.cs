using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Security;

/// <summary>
/// Who may reach what: anonymous callers only the public routes (enumerated from the app's endpoints, so a new route
/// cannot be forgotten), organisations only their own records, other enterprises only a summary need's public fields.
/// </summary>
[Collection(WebCollection.Name)]
public class AccessTests(MatchingWebFactory factory)
{
    /// <summary>The routes anyone may open: the public pages, sign-in, health, the API's description.</summary>
    private static readonly string[] Public =
        ["/", "/Index", "/culture", "/needs/{id}", "/results/{id}", "/experts/{id}", "/account/login", "/health", "/openapi/{documentName}.json", "/developers"];

    [Fact]
    public async Task EveryRouteButThePublicOnes_RefusesAnonymousCallers()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} endpoints found");
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().Order().ToList();
        // A route opened to everyone is a decision made here, not an accident.
        Assert.Equal(Public.Order(), anonymous);

        using var client = factory.CookieClient();
        var checkedRoutes = 0;
        foreach (var endpoint in endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var path = Fill(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                var response = await WithinTheAllowance(client, method, path);
                var refused = response.StatusCode == HttpStatusCode.Unauthorized
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/account/login"));
                Assert.True(refused, $"{method} {path} ({endpoint.DisplayName}) answered {(int)response.StatusCode} to an anonymous caller");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes > 50, $"only {checkedRoutes} route and method pairs checked");
    }

    [Fact]
    public async Task AWrongOrRevokedKey_IsRefused_NotTreatedAsAnonymous()
    {
        using var wrong = factory.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "mk_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/needs")).StatusCode);

        var keys = factory.Services.GetRequiredService<ApiKeys>();
        var (key, secret) = keys.Issue("to revoke", Roles.Admin, null, "tests");
        using var revoked = factory.CreateClient();
        revoked.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await revoked.GetAsync("/api/v1/events")).StatusCode);
        Assert.True(keys.Revoke(key.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/v1/events")).StatusCode);
    }

    [Fact]
    public async Task AnotherOrganisationsRecord_IsRefused_ThroughTheApiAndImports()
    {
        using var admin = factory.AdminClient();
        var result = await Json(await admin.GetAsync("/api/v1/results/r-display-07"));
        var owner = result.GetProperty("organisation").GetString()!;
        var other = (await Json(await admin.GetAsync("/api/v1/organisations?kind=university&pageSize=50"))).GetProperty("items").EnumerateArray()
            .Select(o => o.GetProperty("id").GetString()!).First(id => id != owner);
        using var stranger = factory.ClientWithKey(Roles.University, other);

        var put = await stranger.PutAsJsonAsync("/api/v1/results/r-display-07", new { title = "改了别人的成果" });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.DeleteAsync("/api/v1/results/r-display-07")).StatusCode);
        var posted = await stranger.PostAsJsonAsync("/api/v1/results", new { id = "r-stranger-01", title = "冒名成果", organisation = owner });
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        // Their own record, without naming an organisation, is theirs.
        var own = await stranger.PostAsJsonAsync("/api/v1/results", new { id = "r-stranger-02", title = "自己的成果" });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(other, (await Json(own)).GetProperty("organisation").GetString());
        // Nor does a result of theirs name another organisation's expert (it would show on that expert's profile).
        var foreignExpert = result.GetProperty("experts")[0].GetString()!;
        Assert.Equal(owner, (await Json(await admin.GetAsync($"/api/v1/experts/{foreignExpert}"))).GetProperty("organisation").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync("/api/v1/results", new { id = "r-stranger-06", title = "借用别人的专家", experts = new[] { foreignExpert } })).StatusCode);
        // An enterprise does not publish results, a university does not post needs.
        using var enterprise = factory.ClientWithKey(Roles.Enterprise, "org-stranger-enterprise");
        Assert.Equal(HttpStatusCode.Forbidden, (await enterprise.PostAsJsonAsync("/api/v1/results", new { id = "r-stranger-03", title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync("/api/v1/needs", new { id = "n-stranger-01", title = "x" })).StatusCode);
        Assert.NotEqual("改了别人的成果", (await Json(await admin.GetAsync("/api/v1/results/r-display-07"))).GetProperty("title").GetString());

        // In a file, the other organisation's row is rejected with its reason and the stranger's own row goes in.
        var lines = """
            {"id":"r-display-07","title":"导入覆盖别人的成果"}
            {"id":"r-stranger-04","title":"导入的自己的成果","organisation":"__OWNER__"}
            {"id":"r-stranger-05","title":"导入的自己的成果二"}
            {"id":"r-stranger-07","title":"导入时借用别人的专家","experts":["__EXPERT__"]}
            """.Replace("__OWNER__", owner).Replace("__EXPERT__", foreignExpert);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(lines)), "file", "results.jsonl" } };
        var accepted = await Json(await stranger.PostAsync("/api/v1/imports", form));
        var importId = accepted.GetProperty("id").GetString();
        JsonElement run = default;
        Assert.True(await Matching.Tests.Shared.Poll.Until(async () =>
        {
            run = await Json(await stranger.GetAsync($"/api/v1/imports/{importId}"));
            return run.GetProperty("status").GetString() is "succeeded" or "failed";
        }, TimeSpan.FromSeconds(60)), "the import finished");
        var file = run.GetProperty("report").GetProperty("files")[0];
        Assert.Equal(1, file.GetProperty("accepted").GetInt32());
        // Each reason comes as its code, its arguments and its text in the caller's language (Chinese by default).
        var reasons = file.GetProperty("rejections").EnumerateArray().Select(r => r.GetProperty("reason")).ToList();
        Assert.Equal(3, reasons.Count);
        string Code(JsonElement r) => r.GetProperty("code").GetString()!;
        Assert.Contains(reasons, r => Code(r) == "Import.NotYourRecord" && r.GetProperty("text").GetString()!.Contains("属于其他机构"));
        Assert.Contains(reasons, r => Code(r) == "Import.ForeignExperts" && r.GetProperty("args")[0].GetString()!.Contains(foreignExpert));
        Assert.Contains(reasons, r => Code(r) == "Import.NotYourOrganisation");
        Assert.Equal("r-display-07", (await Json(await admin.GetAsync("/api/v1/results/r-display-07"))).GetProperty("id").GetString());
        Assert.NotEqual("导入覆盖别人的成果", (await Json(await admin.GetAsync("/api/v1/results/r-display-07"))).GetProperty("title").GetString());
        // And nobody else reads that import's report.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientWithKey(Roles.University, owner).GetAsync($"/api/v1/imports/{importId}")).StatusCode);
    }

    [Fact]
    public async Task ASummaryOnlyNeed_NeverShowsItsDescriptionToOtherEnterprises()
    {
        using var admin = factory.AdminClient();
        var need = await Json(await admin.GetAsync("/api/v1/needs/n-display-02"));
        Assert.Equal("summary", need.GetProperty("visibility").GetString());
        var description = need.GetProperty("description").GetString()!;
        const string hidden = "荧光蓝光材料";
        Assert.Contains(hidden, description);
        Assert.Contains("客户投诉", description);
        var owner = need.GetProperty("organisation").GetString()!;

        // The API: by id, in lists, in text search (a word of the description finds it only for those who may read it).
        using var other = factory.ClientWithKey(Roles.Enterprise, "org-another-enterprise");
        var one = await other.GetStringAsync("/api/v1/needs/n-display-02");
        Assert.DoesNotContain(hidden, one);
        Assert.DoesNotContain(owner, one);
        Assert.DoesNotContain(hidden, await other.GetStringAsync("/api/v1/needs?pageSize=200&status=all"));
        Assert.DoesNotContain("n-display-02", await other.GetStringAsync("/api/v1/needs?q=" + Uri.EscapeDataString("荧光蓝光材料 整屏功耗")));
        Assert.Contains("n-display-02", await admin.GetStringAsync("/api/v1/needs?q=" + Uri.EscapeDataString("荧光蓝光材料 整屏功耗")));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/needs/n-display-02/matches")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/needs/n-display-02/explain/r-display-07")).StatusCode);
        // Exports are the organisers'.
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/events/demo-display-2026/export.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/events/demo-display-2026/agendas.html")).StatusCode);

        // The pages, signed in as another enterprise's user.
        var (name, password) = await factory.CreateUser(Roles.Enterprise, "org-another-enterprise");
        using var browser = await factory.SignedInClient(name, password);
        var page = await browser.GetStringAsync("/needs/n-display-02");
        Assert.Contains("中尺寸OLED蓝色子像素效率与寿命改善", page);
        Assert.DoesNotContain(hidden, page);
        Assert.DoesNotContain(hidden, await browser.GetStringAsync("/?tab=needs"));
        var search = await browser.GetStringAsync("/?tab=needs&q=" + Uri.EscapeDataString("荧光蓝光材料 整屏功耗"));
        Assert.DoesNotContain("n-display-02", search);
        Assert.DoesNotContain("客户投诉", search);

        // Its own enterprise reads it whole, and the view is in the audit log.
        var audit = factory.Services.GetRequiredService<AuditLog>();
        var before = audit.For(Engine.Records.RecordKind.Need, "n-display-02").Count;
        var (ownName, ownPassword) = await factory.CreateUser(Roles.Enterprise, owner);
        using var ownBrowser = await factory.SignedInClient(ownName, ownPassword);
        Assert.Contains(hidden, await ownBrowser.GetStringAsync("/needs/n-display-02"));
        var entries = audit.For(Engine.Records.RecordKind.Need, "n-display-02");
        Assert.Equal(before + 1, entries.Count);
        Assert.StartsWith("user:", entries[0].Actor);
        Assert.Equal(AuditLog.Viewed, entries[0].Action);
    }

    /// <summary>
    /// Sends one anonymous request, and when the server says this address is over its allowance (429), waits the
    /// Retry-After it gives and asks again, as a well-behaved client would: every anonymous request of the test run
    /// comes from the one loopback address, and the walk over every route is longer than one burst.
    /// </summary>
    private static async Task<HttpResponseMessage> WithinTheAllowance(HttpClient client, string method, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 10) return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A path for a route pattern with every parameter filled by a value its constraints accept.</summary>
    private static string Fill(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => Value(parameter),
            _ => "",
        })));
        return "/" + string.Join("/", segments);

        static string Value(RoutePatternParameterPart parameter)
        {
            var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
            if (constraints.Any(c => c.StartsWith("long") || c.StartsWith("int"))) return "1";
            if (constraints.Any(c => c.Contains("accept"))) return "accept";
            return "x";
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
