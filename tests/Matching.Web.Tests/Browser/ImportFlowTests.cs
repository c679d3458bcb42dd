using System.Text;
using Matching.Engine.Accounts;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Browser;

/// <summary>A university user imports a file with some bad rows and reads the report, on a phone-sized screen.</summary>
[Collection(WebCollection.Name)]
public class ImportFlowTests(MatchingWebFactory factory)
{
    [Fact]
    public async Task AUniversityImportsAFileWithBadRows_AndSeesTheReport()
    {
        var (name, password) = await factory.CreateUser(Roles.University, "org-sicau");
        await using var browser = await BrowserSession.Start(factory.BaseAddress, "university-import");
        var page = await browser.NewPerson(phone: true);
        await browser.SignIn(page, name, password);

        await page.GotoAsync("/mine");
        await browser.Step(page, "my-records");
        await page.GetByRole(AriaRole.Link, new() { Name = "批量导入" }).ClickAsync();
        var file = Path.Combine(Path.GetTempPath(), $"results-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(file, string.Join("\n",
            """{"id":"r-browser-import-01","title":"川西高原青稞β-葡聚糖提取与功能饮料","abstract":"酶法辅助提取，得率提高30%。","keywords":["青稞","β-葡聚糖"],"maturity":"中试"}""",
            """{"id":"r-browser-import-02","title":""}""",
            """{"id":"r-browser-import-03","title":"猕猴桃溃疡病绿色防控","maturity":"第十阶段"}""",
            """not json at all""",
            """{"id":"r-browser-import-05","title":"<b>粗体标题</b>柑橘黄龙病快速检测试纸条","organisation":"org-sicau"}"""), new UTF8Encoding(false));
        await page.GetByLabel("数据类型").SelectOptionAsync("results");
        await page.GetByLabel("文件").SetInputFilesAsync(file);
        await browser.Step(page, "file-chosen");
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并导入" }).ClickAsync();
        // The report page reloads itself until the job is done.
        await page.GetByText("已完成").WaitForAsync(new() { Timeout = 60_000 });
        await BrowserSession.AssertChineseRenders(page);
        await browser.Step(page, "report");

        var rows = page.Locator("table.rejections tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        Assert.Equal(["2", "3", "4"], await rows.Locator("td:first-child").AllTextContentsAsync());
        Assert.Contains("title 为空", await rows.Nth(0).TextContentAsync());
        Assert.Contains("maturity", await rows.Nth(1).TextContentAsync());
        Assert.Equal("2", (await page.Locator("dd.ok").TextContentAsync())?.Trim());

        await page.GetByRole(AriaRole.Link, new() { Name = "我的发布" }).Last.ClickAsync();
        Assert.Contains("<b>粗体标题</b>柑橘黄龙病快速检测试纸条", await page.Locator("main").TextContentAsync());
        Assert.Equal(0, await page.Locator("main b").CountAsync());
        // Readable at 375 px: nothing wider than the screen but the tables, which scroll in their own box.
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(overflow <= 375, $"the page is {overflow} px wide on a 375 px screen");
        await browser.Step(page, "my-records-after");
    }
}
