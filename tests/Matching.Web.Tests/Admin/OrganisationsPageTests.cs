using System.Net;
using System.Net.Http.Json;
using Matching.Engine.Accounts;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Matching.Web.Tests.Admin.AdminForms;

namespace Matching.Web.Tests.Admin;

[Collection(WebCollection.Name)]
public class OrganisationsPageTests(MatchingWebFactory factory)
{
    private const string Merge = "/admin/organisations/merge";

    [Fact]
    public async Task MergingThroughThePage_MovesTheRecords_AndTheOldNamesFindTheSurvivor()
    {
        using var api = factory.AdminClient();
        await Created(api, "/api/v1/organisations", new { id = "org-web-keep", name = "成都示例光电研究所", kind = "institute", aliases = new[] { "示例光电所" } });
        await Created(api, "/api/v1/organisations", new { id = "org-web-dup", name = "成都示例光电研究所（重复录入）", kind = "institute", aliases = new[] { "CDGD-X" } });
        await Created(api, "/api/v1/results", new { id = "r-web-dup-1", title = "硅基微环光学谐振腔", organisation = "org-web-dup" });
        await Created(api, "/api/v1/results", new { id = "r-web-dup-2", title = "光纤光栅温度传感阵列", organisation = "CDGD-X" });
        await Created(api, "/api/v1/experts", new { id = "e-web-dup-1", name = "刘示例", organisation = "org-web-dup" });
        using var admin = await AdminBrowser(factory);

        // The preview changes nothing.
        var preview = await Post(admin, Merge, Merge + "?handler=Preview", new() { ["Duplicate"] = "CDGD-X", ["Survivor"] = "示例光电所" });
        Assert.Contains("确认合并", await preview.Content.ReadAsStringAsync());
        Assert.Equal("org-web-dup", (await Json(await api.GetAsync("/api/v1/results/r-web-dup-1"))).GetProperty("organisation").GetString());

        var merged = await Post(admin, Merge, Merge + "?handler=Merge", new() { ["Duplicate"] = "org-web-dup", ["Survivor"] = "org-web-keep" });
        var html = await merged.Content.ReadAsStringAsync();
        Assert.True(html.Contains("已合并"), Errors(html));

        var moved = await Json(await api.GetAsync("/api/v1/results?organisation=org-web-keep&pageSize=50"));
        Assert.Equal(["r-web-dup-1", "r-web-dup-2"], moved.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order());
        Assert.Equal(0, (await Json(await api.GetAsync("/api/v1/results?organisation=org-web-dup&status=all"))).GetProperty("total").GetInt32());
        Assert.Equal("org-web-keep", (await Json(await api.GetAsync("/api/v1/experts/e-web-dup-1"))).GetProperty("organisation").GetString());
        Assert.Equal("withdrawn", (await Json(await api.GetAsync("/api/v1/organisations/org-web-dup"))).GetProperty("status").GetString());
        var store = factory.Services.GetRequiredService<RecordStore>();
        Assert.Equal("org-web-keep", store.ResolveOrganisation("成都示例光电研究所（重复录入）"));
        Assert.Equal("org-web-keep", store.ResolveOrganisation("CDGD-X"));
        // A record sent later under the old name lands with the survivor.
        var later = await Json(await api.PostAsJsonAsync("/api/v1/results", new { id = "r-web-dup-3", title = "片上光谱仪", organisation = "成都示例光电研究所（重复录入）" }));
        Assert.Equal("org-web-keep", later.GetProperty("organisation").GetString());

        // Again: nothing left to move.
        var again = await Post(admin, Merge, Merge + "?handler=Merge", new() { ["Duplicate"] = "org-web-dup", ["Survivor"] = "org-web-keep" });
        Assert.Contains("这次没有需要移动的内容", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnEditThatTakesAnotherOrganisationsName_IsRefused_AndAGoodOneIsSaved()
    {
        using var admin = await AdminBrowser(factory);
        const string page = "/admin/organisations/org-cdu";
        var store = factory.Services.GetRequiredService<RecordStore>();
        var before = store.GetOrganisation("org-cdu")!;

        var refused = await Post(admin, page, page, new() { ["Input.Name"] = before.Name, ["Input.Kind"] = "university", ["Input.Aliases"] = "川大" });
        Assert.Contains("已是另一机构（org-scu）的名称或别名", Errors(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(before.Aliases, store.GetOrganisation("org-cdu")!.Aliases);
        Assert.Equal("org-scu", store.ResolveOrganisation("川大"));

        var saved = await Post(admin, page, page, new()
        {
            ["Input.Name"] = before.Name, ["Input.Kind"] = "university", ["Input.Aliases"] = string.Join("\n", before.Aliases.Append("成大示例别名")),
            ["Input.Region"] = "成都", ["Input.Zone"] = "成都科学城",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("org-cdu", store.ResolveOrganisation("成大示例别名"));
        Assert.Equal("成都科学城", store.GetOrganisation("org-cdu")!.Zone);

        var list = await admin.GetStringAsync("/admin/organisations?q=" + Uri.EscapeDataString("成大示例别名"));
        Assert.Contains("/admin/organisations/org-cdu", list);
        Assert.DoesNotContain("/admin/organisations/org-scu\"", list);
    }

    [Fact]
    public async Task TheList_SearchesByAliasFiltersByKindAndPages()
    {
        using var admin = await AdminBrowser(factory);
        var byAlias = await admin.GetStringAsync("/admin/organisations?q=" + Uri.EscapeDataString("川大"));
        Assert.Contains("href=\"/admin/organisations/org-scu\"", byAlias);
        Assert.DoesNotContain("href=\"/admin/organisations/org-uestc\"", byAlias);
        var enterprises = await admin.GetStringAsync("/admin/organisations?kind=enterprise");
        Assert.DoesNotContain("href=\"/admin/organisations/org-scu\"", enterprises);
        Assert.Contains("ent-", enterprises);

        var first = Links(await admin.GetStringAsync("/admin/organisations"));
        var second = Links(await admin.GetStringAsync("/admin/organisations?page=2"));
        Assert.Equal(Matching.Web.Pages.Admin.Organisations.IndexModel.PageSize, first.Count);
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));

        static List<string> Links(string html) =>
            System.Text.RegularExpressions.Regex.Matches(html, "<td><a href=\"(/admin/organisations/[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
    }

    private static async Task Created(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
