using System.Text;
using Matching.Engine.Accounts;
using Matching.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Browser;

/// <summary>
/// An event end to end in the browser: an organiser creates it, generates the list, pins a pair, re-solves, publishes
/// and downloads the CSV; a participant confirms a meeting and the other side's e-mail arrives at the SMTP sink; after
/// the event, an outcome entered on the page becomes a judgement.
/// </summary>
[Collection(WebCollection.Name)]
public class EventFlowTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task AnOrganiserRunsAnEvent_AParticipantConfirms_AndTheOutcomeBecomesAJudgement()
    {
        var (organiser, organiserPassword) = await factory.CreateUser(Roles.Organiser, email: "organiser-flow@example.cn");
        await using var browser = await BrowserSession.Start(factory.BaseAddress, "organiser-event");
        var page = await browser.NewPerson();
        await browser.SignIn(page, organiser, organiserPassword);

        // Create the event with the display industry's participants.
        await page.GotoAsync("/events/new");
        await page.GetByLabel("活动名称").FillAsync("新型显示「校企双进」浏览器专场");
        await page.GetByLabel("开始时间（北京时间）").FillAsync("2026-12-30T09:00");
        await page.GetByLabel("时段数").FillAsync("4");
        await page.GetByLabel("地点").FillAsync("成都高新区菁蓉汇 3 号楼");
        await page.GetByLabel("新型显示").CheckAsync();
        await browser.Step(page, "new-event");
        await Task.WhenAll(page.WaitForURLAsync(url => url.Contains("/events/ev-"), new() { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.GetByRole(AriaRole.Button, new() { Name = "创建活动" }).ClickAsync());
        var eventId = page.Url.Split('/').Last();

        await Click(page, "生成对接名单");
        await Status(page, "已生成");
        await browser.Step(page, "generated");
        var scheduled = await Pairs(page);
        Assert.NotEmpty(scheduled);

        // Pin a pair that is not on the list, then solve again: it is on the list now.
        var enterprises = await page.Locator("#pair-enterprise option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        var offers = await page.Locator("#pair-offer option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        var (enterprise, offer) = enterprises.SelectMany(e => offers.Select(o => (e, o))).First(p => !scheduled.Contains($"{p.e}|{p.o}"));
        await page.Locator("#pair-enterprise").SelectOptionAsync(enterprise);
        await page.Locator("#pair-offer").SelectOptionAsync(offer);
        await Click(page, "锁定这一对");
        await Status(page, "已锁定");
        await browser.Step(page, "pinned");
        await Click(page, "重新生成（保留锁定与排除）");
        await Status(page, "已生成");
        Assert.Contains($"{enterprise}|{offer}", await Pairs(page));
        await browser.Step(page, "re-solved");

        await Click(page, "发布");
        await Status(page, "已发布");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "对接表 CSV（可填写成果后上传）" }).ClickAsync());
        var csv = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var sheet = Encoding.UTF8.GetString(csv);
        Assert.Contains(enterprise, sheet);
        Assert.Contains(offer.Split(':')[1], sheet);
        Assert.EndsWith(".csv", download.SuggestedFilename);
        await browser.Step(page, "published");

        // The pinned pair's two sides: the enterprise's user confirms on their agenda; the offer side hears by e-mail.
        var offerOrganisation = await OrganisationOf(offer);
        const string enterpriseMail = "qiye-flow@example.cn", universityMail = "gaoxiao-flow@example.cn";
        var (enterpriseUser, enterprisePassword) = await factory.CreateUser(Roles.Enterprise, enterprise, enterpriseMail);
        await factory.CreateUser(Roles.University, offerOrganisation, universityMail);
        var participant = await browser.NewPerson(phone: true);
        await browser.SignIn(participant, enterpriseUser, enterprisePassword);
        await participant.GotoAsync($"/agenda/{eventId}");
        await browser.Step(participant, "participant-agenda");
        var meeting = participant.Locator("li", new() { Has = participant.Locator($"input[name=offerId][value='{offer.Split(':')[1]}']") });
        await Task.WhenAll(participant.WaitForLoadStateAsync(LoadState.DOMContentLoaded), meeting.GetByRole(AriaRole.Button, new() { Name = "确认参加" }).ClickAsync());
        await participant.Locator("li", new() { Has = participant.Locator($"input[name=offerId][value='{offer.Split(':')[1]}']") })
            .GetByRole(AriaRole.Button, new() { Name = "确认参加" }).And(participant.Locator("[disabled]")).WaitForAsync();
        await browser.Step(participant, "participant-confirmed");
        Assert.True(await Poll.Until(() => Task.FromResult(factory.MailTo(universityMail).Any(m => (m.TextBody ?? "").Contains(eventId))), TimeSpan.FromSeconds(60)),
            "the offer side's e-mail arrived at the SMTP sink");

        // After the event: an outcome entered on the page is a judgement for training.
        await page.ReloadAsync();
        await Click(page, "结束活动");
        await Status(page, "活动已结束");
        var row = page.Locator("tr", new() { Has = page.Locator($"form.outcome input[name=offerId][value='{offer.Split(':')[1]}']") })
            .Filter(new() { Has = page.Locator($"form.outcome input[name=enterprise][value='{enterprise}']") });
        await row.Locator("select[name=stage]").SelectOptionAsync("signed");
        await Task.WhenAll(page.WaitForLoadStateAsync(LoadState.DOMContentLoaded), row.GetByRole(AriaRole.Button, new() { Name = "记录" }).ClickAsync());
        await Status(page, "已记录对接成果");
        await BrowserSession.AssertChineseRenders(page);
        await browser.Step(page, "outcome");
        // Signed is grade 3, on the need the meeting was for (the pinned pair has one when the enterprise posted a need).
        var meetingNeed = await NeedOf(eventId, enterprise, offer);
        var judgements = factory.Services.GetRequiredService<Engine.Storage.RecordStore>().Judgements("event:" + eventId);
        if (meetingNeed is not null) Assert.Contains(judgements, j => j.NeedId == meetingNeed && j.CandidateId == offer.Split(':')[1] && j.Grade == 3);
        else Assert.Fail($"the pinned pair {enterprise} ↔ {offer} has no need to judge");
    }

    /// <summary>Waits for the page's status notice that says <paramref name="text"/>.</summary>
    private static async Task Status(IPage page, string text)
    {
        try { await page.Locator("[role=status]", new() { HasText = text }).WaitForAsync(); }
        catch (TimeoutException)
        {
            Assert.Fail($"no status notice saying '{text}'; the page says: {string.Join(" | ", await page.Locator("[role=status], [role=alert]").AllTextContentsAsync())}");
        }
    }

    private static async Task Click(IPage page, string button) =>
        await Task.WhenAll(page.WaitForLoadStateAsync(LoadState.DOMContentLoaded), page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync());

    /// <summary>The scheduled pairs as "enterprise|kind:offer", read from the outcome-less schedule through the API's view of it.</summary>
    private async Task<HashSet<string>> Pairs(IPage page)
    {
        using var api = factory.AdminClient();
        var id = page.Url.Split('/').Last().Split('?')[0];
        var meetings = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/v1/events/{id}/meetings")).RootElement;
        return meetings.EnumerateArray().Select(m => $"{m.GetProperty("enterprise").GetString()}|{m.GetProperty("offerKind").GetString()}:{m.GetProperty("offerId").GetString()}").ToHashSet();
    }

    private async Task<string?> NeedOf(string eventId, string enterprise, string offer)
    {
        using var api = factory.AdminClient();
        var meetings = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/v1/events/{eventId}/meetings")).RootElement;
        var meeting = meetings.EnumerateArray().Single(m => m.GetProperty("enterprise").GetString() == enterprise && m.GetProperty("offerId").GetString() == offer.Split(':')[1]);
        return meeting.TryGetProperty("needId", out var need) ? need.GetString() : null;
    }

    private async Task<string> OrganisationOf(string offer)
    {
        using var api = factory.AdminClient();
        var (kind, id) = (offer.Split(':')[0], offer.Split(':')[1]);
        return System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/v1/{kind}s/{id}")).RootElement.GetProperty("organisation").GetString()!;
    }
}
