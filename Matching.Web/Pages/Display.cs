using System.Globalization;
using Matching.Engine.Records;

namespace Matching.Web.Pages;

/// <summary>How record values read on the pages: Chinese labels, money in 万元, dates, score percentages.</summary>
public static class Display
{
    /// <summary>Longest search text the pages accept.</summary>
    public const int MaxQueryLength = 200;

    public static string Money(MoneyRange? range) => range switch
    {
        { Min: { } min, Max: { } max } when min == max => $"{Number(min)} 万元",
        { Min: { } min, Max: { } max } => $"{Number(min)}–{Number(max)} 万元",
        { Min: { } min } => $"{Number(min)} 万元以上",
        { Max: { } max } => $"{Number(max)} 万元以内",
        _ => "面议",
    };

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "长期有效";

    public static string Date(DateTimeOffset? time) => time?.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A need's state as a visitor sees it: open, past its deadline, closed or withdrawn.</summary>
    public static string NeedStatus(TechNeed need) => need.Status switch
    {
        RecordStatus.Active when !need.IsOpen(DateOnly.FromDateTime(DateTime.Today)) => "已截止",
        RecordStatus.Active => "征集中",
        _ => Status(need.Status),
    };

    public static string Status(string status) => status switch
    {
        RecordStatus.Active => "有效",
        RecordStatus.Closed => "已关闭",
        RecordStatus.Withdrawn => "已撤回",
        _ => status,
    };

    public static string EventStatus(string status) => status switch
    {
        "draft" => "筹备中",
        "generated" => "名单已生成",
        "published" => "已发布",
        "closed" => "已结束",
        _ => status,
    };

    public static string MeetingStatus(string status) => status switch
    {
        "confirmed" => "已确认",
        "declined" => "已婉拒",
        _ => "待确认",
    };

    public static string Funnel(string stage) => stage switch
    {
        "meetings" => "对接",
        "attended" => "到场",
        "interested" => "有兴趣",
        "intent" => "意向",
        "signed" => "签约",
        _ => stage,
    };

    public static string Visibility(string visibility) => visibility switch
    {
        "public" => "公开",
        "summary" => "仅公开摘要",
        "organisers" => "仅组织方可见",
        _ => visibility,
    };

    public static string OrganisationKind(string? kind) => kind switch
    {
        "university" => "高校",
        "institute" => "科研院所",
        "enterprise" => "企业",
        "agency" => "服务机构",
        _ => "机构",
    };

    public static string KindLabel(string kind) => kind switch
    {
        "need" => "需求",
        "result" => "成果",
        "expert" => "专家",
        _ => kind,
    };

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
        string.Join("、", items) is { Length: > 0 } joined ? joined : empty;

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
