using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Matching.Engine.Messages;

namespace Matching.Engine.Tests.Text;

/// <summary>
/// The engine's messages: every code its rules use has a Chinese and an English text, each in its own language, and
/// a message renders, nests and travels through JSON as its code and arguments.
/// </summary>
public partial class MessageTests
{
    /// <summary>Latin words a Chinese sentence may carry: formats and units people write in Chinese too.</summary>
    private static readonly HashSet<string> LatinInChinese = ["JSON", "MB", "UTF", "TRL", "CSV"];

    [Fact]
    public void EveryCodeTheEngineUses_HasAChineseAndAnEnglishText()
    {
        var chinese = Texts("Texts.resx");
        var english = Texts("Texts.en.resx");
        Assert.Equal(chinese.Keys.Order(StringComparer.Ordinal), english.Keys.Order(StringComparer.Ordinal));

        var engine = Path.Combine(RepositoryRoot(), "Matching.Engine");
        var used = Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => CodeUse().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Code: m.Groups[1].Value)))
            .ToList();
        Assert.True(used.Count > 80, $"only {used.Count} message uses found");
        // Codes built at run time: an event status said as a term.
        var built = new[] { Engine.Events.EventStatus.Draft, Engine.Events.EventStatus.Generated, Engine.Events.EventStatus.Published, Engine.Events.EventStatus.Closed }
            .Select(s => (File: "EventStatus", Code: "EventStatus." + s));
        var missing = used.Concat(built).Where(u => !chinese.ContainsKey(u.Code)).Select(u => $"{u.File}: {u.Code}").Distinct().ToList();
        Assert.True(missing.Count == 0, "no text for:\n" + string.Join("\n", missing));

        foreach (var (code, zh) in chinese)
        {
            var en = english[code];
            // Each says the message in its own language: no Chinese in the English, no English words in the Chinese.
            Assert.False(Regex.IsMatch(en, @"\p{IsCJKUnifiedIdeographs}"), $"{code}: Chinese in the English text: {en}");
            var latin = Regex.Matches(Regex.Replace(zh, @"\{\d+\}", ""), "[A-Za-z]{2,}").Select(m => m.Value).Where(w => !LatinInChinese.Contains(w)).ToList();
            Assert.True(latin.Count == 0, $"{code}: English in the Chinese text: {zh}");
            // Both format with the arguments a message carries.
            var args = Enumerable.Range(0, 8).Select(i => (object)$"a{i}").ToArray();
            _ = string.Format(CultureInfo.InvariantCulture, zh, args);
            _ = string.Format(CultureInfo.InvariantCulture, en, args);
        }
    }

    [Fact]
    public void AMessage_RendersInTheReadersLanguage_WithItsTermsAndNestedReasonsTranslated()
    {
        var message = Message.Of("Import.TooLong", "title", 1234, 200);
        Assert.Equal(["title", "1,234", "200"], message.Args);
        Assert.Equal("title 长 1,234 个字符，上限为 200", message.Render(Message.Chinese));
        Assert.Equal("title is 1,234 characters; the limit is 200", message.Render(Message.English));
        Assert.Equal(message.Render(Message.English), message.Render(CultureInfo.GetCultureInfo("fr-FR")));

        var status = Message.Of("Event.CannotMove", Message.Term("EventStatus.closed"), Message.Term("EventStatus.generated"));
        Assert.Equal("活动状态为「已结束」，不能改为「已生成」", status.Render(Message.Chinese));
        Assert.Equal("the event is closed and cannot become generated", status.Render(Message.English));

        var nested = Message.Of("Event.PairCannotMeet", Message.Of("Event.ForbiddenWithNote", "去年已合作"));
        Assert.Equal("这一对不能安排：组织方已排除这一对（去年已合作）", nested.Render(Message.Chinese));
        Assert.Equal("this pair cannot meet: forbidden by the organiser (去年已合作)", nested.Render(Message.English));

        // The parts a page marks: the argument is data (not translated), the term is words.
        var parts = status.Parts(Message.Chinese).ToList();
        Assert.DoesNotContain(parts, p => p.IsArgument);
        Assert.Equal([("title", true), (" 长 ", false), ("1,234", true), (" 个字符，上限为 ", false), ("200", true)], message.Parts(Message.Chinese));
    }

    [Fact]
    public void AMessage_TravelsThroughJson_AsItsCodeAndArguments_AndAnOldStoredTextStillReads()
    {
        var message = Message.Of("Import.NotOneOf", "visibility", "secret", "public, summary");
        var json = JsonSerializer.Serialize(new { reason = message });
        using (var doc = JsonDocument.Parse(json))
        {
            var reason = doc.RootElement.GetProperty("reason");
            Assert.Equal("Import.NotOneOf", reason.GetProperty("code").GetString());
            Assert.Equal("secret", reason.GetProperty("args")[1].GetString());
            Assert.False(string.IsNullOrEmpty(reason.GetProperty("text").GetString()));
        }
        Assert.Equal(message, JsonSerializer.Deserialize<Wrapper>(json)!.Reason);
        // A report stored before messages had codes held the English sentence: it reads back as that text.
        var old = JsonSerializer.Deserialize<Wrapper>("""{"reason":"broken JSON: something"}""")!.Reason;
        Assert.Equal(Message.Verbatim, old.Code);
        Assert.Equal("broken JSON: something", old.Render(Message.Chinese));
    }

    private sealed record Wrapper([property: System.Text.Json.Serialization.JsonPropertyName("reason")] Message Reason);

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "Matching.Engine", "Messages", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [GeneratedRegex("""(?:Message\.Of|Message\.Term)\("([A-Za-z]+\.[A-Za-z.]+)"[,)]""")]
    private static partial Regex CodeUse();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Matching.sln"))) return dir.FullName;
        throw new InvalidOperationException("Matching.sln not found above " + AppContext.BaseDirectory);
    }
}
