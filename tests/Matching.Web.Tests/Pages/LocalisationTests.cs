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

    /// <summary>The keys the site looks up: L["…"] in views, Text.T("…") in code, and Chinese validation texts.</summary>
    private static IEnumerable<string> Keys(string source) =>
        ViewKey().Matches(source).Concat(CodeKey().Matches(source)).Concat(AnnotationKey().Matches(source))
            .Select(m => m.Groups[1].Value.Replace("\\\"", "\""));

    [GeneratedRegex("""\bL\["((?:[^"\\]|\\.)*)"\]""")]
    private static partial Regex ViewKey();

    [GeneratedRegex("""\bText\.T\("((?:[^"\\]|\\.)*)"[,)]""")]
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
