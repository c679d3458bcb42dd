using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Matching.Engine.Accounts;
using Matching.Engine.Events;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Pages;

/// <summary>
/// Every page, as each role sees it, in both languages: the Chinese site shows no English interface words and the
/// English site no Chinese ones. User data (titles, names, descriptions, ids, values in a message) is marked
/// <c>translate="no"</c> by the pages and is not counted; code and formats (<c>&lt;code&gt;</c>) are not either.
/// The page routes are enumerated from the app's endpoints, so a new page cannot be left out.
/// </summary>
[Collection(WebCollection.Name)]
public partial class LanguageCrawlTests(MatchingWebFactory factory)
{
    /// <summary>Latin words a Chinese page may show: names of formats, units and standards people write in Chinese too.</summary>
    private static readonly HashSet<string> LatinInChinese = new(StringComparer.Ordinal)
    {
        "API", "JSON", "JSONL", "TSV", "CSV", "UTF", "MB", "KB", "TRL", "URL", "A4", "ICS", "iCalendar", "Excel", "OLED", "AI", "PostgreSQL", "SQLite",
        "BM25", "SciFact", "nDCG", "HTTP", "HTTPS", "English", "PDF", "Hangfire", "ID", "OpenAPI", "SVG", "JS",
    };

    [Fact]
    public async Task NoPage_MixesItsLanguage_ForAnyRole()
    {
        // Each role signed in through the form; an import with bad rows so the import page shows its reasons.
        var admin = await factory.SignedInClient("admin", factory.AdminPassword);
        var (organiserName, organiserPassword) = await factory.CreateUser(Roles.Organiser);
        var organiser = await factory.SignedInClient(organiserName, organiserPassword);
        var (universityName, universityPassword) = await factory.CreateUser(Roles.University, "org-uestc");
        var university = await factory.SignedInClient(universityName, universityPassword);
        var (enterpriseName, enterprisePassword) = await factory.CreateUser(Roles.Enterprise, "ent-display-01");
        var enterprise = await factory.SignedInClient(enterpriseName, enterprisePassword);
        var anonymous = factory.CookieClient();
        var run = await ImportWithBadRows(university);
        var userId = Regex.Match(await admin.GetStringAsync("/admin/users"), "href=\"/admin/users/([^\"?]+)\"").Groups[1].Value;

        var visits = new List<(string Route, HttpClient Client, string Url)>
        {
            ("", anonymous, "/"), ("", anonymous, "/?q=柔性显示封装"), ("account/login", anonymous, "/account/login"),
            ("needs/{id}", anonymous, "/needs/n-display-01"), ("results/{id}", anonymous, "/results/r-display-01"),
            ("experts/{id}", anonymous, "/experts/e-display-01"), ("developers", anonymous, "/developers"),
            ("needs/{id}", enterprise, "/needs/n-display-01"), ("results/{id}", university, "/results/r-display-01"),
            ("mine", university, "/mine"), ("mine/results/edit/{id?}", university, "/mine/results/edit/r-display-01"),
            ("mine/experts/edit/{id?}", university, "/mine/experts/edit/e-display-01"), ("mine/import/{id?}", university, "/mine/import"),
            ("mine/import/{id?}", university, "/mine/import/" + run), ("notifications", university, "/notifications"),
            ("mine", enterprise, "/mine"), ("mine/needs/edit/{id?}", enterprise, "/mine/needs/edit/n-display-01"), ("mine/needs/edit/{id?}", enterprise, "/mine/needs/edit"),
            ("agenda/{eventId}/{handler?}", enterprise, "/agenda/" + DemoEvent.Id), ("account/keys", university, "/account/keys"),
            ("account/password", enterprise, "/account/password"), ("account/denied", enterprise, "/account/denied"),
            ("events", organiser, "/events"), ("events/new", organiser, "/events/new"), ("events/{id}", organiser, "/events/" + DemoEvent.Id),
            ("admin/users", admin, "/admin/users"), ("admin/users/{id}", admin, "/admin/users/" + userId), ("admin/organisations", admin, "/admin/organisations"),
            ("admin/organisations/{id}", admin, "/admin/organisations/org-uestc"), ("admin/organisations/merge", admin, "/admin/organisations/merge"),
            ("admin/taxonomy", admin, "/admin/taxonomy"), ("admin/audit", admin, "/admin/audit"), ("admin/models", admin, "/admin/models"),
        };
        // Pages that show no page of their own (they answer a form and redirect).
        string[] redirectsOnly = ["culture", "account/logout"];
        var pages = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor>() is PageActionDescriptor)
            .Select(e => e.RoutePattern.RawText!.Trim('/')).Where(r => r != "Index").Distinct().ToList();
        var notVisited = pages.Except(visits.Select(v => v.Route)).Except(redirectsOnly).ToList();
        Assert.True(notVisited.Count == 0, "pages the crawl does not visit: " + string.Join(", ", notVisited));

