using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Matching.Web.Tests.Pages;

/// <summary>zh-CN first, English one click away: every key in the code has its English, and the switch works.</summary>
[Collection(WebCollection.Name)]
public partial class LocalisationTests(MatchingWebFactory factory)
{
    [Fact]
    public void EveryTextTheSiteShows_HasItsEnglish()
    {
        var web = Path.Combine(RepositoryRoot(), "Matching.Web");
        var english = XDocument.Load(Path.Combine(web, "Resources", "Text.en.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);
        var files = Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs") || f.EndsWith(".cshtml")) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        var keys = files.SelectMany(f => Keys(File.ReadAllText(f)).Select(k => (File: Path.GetFileName(f), Key: k))).ToList();
        Assert.True(keys.Count > 40, $"only {keys.Count} texts found");
        var missing = keys.Where(k => !english.ContainsKey(k.Key)).Select(k => $"{k.File}: {k.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "no English for:\n" + string.Join("\n", missing));
        Assert.All(english, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"empty English for {e.Key}"));
    }

    [Fact]
    public async Task TheSwitch_ShowsTheSiteInEnglish_AndBack()
    {
        using var client = factory.CookieClient();
        var chinese = await client.GetStringAsync("/account/login");
        Assert.Contains("<html lang=\"zh-CN\">", chinese);
        Assert.Contains("账号由平台管理员开通", chinese);
        var token = await MatchingWebFactory.FormToken(client, "/account/login");
        var switched = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "en", ["returnUrl"] = "/account/login", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/account/login", switched.Headers.Location!.ToString());
        var english = await client.GetStringAsync("/account/login");
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains("Accounts are opened by the platform administrator", english);
        Assert.Contains(">中文</button>", english);
        // Somewhere else is not a place to go back to.
        var away = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN", ["returnUrl"] = "https://example.com/", ["__RequestVerificationToken"] = await MatchingWebFactory.FormToken(client, "/account/login"),
        }));
        Assert.Equal("/", away.Headers.Location!.ToString());
        Assert.Contains("账号由平台管理员开通", await client.GetStringAsync("/account/login"));
    }

    [Fact]
    public void EveryVocabularyValue_HasItsEnglish()
    {
        // Display shows stored vocabulary through Text.T(value), which the key scan above cannot see.
        var english = XDocument.Load(Path.Combine(RepositoryRoot(), "Matching.Web", "Resources", "Text.en.resx")).Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!).ToHashSet();
        var values = Engine.Records.Vocabulary.Maturities.Concat(Engine.Records.Vocabulary.CooperationModes).Concat(Engine.Events.EventFormats.All);
        Assert.All(values, v => Assert.Contains(v, english));
    }

    [Fact]
    public async Task ThePublicPages_ReadInEnglish_AroundTheirChineseRecords()
    {
        using var client = factory.CookieClient();

        var home = await client.GetStringAsync("/?culture=en");
        Assert.Contains("<html lang=\"en\">", home);
        Assert.Contains("<h2>Latest enterprise needs</h2>", home);
        Assert.Contains("<h2>Latest research results</h2>", home);
        Assert.Contains(">All industries</option>", home);
        Assert.Contains(">Small-scale trial</option>", home);
        Assert.Contains("value=\"小试\"", home); // the filter still sends the stored value
        Assert.Contains(">Co-development</li>", home);
        NoChineseIn(home, "<h1>", "<h2>", "<label>", "<button type=\"submit\">", "aria-label=\"", "placeholder=\"", "title=\"");

        var search = await client.GetStringAsync("/?q=OLED&culture=en");
        foreach (var tab in new[] { "Needs", "Results", "Experts" })
            Assert.Matches($"<a href=\"[^\"]*tab={tab.ToLowerInvariant()}[^\"]*\" aria-current=\"false\">\\s*{tab} <span class=\"count\">", search);
        Assert.Contains("Needs matching “<bdi translate=\"no\">OLED</bdi>”: ", search);
        NoChineseIn(search, "<h2>", "aria-label=\"", "<span class=\"pct\">");

        var need = await client.GetStringAsync("/needs/n-display-01?culture=en");
        Assert.Contains("柔性AMOLED薄膜封装水汽阻隔性能提升", need); // the record stays as written
        foreach (var fact in new[] { "Enterprise", "Industries", "Zone", "Desired maturity", "Cooperation", "Budget", "Deadline", "Status", "ID" })
            Assert.Contains($"<dt>{fact}</dt>", need);
        Assert.Contains("<dd>Pilot</dd>", need);
        Assert.Contains("<dd>Co-development, Transfer</dd>", need);
        Assert.Contains("<dd>CNY 2M–5M</dd>", need);
        NoChineseIn(need, "<dt>", "<h2>", "<p class=\"kind\">", "aria-label=\"");

        // Anonymous: the result without its matches.
        var result = await client.GetStringAsync("/results/r-display-07?culture=en");
        Assert.Contains("<p class=\"kind\">Research result</p>", result);
        Assert.Contains("<dt>Guide price</dt><dd>CNY 2M–4.5M</dd>", result);
        Assert.Contains("(University, ", result);
        Assert.Contains("<h2>Team</h2>", result);
        Assert.Contains(">Sign in</a></p>", result);
        NoChineseIn(result, "<dt>", "<h2>", "<p class=\"kind\">", "aria-label=\"");

        // And Chinese is untouched without the switch.
        var chinese = await factory.CookieClient().GetStringAsync("/needs/n-display-01");
        Assert.Contains("<dt>期望成熟度</dt><dd>中试</dd>", chinese);
        Assert.Contains("<dd>200–500 万元</dd>", chinese);
        Assert.Contains("<dd>合作开发、转让</dd>", chinese);
    }

    /// <summary>No CJK right after any of the markers: the UI texts they open (headings, labels, attributes) are English.</summary>
    private static void NoChineseIn(string html, params string[] markers)
    {
        foreach (var marker in markers)
            foreach (Match m in Regex.Matches(html, Regex.Escape(marker) + "[^<\"]*"))
                Assert.False(Regex.IsMatch(m.Value, @"\p{IsCJKUnifiedIdeographs}"), $"Chinese UI text: {m.Value}");
    }

    /// <summary>The keys the site looks up: L["…"] in views, Text.T("…") in code, and Chinese validation texts.</summary>
    private static IEnumerable<string> Keys(string source) =>
        ViewKey().Matches(source).Concat(CodeKey().Matches(source)).Concat(AnnotationKey().Matches(source))
            .Select(m => m.Groups[1].Value.Replace("\\\"", "\""));

    [GeneratedRegex("""\bL\["((?:[^"\\]|\\.)*)"\]""")]
    private static partial Regex ViewKey();

    [GeneratedRegex("""\b(?:Text\.T|Display\.Sentence)\("((?:[^"\\]|\\.)*)"[,)]""")]
    private static partial Regex CodeKey();

    [GeneratedRegex(""""\b(?:ErrorMessage|Name|Prompt|Description)\s*=\s*"((?:[^"\\]|\\.)*\p{IsCJKUnifiedIdeographs}(?:[^"\\]|\\.)*)"""")]
    private static partial Regex AnnotationKey();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Matching.sln"))) return dir.FullName;
        throw new InvalidOperationException("Matching.sln not found above " + AppContext.BaseDirectory);
    }
}
