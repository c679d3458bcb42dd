namespace Matching.Engine.Records;

/// <summary>The closed vocabularies of the interchange format, with the spellings accepted on input.</summary>
public static class Vocabulary
{
    /// <summary>Maturity stages, ordered. TRL 1–9 is accepted and mapped onto them.</summary>
    public static readonly IReadOnlyList<string> Maturities = ["实验室", "小试", "中试", "产业化"];

    /// <summary>Cooperation modes.</summary>
    public static readonly IReadOnlyList<string> CooperationModes = ["转让", "许可", "合作开发", "作价入股", "技术服务"];

    /// <summary>Organisation kinds.</summary>
    public static readonly IReadOnlyList<string> OrganisationKinds = ["university", "institute", "enterprise", "agency"];

    /// <summary>Need visibility levels.</summary>
    public static readonly IReadOnlyList<string> Visibilities = ["public", "summary", "organisers"];

    private static readonly Dictionary<string, string> InEnglish = new()
    {
        ["实验室"] = "lab", ["小试"] = "small-scale trial", ["中试"] = "pilot", ["产业化"] = "industrialised",
        ["转让"] = "transfer", ["许可"] = "licence", ["合作开发"] = "co-development", ["作价入股"] = "equity investment", ["技术服务"] = "technical service",
    };

    /// <summary>A maturity stage or cooperation mode as English sentences name it (the pages' English terms, lower case); other values as they are.</summary>
    public static string English(string? term) => term is null ? "" : InEnglish.GetValueOrDefault(term, term);

    private static readonly Dictionary<string, string> MaturityAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["实验室"] = "实验室", ["实验室阶段"] = "实验室", ["lab"] = "实验室", ["laboratory"] = "实验室",
        ["小试"] = "小试", ["小试阶段"] = "小试", ["pilot-small"] = "小试",
        ["中试"] = "中试", ["中试阶段"] = "中试", ["pilot"] = "中试",
        ["产业化"] = "产业化", ["量产"] = "产业化", ["industrial"] = "产业化", ["production"] = "产业化",
    };

    private static readonly Dictionary<string, string> CooperationAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["转让"] = "转让", ["技术转让"] = "转让", ["transfer"] = "转让",
        ["许可"] = "许可", ["技术许可"] = "许可", ["license"] = "许可", ["licence"] = "许可",
        ["合作开发"] = "合作开发", ["联合开发"] = "合作开发", ["co-development"] = "合作开发",
        ["作价入股"] = "作价入股", ["技术入股"] = "作价入股", ["equity"] = "作价入股",
        ["技术服务"] = "技术服务", ["技术咨询"] = "技术服务", ["service"] = "技术服务",
    };

    /// <summary>Normalises a maturity spelling ("中试阶段", "TRL 6", "6") to a stage; null when unknown.</summary>
    public static string? NormaliseMaturity(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (MaturityAliases.TryGetValue(v, out var stage)) return stage;
        var digits = v.StartsWith("TRL", StringComparison.OrdinalIgnoreCase) ? v[3..].Trim() : v;
        if (int.TryParse(digits, out var trl) && trl is >= 1 and <= 9)
            return trl switch { <= 3 => "实验室", <= 5 => "小试", <= 7 => "中试", _ => "产业化" };
        return null;
    }

    /// <summary>Normalises a cooperation-mode spelling; null when unknown.</summary>
    public static string? NormaliseCooperation(string? value) =>
        value is not null && CooperationAliases.TryGetValue(value.Trim(), out var mode) ? mode : null;

    /// <summary>The 0-based stage index of a normalised maturity, or null.</summary>
    public static int? MaturityLevel(string? maturity)
    {
        if (maturity is null) return null;
        for (var i = 0; i < Maturities.Count; i++)
            if (Maturities[i] == maturity) return i;
        return null;
    }
}