        var offences = new List<string>();
        var parser = new HtmlParser();
        foreach (var (_, client, url) in visits)
            foreach (var english in new[] { false, true })
            {
                var address = url + (url.Contains('?') ? "&" : "?") + "culture=" + (english ? "en" : "zh-CN");
                var response = await client.GetAsync(address);
                Assert.True(response.StatusCode == HttpStatusCode.OK || (response.StatusCode == HttpStatusCode.Forbidden && url == "/account/denied"), $"{address} answered {(int)response.StatusCode}");
                var document = await parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
                offences.AddRange(Offences(document, english).Distinct().Select(o => $"{address}: {o}"));
            }
        Assert.True(offences.Count == 0, $"{offences.Count} mixed-language texts:\n" + string.Join("\n", offences.Take(4000)));
    }

    [Fact]
    public async Task FormErrors_AreInThePagesLanguage_NotTheFrameworksEnglish()
    {
        // Sign-in: a name over its length limit (the framework's default read "The field 用户名或邮箱 must be a string …").
        using var anonymous = factory.CookieClient();
        var token = await MatchingWebFactory.FormToken(anonymous, "/account/login");
        var login = await (await anonymous.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = new string('a', 300), ["Password"] = "x", ["__RequestVerificationToken"] = token,
        }))).Content.ReadAsStringAsync();
        Assert.Contains("用户名或邮箱最多 256 个字符", login);
        Assert.DoesNotContain("The field", login);

        // A number field given letters: the binder's message, in Chinese and in English.
        var (name, password) = await factory.CreateUser(Roles.Organiser);
        using var organiser = await factory.SignedInClient(name, password);
        foreach (var (culture, expected) in new[] { ("zh-CN", "“abc”不是有效的时段数"), ("en", "'abc' is not a valid value for") })
        {
            var form = await MatchingWebFactory.FormToken(organiser, "/events/new?culture=" + culture);
            var html = System.Net.WebUtility.HtmlDecode(await (await organiser.PostAsync("/events/new?culture=" + culture, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Name"] = "表单检查", ["StartsAt"] = "2026-12-28T09:00", ["Slots"] = "abc", ["__RequestVerificationToken"] = form,
            }))).Content.ReadAsStringAsync());
            Assert.Contains(expected, html);
            Assert.DoesNotContain("is not valid for", html);
        }
    }

    /// <summary>Interface text of the wrong language on a page: Chinese on the English site, English words on the Chinese one.</summary>
    internal static IEnumerable<string> Offences(IDocument document, bool english)
    {
        // Content declared in the other language (the language switch, the API's English route summaries) is as declared.
        var declared = english ? "[lang^=zh]" : "[lang^=en]";
        foreach (var skipped in document.QuerySelectorAll($"script, style, code, pre, kbd, samp, textarea, [translate=no], {declared}").ToList()) skipped.Remove();
        var texts = document.Body!.Descendants<IText>().Select(t => t.Data)
            .Concat(document.Body!.Descendants<IElement>().SelectMany(e => new[] { e.GetAttribute("placeholder"), e.GetAttribute("title"), e.GetAttribute("aria-label"), e.GetAttribute("alt") }))
            .Concat(document.QuerySelectorAll("input[type=submit], input[type=button]").Select(e => e.GetAttribute("value")))
            .OfType<string>().Select(t => t.Trim()).Where(t => t.Length > 0);
        foreach (var text in texts)
        {
            if (english)
            {
                if (Chinese().IsMatch(text)) yield return text;
                continue;
            }
            // Identifiers (r-display-01, demo-display-2026, org_1), addresses and file names are data, not words.
            var words = Word().Matches(text).Select(m => m.Value.TrimEnd('.', ':', '-', '/'))
                .Where(w => !Regex.IsMatch(w, @"[0-9_@/]|\w[-.:]\w") && w.Length >= 2 && !LatinInChinese.Contains(w));
            if (words.Any()) yield return text;
        }
    }

    private static async Task<string> ImportWithBadRows(HttpClient university)
    {
        var token = await MatchingWebFactory.FormToken(university, "/mine/import");
        var lines = """
            {"id":"r-crawl-01","title":"跨语言检查用成果","maturity":"火星"}
            {"id":"r-crawl-02","title":"预算错误","price":{"min":"多","max":3}}
            {"id":"r-crawl-03","title":
            {"id":"r-crawl-04","title":"可以导入的一行"}
            """;
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(lines)), "Upload", "results.jsonl" },
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var response = await university.PostAsync("/mine/import", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var run = response.Headers.Location!.ToString().Split('/')[^1];
        Assert.True(await Matching.Tests.Shared.Poll.Until(async () => (await university.GetStringAsync("/mine/import/" + run)).Contains("r-crawl-02"),
            TimeSpan.FromSeconds(60)), "the import finished");
        return run;
    }

    [GeneratedRegex(@"[\p{IsCJKUnifiedIdeographs}]")]
    private static partial Regex Chinese();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9_\-./@:]*")]
    private static partial Regex Word();
}
