using System.Net;
using System.Text.Json;

namespace Matching.Web.Tests.Pages;

/// <summary>The smaller things a demanding user noticed (issue 14, point 13), each checked where they see it.</summary>
[Collection(WebCollection.Name)]
public class SmallThingsTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task Health_StaysOneWordForAnyone_AndItsDetailsAreTheAdministrators()
    {
        using var anonymous = factory.CookieClient();
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health"));
        var refused = await anonymous.GetAsync("/health/details");
        Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized || refused.Headers.Location?.ToString().Contains("/account/login") == true, $"{(int)refused.StatusCode}");
        using var organiser = factory.ClientWithKey(Engine.Accounts.Roles.Organiser);
        Assert.Equal(HttpStatusCode.Forbidden, (await organiser.GetAsync("/health/details")).StatusCode);

        using var admin = factory.AdminClient();
        var details = JsonDocument.Parse(await admin.GetStringAsync("/health/details")).RootElement;
        Assert.True(details.GetProperty("database").GetBoolean());
        Assert.Equal(Matching.Tests.Shared.ShippedModel.Version, details.GetProperty("model").GetString());
        Assert.True(details.GetProperty("changeLogSeq").GetInt64() > 0);
        Assert.InRange(details.GetProperty("indexLag").GetInt64(), 0, long.MaxValue);
        Assert.Equal(details.GetProperty("changeLogSeq").GetInt64() - details.GetProperty("indexSeq").GetInt64(), details.GetProperty("indexLag").GetInt64());
        Assert.Equal(JsonValueKind.Number, details.GetProperty("vectorBacklog").ValueKind);
        Assert.Equal(JsonValueKind.Number, details.GetProperty("matchFloor").ValueKind);
        // The build installed the Chinese encoder next to the binaries, and the details say so.
        Assert.True(details.GetProperty("chineseEncoder").GetBoolean(), details.GetProperty("chineseEncoderMissing").ToString());
        // This very request's key was checked from memory or, the first time, from the database.
        Assert.True(details.GetProperty("accountLookupsFromMemory").GetInt64() + details.GetProperty("accountLookupsFromDatabase").GetInt64() > 0);
    }

    [Fact]
    public async Task TheFooterLinksAReadableApiPage_SaysHowScoresAreMade_AndTheSiteHasAFavicon()
    {
        using var anonymous = factory.CookieClient();
        var home = await anonymous.GetStringAsync("/");
        Assert.Contains("href=\"/developers\"", home);
        Assert.DoesNotContain("按文本相关度排序", home);
        Assert.Contains("学习排序模型", home);
        Assert.Contains("rel=\"icon\"", home);

        var api = await anonymous.GetAsync("/developers");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("text/html", api.Content.Headers.ContentType!.MediaType);
        var page = await api.Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/needs/{id}/matches", page);
        Assert.Contains("X-Api-Key", page);

        foreach (var (path, type) in new[] { ("/favicon.ico", "image/x-icon"), ("/favicon.svg", "image/svg+xml") })
        {
            var icon = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
            Assert.Equal(type, icon.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task AnImportsReply_LinksOnlyWhatTheUploaderMayOpen()
    {
        using var university = factory.ClientWithKey(Engine.Accounts.Roles.University, "org-scu");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("""{"id":"r-links-01","title":"链接检查成果"}""")), "file", "results.jsonl" } };
        var reply = JsonDocument.Parse(await (await university.PostAsync("/api/v1/imports", form)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("job").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await university.GetAsync(reply.GetProperty("report").GetString())).StatusCode);
        using var admin = factory.AdminClient();
        using var adminForm = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("""{"id":"r-links-02","title":"链接检查成果二"}""")), "file", "results.jsonl" } };
        var adminReply = JsonDocument.Parse(await (await admin.PostAsync("/api/v1/imports", adminForm)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(adminReply.GetProperty("job").GetString())).StatusCode);
    }

    [Fact]
    public async Task TheHeldOutEvaluationNeeds_AreNotLiveDemoNeeds_ButTheEvaluationStillHasThem()
    {
        // The demo data directory holds the live demo only: no one sees, matches or meets the 30 evaluation needs.
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/needs/n-eval-01")).StatusCode);
        var needs = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/needs?pageSize=200")).RootElement.GetProperty("items").EnumerateArray()
            .Select(n => n.GetProperty("id").GetString()!).ToList();
        Assert.True(needs.Count > 50, $"only {needs.Count} demo needs");
        Assert.DoesNotContain(needs, id => id.StartsWith("n-eval-", StringComparison.Ordinal));
        using var anonymous = factory.CookieClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/needs/n-eval-01")).StatusCode);

        // The evaluation's own workspace still has them (RecordsWorkspace.FromDemo): ShippedModelTests reproduces the
        // held-out figure through it.
    }

    [Fact]
    public async Task AHiddenBudget_ReadsNotPublic_NotNegotiable()
    {
        var (name, password) = await factory.CreateUser(Engine.Accounts.Roles.Enterprise, "org-another-enterprise-budget");
        using var other = await factory.SignedInClient(name, password);
        var page = await other.GetStringAsync("/needs/n-display-02");
        var budget = System.Text.RegularExpressions.Regex.Match(page, "<dt>预算</dt><dd>([^<]*)</dd>").Groups[1].Value;
        Assert.Equal("未公开", budget);
    }

    [Fact]
    public void TheReadmesRunCommand_StartsInProduction()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Matching.sln"))) root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new DirectoryNotFoundException("no Matching.sln above the tests");
        var launch = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "Matching.Web", "Properties", "launchSettings.json"))).RootElement;
        foreach (var profile in launch.GetProperty("profiles").EnumerateObject())
            Assert.Equal("Production", profile.Value.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
        Assert.Contains("<NoWarn>$(NoWarn);NU1603</NoWarn>", File.ReadAllText(Path.Combine(root, "Directory.Build.props")));
    }

    [Fact]
    public async Task AWholePastedNeedDescription_IsSearchedWith_OnThePageAndThroughTheApi()
    {
        using var admin = factory.AdminClient();
        var description = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/needs/n-display-01")).RootElement.GetProperty("description").GetString()!;
        var pasted = string.Concat(Enumerable.Repeat(description + " ", 1 + 900 / Math.Max(1, description.Length)));
        Assert.True(pasted.Length > 900, $"{pasted.Length} characters");

        using var anonymous = factory.CookieClient();
        var page = await anonymous.GetAsync("/?tab=needs&q=" + Uri.EscapeDataString(pasted));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/needs/n-display-01", await page.Content.ReadAsStringAsync());
        var api = await admin.GetAsync("/api/v1/needs?q=" + Uri.EscapeDataString(pasted));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Contains("n-display-01", await api.Content.ReadAsStringAsync());
        // Past the cap the answer says so, in Chinese on the page.
        var tooLong = await anonymous.GetAsync("/?q=" + Uri.EscapeDataString(new string('膜', Matching.Web.Pages.Display.MaxQueryLength + 1)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("搜索内容不能超过", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MatchScore_MeansTheCalibratedScoreOnly_SearchShowsRelativeRelevance()
    {
        using var anonymous = factory.CookieClient();
        var search = await anonymous.GetStringAsync("/?q=" + Uri.EscapeDataString("薄膜封装 水汽阻隔"));
        var shown = System.Text.RegularExpressions.Regex.Matches(search, "<span class=\"pct\">([^<]+)</span>").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, s => Assert.StartsWith("相关度", s));
    }

    [Fact]
    public void ANotificationsAddresses_AreLinks_AndNothingElseIsMarkup()
    {
        var html = Matching.Web.Pages.Display.Linked("日历文件（.ics）：http://matching.test/agenda/ev-1/calendar <script>alert(1)</script> javascript:alert(2)").ToString();
        Assert.Contains("<a href=\"http://matching.test/agenda/ev-1/calendar\">http://matching.test/agenda/ev-1/calendar</a>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.DoesNotContain("href=\"javascript", html);
        Assert.Contains("日历文件（.ics）：", html);
    }
}
