using Matching.Engine.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Browser;

/// <summary>An enterprise user posts a need and reads its ranked matches with their reasons, then says which help.</summary>
[Collection(WebCollection.Name)]
public class EnterpriseFlowTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task AnEnterprisePostsANeed_AndSeesRankedMatchesWithReasons()
    {
        var (name, password) = await factory.CreateUser(Roles.Enterprise, "ent-display-05");
        await using var browser = await BrowserSession.Start(factory.BaseAddress, "enterprise-need");
        var page = await browser.NewPerson();
        await browser.SignIn(page, name, password);

        await page.GotoAsync("/mine");
        await page.GetByRole(AriaRole.Link, new() { Name = "发布需求" }).ClickAsync();
        await page.GetByLabel("需求标题").FillAsync("硅基OLED微显示屏高亮度与寿命提升");
        await page.GetByLabel("需求描述").FillAsync("公司为AR眼镜供应0.39英寸硅基OLED微显示屏，目标亮度5000尼特以上。现有叠层白光加彩膜方案亮度不足、蓝光衰减快，希望与高校合作开发高效率叠层器件结构与薄膜封装工艺，并做寿命加速测试。");
        await page.GetByLabel("关键词（用顿号或逗号分隔）").FillAsync("硅基OLED、微显示、薄膜封装、叠层器件");
        await page.GetByLabel("新型显示").CheckAsync();
        await page.GetByLabel("期望成熟度").SelectOptionAsync("中试");
        await page.GetByLabel("合作开发").CheckAsync();
        await page.GetByLabel("预算下限（万元）").FillAsync("200");
        await page.GetByLabel("预算上限（万元）").FillAsync("500");
        await page.GetByLabel("公开范围").SelectOptionAsync("summary");
        await browser.Step(page, "need-form");
        await Task.WhenAll(page.WaitForURLAsync(url => url.Contains("/needs/n-"), new() { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync());
        Assert.Equal("硅基OLED微显示屏高亮度与寿命提升", (await page.Locator("h1").TextContentAsync())?.Trim());
        await BrowserSession.AssertChineseRenders(page);
        await browser.Step(page, "need-page");

        // Ranked matches, best first, each with its score, snippets and the reasons that moved it.
        var results = page.Locator("ol.matches").First.Locator("li.match");
        Assert.True(await results.CountAsync() >= 1, "at least one strong matching result");
        var ranks = await results.Locator(".rank").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(1, ranks.Count).Select(i => i.ToString()), ranks.Select(r => r.Trim()));
        var scores = (await results.Locator(".pct").AllTextContentsAsync()).Select(t => int.Parse(new string(t.Where(char.IsAsciiDigit).ToArray()))).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.True(await page.Locator("ol.matches mark").CountAsync() > 0, "matched terms are highlighted");
        var first = results.First;
        await first.Locator("details.reasons summary").ClickAsync();
        var reasons = first.Locator("details.reasons li");
        Assert.True(await reasons.CountAsync() >= 2);
        Assert.False(string.IsNullOrWhiteSpace(await reasons.First.Locator(".reason-text").TextContentAsync()));
        var width = await reasons.First.Locator(".reason-bar span").GetAttributeAsync("style");
        Assert.Contains("width: 100%", width);
        await browser.Step(page, "reasons");

        // Thumbs up on the best match becomes a judgement.
        var candidate = (await first.Locator("h3 a").GetAttributeAsync("href"))!.Split('/').Last();
        await Task.WhenAll(page.WaitForLoadStateAsync(LoadState.DOMContentLoaded), first.GetByRole(AriaRole.Button, new() { Name = "这条匹配有用" }).ClickAsync());
        await page.GetByText("已记录：这条匹配有用").WaitForAsync();
        await browser.Step(page, "thumbs-up");
        var need = page.Url.Split('/').Last().Split('?')[0];
        var judgements = factory.Services.GetRequiredService<Engine.Storage.RecordStore>().Judgements("feedback");
        Assert.Contains(judgements, j => j.NeedId == need && j.CandidateId == candidate && j.Grade == 2);

        // In English, the same page reads in English, reasons included.
        await page.GotoAsync(page.Url.Split('?')[0] + "?culture=en");
        await page.Locator("details.reasons summary").First.ClickAsync();
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", await page.Locator("details.reasons .reason-sign").First.TextContentAsync() ?? "");
        await browser.Step(page, "need-page-english");
    }
}
