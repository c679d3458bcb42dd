using Matching.Web.Tests.Pages;
using Microsoft.Playwright;

namespace Matching.Web.Tests.Browser;

/// <summary>
/// Debian's Chromium through Playwright (installed by the test command with fonts-noto-cjk), signed in as a person
/// would be, with a screenshot of every step saved under artifacts/screenshots/&lt;flow&gt;/ at the repository root.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly Chromium _chromium;
    private readonly Uri _site;
    private readonly string _folder;
    private int _step;

    private BrowserSession(Chromium chromium, Uri site, string folder) => (_chromium, _site, _folder) = (chromium, site, folder);

    public static async Task<BrowserSession> Start(Uri site, string flow)
    {
        var chromium = await Chromium.Launch();
        var folder = Path.Combine(ArtifactsRoot(), "screenshots", flow);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return new BrowserSession(chromium, site, folder);
    }

    /// <summary>A new person: their own cookies, a desktop or a 375 px phone screen.</summary>
    public async Task<IPage> NewPerson(bool phone = false)
    {
        var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _site.ToString(), Locale = "zh-CN", AcceptDownloads = true,
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 812 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    public async Task SignIn(IPage page, string userName, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名或邮箱").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        await Step(page, "sign-in");
        await Task.WhenAll(page.WaitForURLAsync(url => !url.Contains("/account/login"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync());
    }

    /// <summary>Saves a full-page screenshot named by its order and <paramref name="name"/>.</summary>
    public async Task Step(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_folder, $"{++_step:D2}-{name}.png"), FullPage = true });

    /// <summary>
    /// Chinese text draws as Chinese glyphs, not as the boxes of a missing font: the page's font renders 匹配 differently
    /// from two private-use characters, which every font draws as the same "missing glyph" box.
    /// </summary>
    public static async Task AssertChineseRenders(IPage page)
    {
        var differs = await page.EvaluateAsync<bool>("""
            () => {
              const draw = text => {
                const c = document.createElement('canvas'); c.width = 120; c.height = 40;
                const g = c.getContext('2d'); g.font = '28px ' + getComputedStyle(document.body).fontFamily;
                g.fillText(text, 4, 30); return Array.from(g.getImageData(0, 0, 120, 40).data).join(',');
              };
              return draw('匹配') !== draw('\uE000\uE001');
            }
            """);
        Assert.True(differs, "Chinese characters render as missing-glyph boxes: install fonts-noto-cjk (the test command does)");
    }

    private static string ArtifactsRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Matching.sln"))) return Path.Combine(dir.FullName, "artifacts");
        return Path.Combine(AppContext.BaseDirectory, "artifacts");
    }

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();
}
