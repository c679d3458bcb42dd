using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Pages;

/// <summary>
/// A person's path through the site in real Chromium (Debian's /usr/bin/chromium, installed by the test command):
/// search, open a need, read its matches; and stored markup shows as text.
/// </summary>
[Collection(WebCollection.Name)]
public class BrowserTests(MatchingWebFactory factory) : IAsyncLifetime
{
    private Chromium? _chromium;
    private IBrowser? _browser;

    public async Task InitializeAsync() => _browser = (_chromium = await Chromium.Launch()).Browser;

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
    }

    [Fact]
    public async Task SearchingAndOpeningANeed_ShowsItsMatchesWithHighlights()
    {
        var page = await _browser!.NewPageAsync();
        await SignIn(page, "admin", factory.AdminPassword);
        await page.GotoAsync(factory.BaseAddress.ToString());
        Assert.Contains("高校科技成果", await page.TextContentAsync("body"));

        await page.FillAsync("input[name=q]", "薄膜封装 水汽阻隔");
        // The wait starts before the action, so a fast navigation cannot slip past it.
        var loaded = new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded };
        await Task.WhenAll(page.WaitForURLAsync(url => url.Contains("q="), loaded), page.PressAsync("input[name=q]", "Enter"));
        var needLink = page.Locator("a[href*='/needs/n-display-01']").First;
        await Task.WhenAll(page.WaitForURLAsync(url => url.Contains("/needs/n-display-01"), loaded), needLink.ClickAsync());

        Assert.Contains("柔性AMOLED薄膜封装水汽阻隔性能提升", await page.TextContentAsync("h1"));
        // Only strong matches (at or over the model's match floor, 50%), then a line that says there are no more.
        var matches = page.Locator("ol.matches li.match");
        Assert.True(await matches.CountAsync() >= 1);
        Assert.All(await matches.Locator(".pct").AllTextContentsAsync(), t => Assert.True(int.Parse(new string(t.Where(char.IsAsciiDigit).ToArray())) >= 50, t));
        Assert.True(await page.Locator("p.no-more").CountAsync() >= 1, "the list says where the strong matches stop");
        Assert.True(await page.Locator("ol.matches mark").CountAsync() > 0);
        Assert.Contains("r-display-07", await page.Locator("ol.matches li.match a").First.GetAttributeAsync("href"));
    }

    [Fact]
    public async Task ScriptInATitle_IsShownAsText_AndNeverRuns()
    {
        using var client = factory.AdminClient();
        var created = await client.PutAsJsonAsync("/api/v1/results/r-xss-1", new { title = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">智能温控", organisation = "org-scu" });
        Assert.True(created.IsSuccessStatusCode);

        var page = await _browser!.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GotoAsync(new Uri(factory.BaseAddress, "/results/r-xss-1").ToString());
        Assert.Contains("<script>window.__xss = 1</script>", await page.TextContentAsync("h1"));
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, await page.Locator("h1 script, h1 img").CountAsync());
        Assert.Equal(0, dialogs);

        // And were markup ever to slip through, the policy forbids inline scripts.
        var response = await client.GetAsync("/results/r-xss-1");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    /// <summary>Signs in through the form, as a person would, and waits for the page it leads to.</summary>
    private async Task SignIn(IPage page, string userName, string password)
    {
        await page.GotoAsync(new Uri(factory.BaseAddress, "/account/login").ToString());
        await page.FillAsync("input[name=UserName]", userName);
        await page.FillAsync("input[name=Password]", password);
        await Task.WhenAll(page.WaitForURLAsync(url => !url.Contains("/account/login"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.ClickAsync("main form button[type=submit]"));
    }
}
