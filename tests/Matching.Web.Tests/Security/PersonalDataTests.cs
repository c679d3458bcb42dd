using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matching.Engine.Accounts;
using Matching.Tests.Shared;
using Matching.Web.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Security;

/// <summary>PIPL: consent to a public profile, export on request, and erasure that reaches pages, API, index and exports.</summary>
[Collection(WebCollection.Name)]
public class PersonalDataTests(MatchingWebFactory factory)
{
    private const string Expert = "e-erase-01", Name = "隐私测试专家甲";

    [Fact]
    public async Task AnErasedExpert_IsGoneFromPagesApiIndexAndExports()
    {
        using var admin = factory.AdminClient();
        Ok(await admin.PutAsJsonAsync($"/api/v1/experts/{Expert}", new
        {
            name = Name, organisation = "org-uestc", title = "研究员", publicProfile = true,
            areas = new[] { "Micro LED", "巨量转移" }, bio = "从事Micro LED巨量转移与激光剥离修复研究，可提供转移良率提升方案。",
        }));
        Ok(await admin.PutAsJsonAsync("/api/v1/results/r-erase-01", new
        {
            title = "Micro LED巨量转移激光修复设备", organisation = "org-uestc", experts = new[] { Expert }, keywords = new[] { "巨量转移", "激光修复" },
        }));
        var need = await admin.GetFromJsonAsync<JsonElement>("/api/v1/needs/n-display-10");
        var enterprise = need.GetProperty("organisation").GetString()!;
        Ok(await admin.PostAsJsonAsync("/api/v1/events", new { id = "erase-day", name = "个人信息删除演练", startsAt = "2026-12-28T09:00:00", slots = 4 }));
        Ok(await admin.PostAsJsonAsync("/api/v1/events/erase-day/participants", new
        {
            participants = new[] { new { kind = "enterprise", id = enterprise }, new { kind = "expert", id = Expert } },
        }));
        Ok(await admin.PostAsJsonAsync("/api/v1/events/erase-day/constraints", new { enterprise, offerKind = "expert", offerId = Expert, kind = "pin" }));
        Ok(await admin.PostAsync("/api/v1/events/erase-day/generate", null));
        Assert.Contains(Name, await admin.GetStringAsync("/api/v1/events/erase-day/export.csv"));
        Assert.True(await Poll.Until(async () => (await admin.GetStringAsync("/api/v1/experts?q=" + Uri.EscapeDataString(Name))).Contains(Expert), TimeSpan.FromSeconds(30)),
            "the expert reached the index");

        // Export on request: what is held about them, and the export itself is audited.
        var (name, password) = await factory.CreateUser(Roles.University, "org-uestc");
        using var university = await factory.SignedInClient(name, password);
        var export = JsonDocument.Parse(await university.GetStringAsync($"/api/v1/experts/{Expert}/personal-data")).RootElement;
        Assert.Equal(Name, export.GetProperty("expert").GetProperty("name").GetString());
        Assert.Contains("r-erase-01", export.GetProperty("results").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("erase-day", export.GetProperty("meetings")[0].GetProperty("eventId").GetString());
        var audit = factory.Services.GetRequiredService<AuditLog>();
        Assert.Contains(audit.For(Engine.Records.RecordKind.Expert, Expert), e => e.Action == AuditLog.Exported);
        // Another university may neither export nor erase them.
        using var stranger = factory.ClientWithKey(Roles.University, "org-swjtu");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/experts/{Expert}/personal-data")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/experts/{Expert}/erase", null)).StatusCode);

        // Erased from the page, with the name typed to confirm.
        var wrong = await PublishingTests.Post(university, "/mine?handler=Erase", new() { ["id"] = Expert, ["confirm"] = "别人" }, "/mine");
        Assert.Contains("请输入专家姓名以确认删除", await wrong.Content.ReadAsStringAsync());
        var erased = await PublishingTests.Post(university, "/mine?handler=Erase", new() { ["id"] = Expert, ["confirm"] = Name }, "/mine");
        Assert.Contains("已彻底删除", await erased.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/experts/{Expert}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/experts/{Expert}")).StatusCode);
        Assert.DoesNotContain(Expert, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/results/r-erase-01")).GetProperty("experts").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(Name, await admin.GetStringAsync("/api/v1/events/erase-day/export.csv"));
        Assert.DoesNotContain(Name, await admin.GetStringAsync("/api/v1/events/erase-day/agendas.html"));
        Assert.DoesNotContain(Name, await admin.GetStringAsync("/api/v1/events/erase-day/meetings"));
        Assert.True(await Poll.Until(async () => !(await admin.GetStringAsync("/api/v1/experts?q=" + Uri.EscapeDataString(Name))).Contains(Expert), TimeSpan.FromSeconds(30)),
            "the expert left the index");
        Assert.True(await Poll.Until(async () => !(await admin.GetStringAsync("/api/v1/needs/n-display-10/matches?k=50")).Contains(Expert), TimeSpan.FromSeconds(60)),
            "the expert left the stored match lists");
        var entries = audit.For(Engine.Records.RecordKind.Expert, Expert);
        Assert.Equal(AuditLog.Erased, entries[0].Action);
        Assert.All(entries, e => Assert.DoesNotContain(Name, e.Detail ?? ""));
        // Administrators read it on the audit page, the actor by user name.
        using var auditPage = await factory.SignedInClient("admin", factory.AdminPassword);
        var log = await auditPage.GetStringAsync($"/admin/audit?record={Expert}");
        Assert.Contains("<td><code>erase</code></td>", log);
        Assert.Contains($"<td><bdi translate=\"no\">{name}</bdi></td>", log);
        Assert.DoesNotContain(Name, log);
    }

    [Fact]
    public async Task AnExpertWithoutConsent_IsSeenOnlyByTheirOrganisationAndOrganisers()
    {
        using var admin = factory.AdminClient();
        Ok(await admin.PutAsJsonAsync("/api/v1/experts/e-private-01", new { name = "未公开专家乙", organisation = "org-scu", areas = new[] { "钙钛矿" } }));
        using var anonymous = factory.CookieClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/experts/e-private-01")).StatusCode);
        using var enterprise = factory.ClientWithKey(Roles.Enterprise, "org-boe-cd");
        Assert.Equal(HttpStatusCode.NotFound, (await enterprise.GetAsync("/api/v1/experts/e-private-01")).StatusCode);
        Assert.DoesNotContain("e-private-01", await enterprise.GetStringAsync("/api/v1/experts?pageSize=200"));
        using var own = factory.ClientWithKey(Roles.University, "org-scu");
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync("/api/v1/experts/e-private-01")).StatusCode);
        using var organiser = factory.ClientWithKey(Roles.Organiser);
        Assert.Equal(HttpStatusCode.OK, (await organiser.GetAsync("/api/v1/experts/e-private-01")).StatusCode);
    }

    private static void Ok(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {response.Content.ReadAsStringAsync().Result}");
}
