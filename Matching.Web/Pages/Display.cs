using System.Globalization;
using Matching.Engine.Records;

namespace Matching.Web.Pages;

/// <summary>
/// How record values read on the pages: labels in the viewer's language, money in 万元 (or CNY in English), dates,
/// score percentages. Stored vocabulary values (maturity, cooperation modes, event formats) stay Chinese; only
/// their display is translated.
/// </summary>
public static class Display
{
    /// <summary>
    /// A notification's text with its web addresses as links (the calendar file, the agenda): the text is encoded,
    /// and only http(s) addresses become anchors.
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Linked(string text)
    {
        var encoder = Encoder;
        var html = new System.Text.StringBuilder();
        var last = 0;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"https?://[^\s<>""'）)，。]+"))
        {
            html.Append(encoder.Encode(text[last..m.Index]));
            var url = encoder.Encode(m.Value);
            html.Append("<a href=\"").Append(url).Append("\">").Append(url).Append("</a>");
            last = m.Index + m.Length;
        }
        html.Append(encoder.Encode(text[last..]));
        return new Microsoft.AspNetCore.Html.HtmlString(html.ToString());
    }

    private static readonly System.Text.Encodings.Web.HtmlEncoder Encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>
    /// An engine message in the page's language, its arguments (ids, field names, values the user gave) marked as
    /// data that is not translated (<c>translate="no"</c>, isolated for direction).
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Message(Engine.Messages.Message? message)
    {
        if (message is null) return Microsoft.AspNetCore.Html.HtmlString.Empty;
        var html = new System.Text.StringBuilder();
        foreach (var (text, isArgument) in message.Parts(CultureInfo.CurrentUICulture))
            html.Append(isArgument ? $"<bdi translate=\"no\">{Encoder.Encode(text)}</bdi>" : Encoder.Encode(text));
        return new Microsoft.AspNetCore.Html.HtmlString(html.ToString());
    }

    /// <summary>
    /// A value from the records (a title, a name, a description, a place), marked as data that is not translated;
    /// <paramref name="fallback"/> (interface words, shown as they are) when there is none.
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Data(string? value, object? fallback = null) =>
        string.IsNullOrEmpty(value)
            ? new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(fallback?.ToString() ?? "—"))
            : new Microsoft.AspNetCore.Html.HtmlString($"<bdi translate=\"no\">{Encoder.Encode(value)}</bdi>");

    /// <summary>
    /// A sentence of the site (<paramref name="key"/>, translated) with values from the records in it, each marked
    /// as data: "找到 3 条与“柔性显示”相关的需求" keeps the search words as they were typed on the English site.
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Sentence(string key, params object?[] args)
    {
        var html = new System.Text.StringBuilder();
        foreach (var (text, index) in Engine.Messages.Message.Split(Text.T(key)))
        {
            if (index is not { } n) { html.Append(Encoder.Encode(text)); continue; }
            var arg = n < args.Length ? args[n] : null;
            html.Append(arg switch
            {
                Microsoft.AspNetCore.Html.IHtmlContent content => Html(content),
                Microsoft.Extensions.Localization.LocalizedString words => Encoder.Encode(words.Value),
                int or long => Encoder.Encode(Convert.ToString(arg, CultureInfo.CurrentCulture) ?? ""),
                _ => $"<bdi translate=\"no\">{Encoder.Encode(Convert.ToString(arg, CultureInfo.CurrentCulture) ?? "")}</bdi>",
            });
        }
        return new Microsoft.AspNetCore.Html.HtmlString(html.ToString());
    }

    private static string Html(Microsoft.AspNetCore.Html.IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, Encoder);
        return writer.ToString();
    }

    /// <summary>
    /// Longest search text the pages accept: a whole pasted need description (its strongest 96 terms are searched).
    /// URL-encoded Chinese takes nine bytes a character, so Kestrel's request line is raised to match.
    /// </summary>
    public const int MaxQueryLength = 3_000;

    /// <summary>An industry, system or zone of the taxonomy in the page's language (its English label on the English site).</summary>
    public static string Label(this Engine.Taxonomy.IndustryTaxonomy taxonomy, string? name) =>
        name is null ? "—" : Text.IsEnglish ? taxonomy.English(name) ?? name : name;

    /// <summary>Interface words (already in the page's language) as an argument of <see cref="Sentence"/>, not marked as data.</summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Words(string text) => new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(text));

    /// <summary>
    /// A reason a match is shown, in the page's language. What follows its colon (or sits in its brackets) are the
    /// pair's own words — shared terms, keywords, modes, an industry: taxonomy and vocabulary words are translated,
    /// the record's own words are marked as data.
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Reason(Engine.Taxonomy.IndustryTaxonomy taxonomy, Engine.Scoring.Reason reason)
    {
        var text = Text.IsEnglish ? reason.En : reason.Zh;
        string Item(string item) =>
            taxonomy.IsKnown(item) ? Encoder.Encode(taxonomy.Label(item))
            : Vocabulary.CooperationModes.Contains(item) || Vocabulary.Maturities.Contains(item) ? Encoder.Encode(Text.T(item))
            : $"<bdi translate=\"no\">{Encoder.Encode(item)}</bdi>";
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(?<head>[^:：(（]*?)(?<open>: |：|\s?[(（])(?<list>[^)）]*)(?<close>[)）]?)(?<tail>.*)$");
        if (!match.Success) return new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(text));
        var list = match.Groups["list"].Value;
        var separator = list.Contains('、') ? "、" : ", ";
        // A bracket that holds a figure ("65% covered") is the sentence's own words.
        var items = System.Text.RegularExpressions.Regex.IsMatch(list, @"\d") && match.Groups["open"].Value.Trim() is "(" or "（"
            ? Encoder.Encode(list)
            : string.Join(Encoder.Encode(separator), list.Split(separator).Select(Item));
        var rest = match.Groups["tail"].Value;
        var tail = rest.Length > 0 && (rest.StartsWith(": ") || rest.StartsWith("：")) ? Encoder.Encode(rest[..(rest[0] == '：' ? 1 : 2)]) + string.Join(Encoder.Encode(separator), rest[(rest[0] == '：' ? 1 : 2)..].Split(rest.Contains('、') ? "、" : ", ").Select(Item)) : Encoder.Encode(rest);
        return new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(match.Groups["head"].Value) + Encoder.Encode(match.Groups["open"].Value) + items + Encoder.Encode(match.Groups["close"].Value) + tail);
    }

    /// <summary>A model registry note: the engine's own notes in the page's language, an administrator's as data.</summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Note(string? note) => note switch
    {
        null or "" => Microsoft.AspNetCore.Html.HtmlString.Empty,
        Engine.Scoring.ModelRegistry.ShippedNote => new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(Text.T("随构建发布"))),
        Engine.Scoring.ModelRegistry.ShippedPromotionNote => new Microsoft.AspNetCore.Html.HtmlString(Encoder.Encode(Text.T("随构建发布的模型"))),
        _ => Data(note),
    };

    /// <summary>The badge of a need open for proposals, as <see cref="NeedStatus"/> words it.</summary>
    public static string Open => Text.T("征集中");

    // Each text gets the amount both in 万元 (Chinese) and in CNY (English), so each language picks its own.
    public static string Money(MoneyRange? range) => range switch
    {
        { Min: { } min, Max: { } max } when min == max => Text.T("{0} 万元", Number(min), Yuan(min)),
        { Min: { } min, Max: { } max } => Text.T("{0}–{1} 万元", Number(min), Number(max), Yuan(min), Yuan(max)),
        { Min: { } min } => Text.T("{0} 万元以上", Number(min), Yuan(min)),
        { Max: { } max } => Text.T("{0} 万元以内", Number(max), Yuan(max)),
        _ => Text.T("面议"),
    };

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? Text.T("长期有效");

    public static string Date(DateTimeOffset? time) => time?.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A need's state as a visitor sees it: open, past its deadline, closed or withdrawn.</summary>
    public static string NeedStatus(TechNeed need) => need.Status switch
    {
        RecordStatus.Active when !need.IsOpen(DateOnly.FromDateTime(DateTime.Today)) => Text.T("已截止"),
        RecordStatus.Active => Open,
        _ => Status(need.Status),
    };

    public static string Status(string status) => status switch
    {
        RecordStatus.Active => Text.T("有效"),
        RecordStatus.Closed => Text.T("已关闭"),
        RecordStatus.Withdrawn => Text.T("已撤回"),
        _ => status,
    };

    public static string EventStatus(string status) => status switch
    {
        "draft" => Text.T("筹备中"),
        "generated" => Text.T("名单已生成"),
        "published" => Text.T("已发布"),
        "closed" => Text.T("已结束"),
        _ => status,
    };

    public static string MeetingStatus(string status) => status switch
    {
        "confirmed" => Text.T("已确认"),
        "declined" => Text.T("已婉拒"),
        _ => Text.T("待确认"),
    };

    public static string Funnel(string stage) => stage switch
    {
        "meetings" => Text.T("对接"),
        "attended" => Text.T("到场"),
        "interested" => Text.T("有兴趣"),
        "intent" => Text.T("意向"),
        "signed" => Text.T("签约"),
        _ => stage,
    };

    /// <summary>A chart bar's label: the engine's placeholders for a missing industry or zone are translated, data is not.</summary>
    public static string BarLabel(string label) => label switch
    {
        "未分类" => Text.T("未分类"),
        "未注明" => Text.T("未注明"),
        _ => label,
    };

    public static string Visibility(string visibility) => visibility switch
    {
        "public" => Text.T("公开"),
        "summary" => Text.T("仅公开摘要"),
        "organisers" => Text.T("仅组织方可见"),
        _ => visibility,
    };

    public static string OrganisationKind(string? kind) => kind switch
    {
        "university" => Text.T("高校"),
        "institute" => Text.T("科研院所"),
        "enterprise" => Text.T("企业"),
        "agency" => Text.T("服务机构"),
        _ => Text.T("机构"),
    };

    public static string KindLabel(string kind) => kind switch
    {
        "need" => Text.T("需求"),
        "result" => Text.T("成果"),
        "expert" => Text.T("专家"),
        _ => kind,
    };

    // Vocabulary values are stored in Chinese and keyed by themselves; a value outside the vocabulary shows as it is.
    // LocalisationTests checks every vocabulary value has its English.
    public static string? Maturity(string? maturity) => maturity is null ? null : Term(maturity, Vocabulary.Maturities);

    public static string Cooperation(string mode) => Term(mode, Vocabulary.CooperationModes);

    public static string EventFormat(string format) => Term(format, Engine.Events.EventFormats.All);

    private static string Term(string value, IReadOnlyList<string> vocabulary) => vocabulary.Contains(value) ? Text.T(value) : value;

    /// <summary>The Razor page that shows one record of a kind ("need", "result", "expert").</summary>
    public static string DetailPage(string kind) => kind switch
    {
        "need" => "/Needs/Detail",
        "result" => "/Results/Detail",
        "expert" => "/Experts/Detail",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no detail page"),
    };

    /// <summary>A 0–1 score as a whole percentage, clamped, for score bars.</summary>
    public static int Percent(double score) => (int)Math.Round(Math.Clamp(double.IsFinite(score) ? score : 0, 0, 1) * 100);

    /// <summary>The first <paramref name="max"/> characters of a text, with an ellipsis when cut.</summary>
    public static string Excerpt(string? text, int max = 100)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= max ? flat : flat[..max] + "…";
    }

    public static string List(IEnumerable<string> items, string empty = "—") =>
        string.Join(Text.IsEnglish ? ", " : "、", items) is { Length: > 0 } joined ? joined : empty;

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An amount in 万元 as English readers count it: 50 万元 is 500k, 200 万元 is 2M (yuan).</summary>
    private static string Yuan(decimal wan)
    {
        var yuan = wan * 10_000m;
        return yuan switch
        {
            >= 1_000_000_000m => Number(yuan / 1_000_000_000m) + "B",
            >= 1_000_000m => Number(yuan / 1_000_000m) + "M",
            >= 1_000m => Number(yuan / 1_000m) + "k",
            _ => Number(yuan),
        };
    }
}
