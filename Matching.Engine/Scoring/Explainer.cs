using System.Globalization;
using Matching.Engine.Candidates;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Scoring;

/// <summary>One reason a pair scored as it did: a group of features, how far they moved the raw score, and a sentence.</summary>
public sealed record Reason(string Topic, IReadOnlyList<string> Features, float Contribution, string Zh, string En);

/// <summary>The expert's result that fits the need best, shown as evidence for an expert match.</summary>
public sealed record Evidence(string ResultId, string Title, double Score);

/// <summary>Why a (need, candidate) pair got its score.</summary>
public sealed record Explanation(
    string NeedId, string CandidateId, string Kind, double Score, float RawScore, int Rank, bool InCandidateList, string Model,
    IReadOnlyList<Reason> Reasons, IReadOnlyList<string> MatchedTerms, IReadOnlyList<Snippet> Snippets, Evidence? ClosestResult,
    IReadOnlyDictionary<string, float> Features);

/// <summary>Thrown when scoring is asked for and no model is installed.</summary>
public sealed class NoModelException() : Exception("no scoring model is installed; train one (Matching.Jobs train) or restore models/");

/// <summary>
/// Scores and explains any (need, candidate) pair, in the candidate list or not: the features that moved the score
/// most (ML.NET feature contributions, grouped and put into Chinese and English sentences), the matched terms as
/// highlighted snippets, and for an expert the closest of their results. A need that is not public never has its
/// hidden text in an explanation: snippets and matched terms follow its highlight rule, and its hidden keywords are
/// not quoted.
/// </summary>
public sealed class Explainer(ModelHost models, MatchScorer scorer, RecordStore store)
{
    /// <summary>Most reasons given for one pair.</summary>
    public const int MaxReasons = 5;

    /// <summary>The feature groups a reason speaks for, in <see cref="FeatureSchema"/> names.</summary>
    public static readonly IReadOnlyList<(string Topic, string[] Features)> Groups =
    [
        ("text", ["bm25", "rank", "norm_score", "bm25_all", "coverage"]),
        ("title", ["bm25_title", "coverage_title"]),
        ("keywords", ["bm25_keywords", "keyword_overlap", "has_keyword_overlap"]),
        ("industry", ["industry_distance", "has_industry_distance"]),
        ("maturity", ["maturity_gap", "has_maturity_gap"]),
        ("cooperation", ["cooperation_overlap", "has_cooperation_overlap"]),
        ("money", ["money_fit", "has_money_fit"]),
        ("zone", ["same_zone", "has_same_zone"]),
        ("region", ["same_region", "has_same_region"]),
        ("track", ["track_record", "has_track_record"]),
        ("age", ["age_gap_days", "has_age_gap_days"]),
        ("semantic", ["embedding_cosine", "has_embedding_cosine", "embedding_prf"]),
        ("passage", ["passage_cosine", "has_passage_cosine", "passage_gap"]),
        ("topic", ["topic_cosine", "has_topic_cosine"]),
        ("characters", ["bigram_dice"]),
        ("shape", ["cjk_share", "need_terms", "title_chars", "body_chars"]),
    ];

    /// <summary>Scores and explains one pair; null when the need or the candidate does not exist or is not indexed.</summary>
    public Explanation? Explain(string needId, string candidateId)
    {
        var bundle = models.Current ?? throw new NoModelException();
        var need = store.GetNeed(needId);
        if (need is null) return null;
        var kind = store.GetResult(candidateId) is not null ? RecordKind.Result : store.GetExpert(candidateId) is not null ? RecordKind.Expert : (RecordKind?)null;
        if (kind is null) return null;
        var pair = scorer.ScorePairs(bundle, need, kind.Value, [candidateId]);
        if (pair.Count == 0) return null;
        var scored = pair[0];
        var candidate = scored.Candidate;
        var score = scored.Score;
        Evidence? evidence = null;
        if (kind == RecordKind.Expert)
        {
            var combined = scorer.ScoreExpert(bundle, need, scored);
            score = combined.Score;
            if (combined.BestResultId is { } best && store.GetResult(best) is { } result)
                evidence = new Evidence(best, result.Title, combined.BestResult);
        }
        var contributions = bundle.For(scored.Features).Ranker.Contributions(scored.Features);
        var matched = MatchedTerms(candidate.Snippets);
        var reasons = Reasons(need.PublicView(), kind.Value, candidateId, scored.Features, contributions, matched);
        return new Explanation(need.Id, candidateId, kind.Value.Name(), score, scored.Raw, candidate.Rank, candidate.Rank <= MatchScorer.K, bundle.Version,
            reasons, matched, candidate.Snippets, evidence,
            FeatureSchema.Names.Select((n, i) => (n, scored.Features[i])).ToDictionary(x => x.n, x => x.Item2));
    }

