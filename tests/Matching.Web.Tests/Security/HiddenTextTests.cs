using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matching.Engine.Accounts;
using Matching.Tests.Shared;

namespace Matching.Web.Tests.Security;

/// <summary>
/// A summary-only need's hidden description cannot be probed: for a viewer who may not read it, the need is matched as
/// if its description and keywords were empty — in a result's and an expert's lists, their scores and ranks, and the
/// pages that show them — while its enterprise and the organisers still match it by its whole text.
/// </summary>
[Collection(WebCollection.Name)]
public class HiddenTextTests(MatchingWebFactory factory)
{
    private const string University = "org-privacy-university", Enterprise = "org-privacy-enterprise", Need = "n-privacy-01";
    /// <summary>A code that appears only in the need's hidden description.</summary>
    private const string Secret = "ZX7781";

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<Dictionary<string, double>> Needs(HttpClient client, string path) =>
        (await Json(await client.GetAsync(path))).GetProperty("needs").EnumerateArray()
            .ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("score").GetDouble());

    [Fact]
    public async Task AResultCarryingOnlyTheHiddenWords_NeverFindsTheNeed_AndItsScoreIgnoresTheHiddenText()
    {
        using var admin = factory.AdminClient();
        await admin.PutAsJsonAsync($"/api/v1/organisations/{University}", new { name = "隐私测试大学", kind = "university" });
        await admin.PutAsJsonAsync($"/api/v1/organisations/{Enterprise}", new { name = "隐私测试药业", kind = "enterprise" });
        Assert.True((await admin.PutAsJsonAsync($"/api/v1/needs/{Need}", new
        {
            title = "寻求自主知识产权的可电离脂质替代方案", visibility = "summary", organisation = Enterprise,
            description = $"我司mRNA疫苗目前使用{Secret}脂质，海外商业化面临专利许可障碍，需要结构新颖的可电离脂质。", keywords = new[] { Secret, "专利许可" },
        })).IsSuccessStatusCode);
        using var university = factory.ClientWithKey(Roles.University, University);
        Assert.True((await university.PutAsJsonAsync("/api/v1/experts/e-privacy-01", new { name = "隐私专家", areas = new[] { Secret } })).IsSuccessStatusCode);
        Assert.True((await university.PutAsJsonAsync("/api/v1/results/r-privacy-01", new { title = Secret, experts = new[] { "e-privacy-01" } })).IsSuccessStatusCode);
        Assert.True((await university.PutAsJsonAsync("/api/v1/results/r-privacy-02", new { title = "可电离脂质替代方案的专利规避设计" })).IsSuccessStatusCode);

        // The organisers read the description, so for them the hidden word finds the need (the index has caught up).
        Assert.True(await Poll.Until(async () => (await Needs(admin, "/api/v1/results/r-privacy-01/matches")).ContainsKey(Need), TimeSpan.FromSeconds(60)),
            "the organisers' list of the result never found the need by its description");
        Assert.True(await Poll.Until(async () => (await Needs(admin, "/api/v1/experts/e-privacy-01/matches")).ContainsKey(Need), TimeSpan.FromSeconds(60)),
            "the organisers' list of the expert never found the need by its description");

        // The university does not: not in the result's list, not in its expert's, not on the pages.
        Assert.DoesNotContain(Need, (await Needs(university, "/api/v1/results/r-privacy-01/matches?k=200")).Keys);
        Assert.DoesNotContain(Need, (await Needs(university, "/api/v1/experts/e-privacy-01/matches?k=200")).Keys);
        var (name, password) = await factory.CreateUser(Roles.University, University);
        using var browser = await factory.SignedInClient(name, password);
        Assert.DoesNotContain(Need, await browser.GetStringAsync("/results/r-privacy-01"));
        Assert.DoesNotContain(Need, await browser.GetStringAsync("/experts/e-privacy-01"));

        // A result that shares the need's title finds it, and its score does not move when the hidden text changes.
        var before = await Needs(university, "/api/v1/results/r-privacy-02/matches?k=200");
        Assert.True(before.ContainsKey(Need), "the need's title did not find it for the university");
        // The organisers' raw score (the ranker's, before calibration, which may saturate at 1) reads the whole need.
        async Task<double> OrganisersRaw() => (await Json(await admin.GetAsync($"/api/v1/needs/{Need}/explain/r-privacy-02"))).GetProperty("rawScore").GetDouble();
        var organisersBefore = await OrganisersRaw();
        Assert.True((await admin.PatchAsync($"/api/v1/needs/{Need}", JsonContent.Create(new
        {
            description = "可电离脂质替代方案：结构新颖、有FTO结论、肌注表达高、体内降解快、耐受性好的可电离脂质，需配合百克级工艺放大。",
            keywords = new[] { "可电离脂质", "FTO", "工艺放大" },
        }))).IsSuccessStatusCode);
        Assert.True(await Poll.Until(async () => !(await Needs(admin, "/api/v1/results/r-privacy-01/matches")).ContainsKey(Need), TimeSpan.FromSeconds(60)),
            "the index never took the new description");
        var after = await Needs(university, "/api/v1/results/r-privacy-02/matches?k=200");
        Assert.Equal(before[Need], after[Need]);
        // The organisers' score does follow the description.
        Assert.NotEqual(organisersBefore, await OrganisersRaw());
    }
}
