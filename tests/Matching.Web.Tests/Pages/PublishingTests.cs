using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Matching.Engine.Accounts;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Pages;

/// <summary>Organisations publish, edit, withdraw and import their own records through the pages.</summary>
[Collection(WebCollection.Name)]
public class PublishingTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task AUniversityPublishesEditsAndWithdrawsAResult_AndNobodyElseEditsIt()
    {
        var (name, password) = await factory.CreateUser(Roles.University, "org-swjtu");
        using var client = await factory.SignedInClient(name, password);

        var empty = await Post(client, "/mine/results/edit", new() { ["Title"] = "" });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("请填写成果名称", await empty.Content.ReadAsStringAsync());

        var created = await Post(client, "/mine/results/edit", new()
        {
            ["Title"] = "<script>alert(1)</script>重载铁路钢轨波磨在线监测", ["Abstract"] = "基于轴箱加速度的钢轨波磨识别，已在成都局集团线路试用。",
            ["Keywords"] = "钢轨波磨、轴箱加速度, 在线监测", ["Maturity"] = "中试", ["Cooperation"] = "许可", ["Visibility"] = "public",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var path = created.Headers.Location!.ToString();
        Assert.StartsWith("/results/r-", path);
        var id = path["/results/".Length..];
        var page = await client.GetStringAsync(path);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;重载铁路钢轨波磨在线监测", page);
        using var admin = factory.AdminClient();
        var stored = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/results/{id}");
        Assert.Equal("org-swjtu", stored.GetProperty("organisation").GetString());
        Assert.Equal(["钢轨波磨", "轴箱加速度", "在线监测"], stored.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()!).ToList());

        var edited = await Post(client, $"/mine/results/edit/{id}", new() { ["Title"] = "重载铁路钢轨波磨在线监测系统", ["Maturity"] = "产业化", ["Visibility"] = "public" });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal("产业化", (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/results/{id}")).GetProperty("maturity").GetString());

        // Another university: the edit page does not exist for them, and a post changes nothing.
        var (otherName, otherPassword) = await factory.CreateUser(Roles.University, "org-uestc");
        using var other = await factory.SignedInClient(otherName, otherPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/mine/results/edit/{id}")).StatusCode);
        var token = await MatchingWebFactory.FormToken(other, "/mine/results/edit");
        var hijack = await other.PostAsync($"/mine/results/edit/{id}", new FormUrlEncodedContent(new Dictionary<string, string> { ["Title"] = "被别人改了", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, hijack.StatusCode);
        // An enterprise does not publish results.
        var (enterpriseName, enterprisePassword) = await factory.CreateUser(Roles.Enterprise, "org-boe-cd");
        using var enterprise = await factory.SignedInClient(enterpriseName, enterprisePassword);
        var refused = await Post(enterprise, "/mine/results/edit", new() { ["Title"] = "x" }, "/mine/needs/edit");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Headers.Location!.PathAndQuery);

        var withdrawn = await Post(client, "/mine?handler=Status", new() { ["kind"] = "result", ["id"] = id }, "/mine");
        Assert.Contains("已撤回", await withdrawn.Content.ReadAsStringAsync());
        using var anonymous = factory.CookieClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Contains("重载铁路钢轨波磨在线监测系统", await client.GetStringAsync("/mine"));
    }

    [Fact]
    public async Task AnEnterpriseImportsAFileWithBadRows_AndSeesTheReportRowByRow()
    {
        var (name, password) = await factory.CreateUser(Roles.Enterprise, "org-boe-cd");
        using var client = await factory.SignedInClient(name, password);
        var lines = string.Join("\n",
            """{"id":"n-page-import-01","title":"柔性OLED模组弯折寿命测试方法","description":"需要20万次以上动态弯折测试方案。","visibility":"summary"}""",
            """{"id":"n-page-import-02","title": broken""",
            """{"id":"n-page-import-03","title":"别人的需求","organisation":"org-uestc"}""",
            """{"id":"n-page-import-04"}""");
        var token = await MatchingWebFactory.FormToken(client, "/mine/import");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(lines)), "Upload", "我的需求.jsonl" },
            { new StringContent("needs"), "Kind" },
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var posted = await client.PostAsync("/mine/import", form);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var report = posted.Headers.Location!.ToString();
        var html = "";
        Assert.True(await Poll.Until(async () =>
        {
            var response = await client.GetAsync(report);
            html = await response.Content.ReadAsStringAsync();
            return !response.Headers.Contains("Refresh");
        }, TimeSpan.FromSeconds(60)), "the import finished");
        Assert.Contains("已完成", html);
        var rejected = Regex.Matches(html, "<tr><td>(\\d+)</td>").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal([2, 3, 4], rejected);
        Assert.Contains("不是你的机构", html);
        Assert.Contains("缺少必填字段 <bdi translate=\"no\">title</bdi>", html);
        Assert.Contains("n-page-import-01", await client.GetStringAsync("/mine"));
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/needs/n-page-import-03")).StatusCode);
        // Someone else's report is not theirs to read.
        var (otherName, otherPassword) = await factory.CreateUser(Roles.Enterprise, "org-boe-cd");
        using var other = await factory.SignedInClient(otherName, otherPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(report)).StatusCode);
    }

    /// <summary>Posts a form with the antiforgery token of <paramref name="tokenPage"/> (the form's own page by default).</summary>
    internal static async Task<HttpResponseMessage> Post(HttpClient client, string path, Dictionary<string, string> fields, string? tokenPage = null)
    {
        fields["__RequestVerificationToken"] = await MatchingWebFactory.FormToken(client, tokenPage ?? path.Split('?')[0]);
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }
}