    /// <summary>The highlighted words of a pair's snippets, words before single characters, at most 12.</summary>
    public static IReadOnlyList<string> MatchedTerms(IReadOnlyList<Snippet> snippets)
    {
        var hits = snippets.SelectMany(s => s.Spans).Where(s => s.Hit).Select(s => s.Text.Trim())
            .Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        // Single characters (SmartCn's pieces of words it does not know, the "m" of "μm") say little: words first.
        var words = hits.Where(t => t.Length > 1).ToList();
        return (words.Count > 0 ? words : hits).Take(12).ToList();
    }

    /// <summary>The groups that moved the score most, as sentences; the public view of the need is all they may quote.</summary>
    public IReadOnlyList<Reason> Reasons(TechNeed visible, RecordKind kind, string candidateId, float[] features, float[] contributions, IReadOnlyList<string> matched)
    {
        var facts = Facts(kind, candidateId);
        var list = new List<Reason>();
        foreach (var (topic, names) in Groups)
        {
            var moved = names.Sum(n => contributions[FeatureSchema.IndexOf(n)]);
            if (Math.Abs(moved) < 1e-6f) continue;
            float F(string name) => features[FeatureSchema.IndexOf(name)];
            var (zh, en) = Sentence(topic, moved > 0, F, visible, facts, kind, matched);
            list.Add(new Reason(topic, names, moved, zh, en));
        }
        return list.OrderByDescending(r => Math.Abs(r.Contribution)).Take(MaxReasons).ToList();
    }

    private sealed record CandidateFacts(string Title, IReadOnlyList<string> Keywords, IReadOnlyList<string> Industries, string? Maturity, IReadOnlyList<string> Cooperation, string? Zone);

    private CandidateFacts Facts(RecordKind kind, string id)
    {
        if (kind == RecordKind.Result && store.GetResult(id) is { } r)
            return new CandidateFacts(r.Title, r.Keywords, r.Industries, r.Maturity, r.Cooperation, r.Organisation is { } o ? store.GetOrganisation(o)?.Zone : null);
        var e = store.GetExpert(id);
        var industries = e is null ? [] : store.ResultsOfExperts([e.Id])[e.Id].SelectMany(x => x.Industries).Distinct().ToList();
        return new CandidateFacts(e?.Name ?? id, e?.Areas ?? [], industries, null, [], e?.Organisation is { } eo ? store.GetOrganisation(eo)?.Zone : null);
    }

