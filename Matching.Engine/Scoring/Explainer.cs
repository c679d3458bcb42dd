using System.Globalization;
using Matching.Engine.Candidates;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Scoring;

/// <summary>
/// One reason a pair scored as it did: a group of features, how far they moved the raw score, and a sentence worded
/// from the features' values. Polarity is what the value says (+1 favours the pair, −1 does not, 0 in between or not
/// stated); a shown reason's polarity is 0 or the contribution's sign.
/// </summary>
public sealed record Reason(string Topic, IReadOnlyList<string> Features, float Contribution, string Zh, string En, int Polarity = 0);

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
public sealed class Explainer(ModelHost models, MatchScorer scorer, RecordStore store, Vectors.RecordVectors? vectors = null)
{
    /// <summary>The reason that quotes the candidate's sentence closest in meaning to the need.</summary>
    public const string Closest = "closest";

    /// <summary>Longest quoted sentence, in characters; a longer one is cut with an ellipsis.</summary>
    public const int MaxQuote = 80;
    /// <summary>The group of features (text length, language) that never becomes a sentence.</summary>
    public const string Unspoken = "shape";

    /// <summary>Most reasons given for one pair.</summary>
    public const int MaxReasons = 5;

    /// <summary>The feature groups a reason speaks for, in <see cref="FeatureSchema"/> names.</summary>
    public static readonly IReadOnlyList<(string Topic, string[] Features)> Groups =
    [
        ("text", ["bm25", "rank", "norm_score", "bm25_all", "coverage", "rrf", "bm25_ratio", "coverage_idf"]),
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
        ("semantic", ["embedding_cosine", "has_embedding_cosine", "embedding_prf", "dense_rank", "dense_only"]),
        ("passage", ["passage_cosine", "has_passage_cosine", "passage_gap"]),
        ("topic", ["topic_cosine", "has_topic_cosine"]),
        ("characters", ["bigram_dice", "bm25_bigrams", "bigram_ratio"]),
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
        var contributions = bundle.For(scored.Features).Contributions(scored.Features);
        var matched = MatchedTerms(candidate.Snippets);
        var reasons = Reasons(need.PublicView(), kind.Value, candidateId, scored.Features, contributions, matched,
            SharesFewWords(scored.Features) ? ClosestSentence(bundle, need, kind.Value, candidateId) : null);
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

    /// <summary>
    /// Whether a pair is one the closest sentence explains: found by the dense list alone, or holding under
    /// <see cref="Thresholds.CoverageLow"/> of the need's term weight. Callers look the sentence up only then.
    /// </summary>
    public static bool SharesFewWords(float[] features) =>
        features[FeatureSchema.IndexOf("dense_only")] == 1 || features[FeatureSchema.IndexOf("coverage")] < Thresholds.CoverageLow;

    /// <summary>
    /// The candidate's sentence closest in meaning to the need (the best of its stored sentence vectors against the
    /// need's vector) and their cosine; null without vectors, when they are stale, or when quoting could reveal what a
    /// viewer may not read: the need must be public (its hidden text chose the sentence otherwise), and so must the
    /// result, or for an expert every one of their results (their sentences include their results' abstracts).
    /// </summary>
    public (string Sentence, float Cosine)? ClosestSentence(ModelBundle bundle, TechNeed need, RecordKind kind, string candidateId)
    {
        if (vectors is null || need.Visibility != "public") return null;
        string body;
        if (kind == RecordKind.Result)
        {
            if (store.GetResult(candidateId) is not { Visibility: "public" } result) return null;
            body = Vectors.RecordTexts.BodyOf(result);
        }
        else
        {
            if (store.GetExpert(candidateId) is not { } expert) return null;
            var own = store.ResultsOfExperts([expert.Id])[expert.Id].Where(r => r.Status == RecordStatus.Active).ToList();
            if (own.Any(r => r.Visibility != "public")) return null;
            body = Vectors.RecordTexts.BodyOf(expert, own);
        }
        var models = Vectors.VectorModels.Of(bundle);
        var needVector = models.Lookup(vectors, RecordKind.Need, [need.Id])(need.Id)?.Embedding;
        var passages = models.Lookup(vectors, kind, [candidateId])(candidateId)?.Passages;
        var sentences = Vectors.RecordTexts.PassagesOf(kind, body);
        // Vectors of another text (not recomputed yet) would point at the wrong sentence.
        if (needVector is null || passages is null || passages.Length != sentences.Count || passages[0].Length != needVector.Length) return null;
        var best = Enumerable.Range(0, passages.Length).MaxBy(i => PairFeatures.Cosine(needVector, passages[i]) ?? -1);
        return (sentences[best], PairFeatures.Cosine(needVector, passages[best]) ?? 0);
    }

    /// <summary>
    /// The groups that moved the score most, as sentences; the public view of the need is all they may quote. A pair
    /// that shares few words with the need (found by the dense list alone, or with little of the need's term weight)
    /// and has a sentence close in meaning (<paramref name="closest"/>) is explained by that sentence, quoted.
    /// </summary>
    public IReadOnlyList<Reason> Reasons(TechNeed visible, RecordKind kind, string candidateId, float[] features, float[] contributions, IReadOnlyList<string> matched,
        (string Sentence, float Cosine)? closest = null)
    {
        var facts = Facts(kind, candidateId);
        var list = new List<Reason>();
        foreach (var (topic, names) in Groups)
        {
            // Text length and language shape the score but are nothing a person can act on or check.
            if (topic == Unspoken) continue;
            var moved = names.Sum(n => contributions[FeatureSchema.IndexOf(n)]);
            if (Math.Abs(moved) < 1e-6f) continue;
            float F(string name) => features[FeatureSchema.IndexOf(name)];
            var (zh, en, polarity) = Sentence(topic, F, visible, facts, kind, matched);
            // Words that say the opposite of the bar beside them are not shown.
            if (polarity != 0 && polarity != Math.Sign(moved)) continue;
            list.Add(new Reason(topic, names, moved, zh, en, polarity));
        }
        if (closest is { } c && SharesFewWords(features) && c.Cosine >= Thresholds.PassageLow)
        {
            // It says what the passage reason says, with the sentence: it takes that reason's place, and always shows.
            string[] names = ["passage_cosine", "has_passage_cosine", "passage_gap", "embedding_cosine", "has_embedding_cosine", "dense_rank", "dense_only"];
            var moved = names.Sum(n => contributions[FeatureSchema.IndexOf(n)]);
            var quote = c.Sentence.Length > MaxQuote ? c.Sentence[..MaxQuote] + "…" : c.Sentence;
            var cos = c.Cosine.ToString("F2", CultureInfo.InvariantCulture);
            list.RemoveAll(r => r.Topic is "passage" or "semantic");
            var others = list.OrderByDescending(r => Math.Abs(r.Contribution)).Take(MaxReasons - 1);
            return others.Append(new Reason(Closest, names, moved, $"最接近的表述（语义余弦 {cos}）：{quote}", $"Closest statement (cosine {cos} in meaning): {quote}", 1))
                .OrderByDescending(r => Math.Abs(r.Contribution)).ToList();
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

    /// <summary>Where a feature's value reads as high (favourable) or low; between the two it is worded neutrally.</summary>
    public static class Thresholds
    {
        public const float CoverageHigh = 0.5f, CoverageLow = 0.2f, TitleHigh = 0.3f;
        public const float CosineHigh = 0.5f, CosineLow = 0.3f, PassageHigh = 0.6f, PassageLow = 0.4f, TopicHigh = 0.6f, TopicLow = 0.3f;
        public const float BigramHigh = 0.2f, BigramLow = 0.08f, TrackHigh = 0.5f, TrackLow = 0.3f;
        public const float RecentDays = 365, OldDays = 3 * 365;
    }

    /// <summary>+1 when the value is high, −1 when low, 0 in between.</summary>
    private static int Level(float value, float high, float low) => value >= high ? 1 : value < low ? -1 : 0;

    /// <summary>
    /// A reason's sentence and polarity from the feature's value alone: +1 when the value favours the pair (most terms
    /// covered, same industry, close topics), −1 when it does not, 0 when it is in between or not stated. The sign of
    /// the contribution does not choose the words; <see cref="Reasons"/> leaves out a reason whose polarity and sign
    /// disagree (the model weighed the value against the pair through other features, which a sentence cannot say).
    /// </summary>
    private static (string Zh, string En, int Polarity) Sentence(string topic, Func<string, float> f, TechNeed need, CandidateFacts c, RecordKind kind, IReadOnlyList<string> matched)
    {
        var objZh = kind == RecordKind.Expert ? "专家的研究方向与成果" : "成果";
        var objEn = kind == RecordKind.Expert ? "expert's profile and results" : "result";
        var terms = matched.Count > 0 ? string.Join("、", matched.Take(6)) : "";
        var termsEn = matched.Count > 0 ? string.Join(", ", matched.Take(6)) : "";
        switch (topic)
        {
            case "text":
            {
                var coverage = Percent(f("coverage"));
                return Level(f("coverage"), Thresholds.CoverageHigh, Thresholds.CoverageLow) switch
                {
                    1 => ($"需求的大部分术语在{objZh}中出现（覆盖{coverage}）{(terms.Length > 0 ? "：" + terms : "")}", $"Most of the need's terms appear in the {objEn} ({coverage} covered){(termsEn.Length > 0 ? ": " + termsEn : "")}", 1),
                    0 => ($"需求的部分术语在{objZh}中出现（覆盖{coverage}）{(terms.Length > 0 ? "：" + terms : "")}", $"Some of the need's terms appear in the {objEn} ({coverage} covered){(termsEn.Length > 0 ? ": " + termsEn : "")}", 0),
                    _ => ($"需求的术语在{objZh}中出现较少（覆盖{coverage}）", $"Few of the need's terms appear in the {objEn} ({coverage} covered)", -1),
                };
            }
            case "title":
            {
                var share = f("coverage_title");
                var shown = Percent(share);
                return share >= Thresholds.TitleHigh ? ($"标题直接命中需求的术语（覆盖{shown}）", $"The title names the need's terms ({shown} covered)", 1)
                    : share > 0 ? ($"标题含有少量需求的术语（覆盖{shown}）", $"The title holds a few of the need's terms ({shown} covered)", 0)
                    : ("标题中没有需求的术语", "The title holds none of the need's terms", -1);
            }
            case "keywords":
                var shared = need.Keywords.Where(k => c.Keywords.Any(x => string.Equals(Text.TextFolding.Fold(x), Text.TextFolding.Fold(k), StringComparison.OrdinalIgnoreCase))).ToList();
                var of = $"{shared.Count}/{need.Keywords.Count}";
                if (shared.Count > 0 && shared.Count * 2 >= need.Keywords.Count)
                    return ($"关键词高度重合：{string.Join("、", shared)}", $"Shared keywords: {string.Join(", ", shared)}", 1);
                if (shared.Count > 0)
                    return ($"关键词部分重合（{of}）：{string.Join("、", shared)}", $"Some keywords in common ({of}): {string.Join(", ", shared)}", 1);
                return need.Keywords.Count == 0 || c.Keywords.Count == 0 ? ("一方未填写关键词", "Keywords are not given on one side", 0) : ("关键词与需求不重合", "No keywords in common with the need", -1);
            case "industry":
                if (f("has_industry_distance") == 0) return ("一方未注明产业", "An industry is not stated on one side", 0);
                var a = string.Join("、", need.Industries);
                var b = string.Join("、", c.Industries);
                return f("industry_distance") switch
                {
                    0 => ($"同属{need.Industries.Intersect(c.Industries).FirstOrDefault() ?? a}产业", $"Same industry ({need.Industries.Intersect(c.Industries).FirstOrDefault() ?? a})", 1),
                    1 => ($"同一产业体系（需求：{a}；{objZh}：{b}）", $"Same industry system (need: {a}; {objEn}: {b})", 0),
                    _ => ($"产业不同（需求：{a}；{objZh}：{b}）", $"Different industries (need: {a}; {objEn}: {b})", -1),
                };
            case "maturity":
                if (f("has_maturity_gap") == 0) return ("一方未注明成熟度", "Maturity is not stated on one side", 0);
                var gap = f("maturity_gap");
                return gap == 0 ? ($"成果处于{c.Maturity}阶段，符合需求", $"The result is at the {Vocabulary.English(c.Maturity)} stage the need asks for", 1)
                    : gap > 0 ? ($"成果已到{c.Maturity}阶段，高于需求的{need.Maturity}", $"The result is further along ({Vocabulary.English(c.Maturity)}) than the need asks ({Vocabulary.English(need.Maturity)})", 1)
                    : ($"成果处于{c.Maturity}阶段，尚未达到需求的{need.Maturity}", $"The result ({Vocabulary.English(c.Maturity)}) is less mature than the need asks ({Vocabulary.English(need.Maturity)})", -1);
            case "cooperation":
                if (f("has_cooperation_overlap") == 0) return ("一方未注明合作方式", "Cooperation modes are not stated on one side", 0);
                var modes = need.Cooperation.Intersect(c.Cooperation).ToList();
                return modes.Count > 0 ? ($"合作方式一致：{string.Join("、", modes)}", $"Cooperation modes in common: {string.Join(", ", modes.Select(Vocabulary.English))}", 1)
                    : ($"合作方式不一致（需求：{string.Join("、", need.Cooperation)}）", $"No cooperation mode in common (need: {string.Join(", ", need.Cooperation.Select(Vocabulary.English))})", -1);
            case "money":
                if (f("has_money_fit") == 0) return ("一方未注明预算或报价", "Budget or price is not stated on one side", 0);
                return f("money_fit") >= 1 ? ("报价在预算之内", "The price fits the budget", 1) : ("报价高于预算", "The price is above the budget", -1);
            case "zone":
                if (f("has_same_zone") == 0) return ("一方未注明所在功能区", "A zone is not stated on one side", 0);
                return f("same_zone") == 1 ? ($"同在{c.Zone}", $"Both in {c.Zone}", 1) : ("不在同一产业功能区", "In different zones", -1);
            case "region":
                if (f("has_same_region") == 0) return ("一方未注明所在地区", "A region is not stated on one side", 0);
                return f("same_region") == 1 ? ("同一地区", "Same region", 1) : ("不在同一地区", "In different regions", -1);
            case "track":
            {
                if (f("has_track_record") == 0) return ("所在单位暂无对接记录", "No matching record yet for the organisation", 0);
                var share = Percent(f("track_record"));
                return Level(f("track_record"), Thresholds.TrackHigh, Thresholds.TrackLow) switch
                {
                    1 => ($"所在单位以往对接评价较好（平滑后 {share}）", $"The organisation's past matches were rated well ({share}, smoothed)", 1),
                    0 => ($"所在单位以往对接评价一般（平滑后 {share}）", $"The organisation's past matches were rated modestly ({share}, smoothed)", 0),
                    _ => ($"所在单位以往对接评价较差（平滑后 {share}）", $"The organisation's past matches were rated poorly ({share}, smoothed)", -1),
                };
            }
            case "age":
            {
                if (f("has_age_gap_days") == 0) return ("发布时间未知", "Publication dates unknown", 0);
                var daysValue = f("age_gap_days");
                var days = daysValue.ToString("0", CultureInfo.InvariantCulture);
                var what = kind == RecordKind.Expert ? "资料" : "成果";
                return daysValue <= Thresholds.RecentDays ? ($"{what}较新（早于需求 {days} 天更新）", $"Recently updated ({days} days before the need)", 1)
                    : daysValue > Thresholds.OldDays ? ($"{what}较旧（早于需求 {days} 天更新）", $"Updated long ago ({days} days before the need)", -1)
                    : ($"{what}早于需求 {days} 天更新", $"Updated {days} days before the need", 0);
            }
            case "semantic":
            {
                if (f("has_embedding_cosine") == 0) return ("暂无句向量（语义信号缺失）", "No sentence vector yet (no meaning signal)", 0);
                if (f("dense_only") == 1)
                {
                    var dc = f("embedding_cosine").ToString("F2", CultureInfo.InvariantCulture);
                    return ($"按语义找到，字面重合少（句向量余弦 {dc}）", $"Found by meaning, with few words in common (sentence cosine {dc})", 1);
                }
                var cos = f("embedding_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return Level(f("embedding_cosine"), Thresholds.CosineHigh, Thresholds.CosineLow) switch
                {
                    1 => ($"语义相近（句向量余弦 {cos}）", $"Close in meaning (sentence cosine {cos})", 1),
                    0 => ($"语义有一定关联（句向量余弦 {cos}）", $"Somewhat related in meaning (sentence cosine {cos})", 0),
                    _ => ($"语义相距较远（句向量余弦 {cos}）", $"Far apart in meaning (sentence cosine {cos})", -1),
                };
            }
            case "passage":
            {
                if (f("has_passage_cosine") == 0) return ("暂无逐句向量", "No sentence-by-sentence vectors yet", 0);
                var pc = f("passage_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return Level(f("passage_cosine"), Thresholds.PassageHigh, Thresholds.PassageLow) switch
                {
                    1 => ($"有一句话与需求语义很近（余弦 {pc}）", $"One sentence is close in meaning to the need (cosine {pc})", 1),
                    0 => ($"最接近的一句与需求有一定关联（余弦 {pc}）", $"The closest sentence is somewhat related to the need (cosine {pc})", 0),
                    _ => ($"没有哪句话与需求语义相近（最高余弦 {pc}）", $"No sentence is close in meaning to the need (best cosine {pc})", -1),
                };
            }
            case "topic":
            {
                if (f("has_topic_cosine") == 0) return ("暂无主题向量", "No topic mixture yet", 0);
                var t = f("topic_cosine").ToString("F2", CultureInfo.InvariantCulture);
                return Level(f("topic_cosine"), Thresholds.TopicHigh, Thresholds.TopicLow) switch
                {
                    1 => ($"主题相近（主题余弦 {t}）", $"Similar topics (topic cosine {t})", 1),
                    0 => ($"主题部分相关（主题余弦 {t}）", $"Partly related topics (topic cosine {t})", 0),
                    _ => ($"主题不同（主题余弦 {t}）", $"Different topics (topic cosine {t})", -1),
                };
            }
            case "characters":
            {
                var d = f("bigram_dice").ToString("F2", CultureInfo.InvariantCulture);
                return Level(f("bigram_dice"), Thresholds.BigramHigh, Thresholds.BigramLow) switch
                {
                    1 => ($"字面重合较多（汉字二元组 {d}）", $"Many character pairs in common ({d})", 1),
                    0 => ($"字面有一定重合（汉字二元组 {d}）", $"Some character pairs in common ({d})", 0),
                    _ => ($"字面重合较少（汉字二元组 {d}）", $"Few character pairs in common ({d})", -1),
                };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(topic), topic, "not a topic a person reads");
        }
    }
}
