using Matching.Engine.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Matching.Web.Tests.Pages;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Admin;

/// <summary>The administrator's pages in real Chromium at a phone's width: nothing wider than the screen but the tables' own scroll boxes.</summary>
[Collection(WebCollection.Name)]
public class AdminPagesBrowserTests(MatchingWebFactory factory) : IAsyncLifetime
{
    private Chromium? _chromium;
    private IBrowser? _browser;

    public async Task InitializeAsync() => _browser = (_chromium = await Chromium.Launch()).Browser;

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
    }

    /// <summary>The outermost elements reaching past the screen's right edge that no table's scroll box holds in.</summary>
    private const string WiderThanTheScreen = """
        [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.parentElement.closest('.table-scroll') || getComputedStyle(e).position === 'absolute')
            .filter(e => !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement.closest('.table-scroll')))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '')).join(', ')
        """;

    [Fact]
    public async Task EveryAdminPage_FitsA375PixelScreen()
    {
        var (name, password) = await factory.CreateUser(Roles.Admin);
        var self = factory.Services.GetRequiredService<AccountStore>().FindByNormalizedUserName(name.ToUpperInvariant())!;
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 } });
        await page.GotoAsync(new Uri(factory.BaseAddress, "/account/login").ToString());
        await page.FillAsync("input[name=UserName]", name);
        await page.FillAsync("input[name=Password]", password);
        await Task.WhenAll(page.WaitForURLAsync(url => !url.Contains("/account/login")), page.ClickAsync("main form button[type=submit]"));

        foreach (var path in new[] { "/admin/users", $"/admin/users/{self.Id}", "/admin/organisations", "/admin/organisations/org-scu", "/admin/organisations/merge", "/account/keys", "/admin/models", "/admin/taxonomy" })
        {
            var response = await page.GotoAsync(new Uri(factory.BaseAddress, path).ToString());
            Assert.Equal(200, response!.Status);
            if (Environment.GetEnvironmentVariable("ADMIN_SHOTS") is { Length: > 0 } shots)
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, path.Trim('/').Replace('/', '_') + ".png"), FullPage = true });
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 375, $"{path} is {width} px wide at 375; too wide: " + await page.EvaluateAsync<string>(WiderThanTheScreen));
        }
    }
}