    private static string Percent(float share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private (string Zh, string En) Sentence(string topic, bool up, Func<string, float> f, TechNeed need, CandidateFacts c, RecordKind kind, IReadOnlyList<string> matched)
    {
        var objZh = kind == RecordKind.Expert ? "专家的研究方向与成果" : "成果";
        var objEn = kind == RecordKind.Expert ? "expert's profile and results" : "result";
        var terms = matched.Count > 0 ? string.Join("、", matched.Take(6)) : "";
        var termsEn = matched.Count > 0 ? string.Join(", ", matched.Take(6)) : "";
        var coverage = Percent(f("coverage"));
        switch (topic)
        {
            case "text":
                return up
                    ? ($"需求的主要术语在{objZh}中出现（覆盖{coverage}）{(terms.Length > 0 ? "：" + terms : "")}", $"Most of the need's terms appear in the {objEn} ({coverage} covered){(termsEn.Length > 0 ? ": " + termsEn : "")}")
                    : ($"需求的术语在{objZh}中出现较少（覆盖{coverage}）", $"Few of the need's terms appear in the {objEn} ({coverage} covered)");
            case "title":
                return up ? ("标题直接命中需求的术语", "The title names the need's terms") : ("标题与需求的术语关联弱", "The title shares few of the need's terms");
            case "keywords":
                var shared = need.Keywords.Where(k => c.Keywords.Any(x => string.Equals(Text.TextFolding.Fold(x), Text.TextFolding.Fold(k), StringComparison.OrdinalIgnoreCase))).ToList();
                var of = $"{shared.Count}/{need.Keywords.Count}";
                if (shared.Count > 0 && up && shared.Count * 2 >= need.Keywords.Count)
                    return ($"关键词高度重合：{string.Join("、", shared)}", $"Shared keywords: {string.Join(", ", shared)}");
                if (shared.Count > 0)
                    return ($"关键词部分重合（{of}）：{string.Join("、", shared)}", $"Some keywords in common ({of}): {string.Join(", ", shared)}");
                return up ? ("关键词与需求相关", "Keywords relate to the need") : ("关键词与需求不重合", "No keywords in common with the need");
            case "industry":
                if (f("has_industry_distance") == 0) return ("一方未注明产业", "An industry is not stated on one side");
                var a = string.Join("、", need.Industries);
                var b = string.Join("、", c.Industries);
                return f("industry_distance") switch
                {
                    0 => ($"同属{need.Industries.Intersect(c.Industries).FirstOrDefault() ?? a}产业", $"Same industry ({need.Industries.Intersect(c.Industries).FirstOrDefault() ?? a})"),
                    1 => ($"同一产业体系（需求：{a}；{objZh}：{b}）", $"Same industry system (need: {a}; {objEn}: {b})"),
                    _ => ($"产业不同（需求：{a}；{objZh}：{b}）", $"Different industries (need: {a}; {objEn}: {b})"),
                };
            case "maturity":
                if (f("has_maturity_gap") == 0) return ("一方未注明成熟度", "Maturity is not stated on one side");
                var gap = f("maturity_gap");
                return gap == 0 ? ($"成果处于{c.Maturity}阶段，符合需求", $"The result is at the {c.Maturity} stage the need asks for")
                    : gap > 0 ? ($"成果已到{c.Maturity}阶段，高于需求的{need.Maturity}", $"The result is further along ({c.Maturity}) than the need asks ({need.Maturity})")
                    : ($"成果处于{c.Maturity}阶段，尚未达到需求的{need.Maturity}", $"The result ({c.Maturity}) is less mature than the need asks ({need.Maturity})");
            case "cooperation":
                if (f("has_cooperation_overlap") == 0) return ("一方未注明合作方式", "Cooperation modes are not stated on one side");
                var modes = need.Cooperation.Intersect(c.Cooperation).ToList();
                return modes.Count > 0 ? ($"合作方式一致：{string.Join("、", modes)}", $"Cooperation modes in common: {string.Join(", ", modes)}")
                    : ($"合作方式不一致（需求：{string.Join("、", need.Cooperation)}）", $"No cooperation mode in common (need: {string.Join(", ", need.Cooperation)})");
            case "money":
                if (f("has_money_fit") == 0) return ("一方未注明预算或报价", "Budget or price is not stated on one side");
                return f("money_fit") >= 1 ? ("报价在预算之内", "The price fits the budget") : ("报价高于预算", "The price is above the budget");
            case "zone":
                if (f("has_same_zone") == 0) return ("一方未注明所在功能区", "A zone is not stated on one side");
                return f("same_zone") == 1 ? ($"同在{c.Zone}", $"Both in {c.Zone}") : ("不在同一产业功能区", "In different zones");
            case "region":
                if (f("has_same_region") == 0) return ("一方未注明所在地区", "A region is not stated on one side");
                return f("same_region") == 1 ? ("同一地区", "Same region") : ("不在同一地区", "In different regions");
            case "track":
                if (f("has_track_record") == 0) return ("所在单位暂无对接记录", "No matching record yet for the organisation");
                var share = Percent(f("track_record"));
                return up ? ($"所在单位以往对接评价较好（平滑后 {share}）", $"The organisation's past matches were rated well ({share}, smoothed)")
                    : ($"所在单位以往对接评价一般（平滑后 {share}）", $"The organisation's past matches were rated modestly ({share}, smoothed)");
            case "age":
                if (f("has_age_gap_days") == 0) return ("发布时间未知", "Publication dates unknown");
                var days = f("age_gap_days").ToString("0", CultureInfo.InvariantCulture);
                return up ? ($"{(kind == RecordKind.Expert ? "资料" : "成果")}较新（早于需求 {days} 天更新）", $"Recently updated ({days} days before the need)")
                    : ($"{(kind == RecordKind.Expert ? "资料" : "成果")}较旧（早于需求 {days} 天更新）", $"Updated long ago ({days} days before the need)");
            case "semantic":
                if (f("has_embedding_cosine") == 0) return ("无句向量（中文文本由主题与字面信号衡量）", "No sentence vector (Chinese text is measured by topics and characters)");
                var cos = f("embedding_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return up ? ($"语义相近（句向量余弦 {cos}）", $"Close in meaning (sentence cosine {cos})") : ($"语义相距较远（句向量余弦 {cos}）", $"Far apart in meaning (sentence cosine {cos})");
            case "passage":
                if (f("has_passage_cosine") == 0) return ("无逐句向量（中文文本由主题与字面信号衡量）", "No sentence-by-sentence vectors (Chinese text is measured by topics and characters)");
                var pc = f("passage_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return up ? ($"有一句话与需求语义很近（余弦 {pc}）", $"One sentence is close in meaning to the need (cosine {pc})")
                    : ($"没有哪句话与需求语义相近（最高余弦 {pc}）", $"No sentence is close in meaning to the need (best cosine {pc})");
            case "topic":
                if (f("has_topic_cosine") == 0) return ("暂无主题向量", "No topic mixture yet");
                var t = f("topic_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return up ? ($"主题相近（主题余弦 {t}）", $"Similar topics (topic cosine {t})") : ($"主题不同（主题余弦 {t}）", $"Different topics (topic cosine {t})");
            case "characters":
                var d = f("bigram_dice").ToString("F2", CultureInfo.InvariantCulture);
                return up ? ($"字面重合较多（汉字二元组 {d}）", $"Many character pairs in common ({d})") : ($"字面重合较少（汉字二元组 {d}）", $"Few character pairs in common ({d})");
            default:
                return up ? ("文本长度与语言等因素有利", "Text length and language count in favour") : ("文本长度与语言等因素不利", "Text length and language count against");
        }
    }
}
