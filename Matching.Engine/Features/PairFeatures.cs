using Matching.Engine.Records;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Engine.Features;

/// <summary>The record-level pair features. Each returns null when either side lacks the data (the missing convention).</summary>
public static class PairFeatures
{
    /// <summary>Share of the need's keywords that the candidate also lists (folded, case-insensitive).</summary>
    public static float? KeywordOverlap(IReadOnlyList<string> need, IReadOnlyList<string>? candidate)
    {
        if (need.Count == 0 || candidate is null || candidate.Count == 0) return null;
        var theirs = candidate.Select(Fold).ToHashSet();
        return need.Select(Fold).Distinct().Count(theirs.Contains) / (float)need.Select(Fold).Distinct().Count();
    }

    /// <summary>The smallest taxonomy distance between any two industries (0 same, 1 same system, 2 apart).</summary>
    public static float? IndustryDistance(IndustryTaxonomy taxonomy, IReadOnlyList<string> need, IReadOnlyList<string>? candidate)
    {
        if (need.Count == 0 || candidate is null || candidate.Count == 0) return null;
        var distances = need.SelectMany(a => candidate.Select(b => taxonomy.Distance(a, b))).OfType<int>().ToList();
        return distances.Count == 0 ? null : distances.Min();
    }

    /// <summary>Candidate stage minus wanted stage (实验室 0 … 产业化 3): negative means less mature than wanted.</summary>
    public static float? MaturityGap(string? wanted, string? offered) =>
        Vocabulary.MaturityLevel(wanted) is { } w && Vocabulary.MaturityLevel(offered) is { } o ? o - w : null;

    public static float? Jaccard(IReadOnlyList<string> a, IReadOnlyList<string>? b)
    {
        if (a.Count == 0 || b is null || b.Count == 0) return null;
        var union = a.Union(b).Count();
        return a.Intersect(b).Count() / (float)union;
    }

    /// <summary>
    /// How well a price range fits a budget: 1 when they overlap, falling towards 0 as the price's low end exceeds
    /// the budget's high end (budget / price); 1 when the price is below the budget.
    /// </summary>
    public static float? MoneyFit(MoneyRange? budget, MoneyRange? price)
    {
        if (budget is null || price is null || budget.IsEmpty || price.IsEmpty) return null;
        var budgetHigh = budget.Max ?? budget.Min!.Value;
        var priceLow = price.Min ?? price.Max!.Value;
        if (priceLow <= budgetHigh) return 1;
        return priceLow <= 0 ? 1 : (float)(budgetHigh / priceLow);
    }

    public static float? SameZone(string? needZone, string? candidateZone) =>
        string.IsNullOrEmpty(needZone) || string.IsNullOrEmpty(candidateZone) ? null : needZone == candidateZone ? 1 : 0;

    /// <summary>Cosine of two vectors, or null when either is unknown (or all zero).</summary>
    public static float? Cosine(float[]? a, float[]? b)
    {
        if (a is null || b is null || a.Length != b.Length || a.Length == 0) return null;
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? null : (float)(dot / Math.Sqrt(na * nb));
    }

    /// <summary>Prior and weight of the track-record smoothing: an organisation with no history scores the prior.</summary>
    public const float TrackRecordPrior = 0.3f, TrackRecordWeight = 5f;

    /// <summary>
    /// An organisation's record on other needs: (graded ≥ 2 + weight × prior) / (judged + weight), or null with no
    /// judged pair outside <paramref name="needId"/> (leaving the need's own judgements out keeps training honest).
    /// </summary>
    public static float? TrackRecord(IEnumerable<(string NeedId, int Grade)> judged, string needId)
    {
        int n = 0, good = 0;
        foreach (var (need, grade) in judged)
        {
            if (need == needId) continue;
            n++;
            if (grade >= 2) good++;
        }
        return n == 0 ? null : (good + TrackRecordWeight * TrackRecordPrior) / (n + TrackRecordWeight);
    }

    /// <summary>Days from the candidate's last update to the need's, or null when either is unknown.</summary>
    public static float? AgeGapDays(DateTimeOffset? need, DateTimeOffset? candidate) =>
        need is { } a && candidate is { } b ? (float)Math.Round((a - b).TotalDays, 1) : null;

    /// <summary>
    /// Dice overlap of the need's CJK bigrams with the distinct folded CJK bigrams of the candidate's texts (title, body,
    /// each keyword: a bigram never spans two of them). The candidate's side goes into a pooled buffer, sorted, and
    /// counted without a set.
    /// </summary>
    public static float BigramDice(HashSet<int> need, IReadOnlyList<string> texts)
    {
        var length = 0;
        foreach (var t in texts) length += t.Length;
        var buffer = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, length));
        try
        {
            var count = 0;
            foreach (var text in texts)
            {
                var previous = '\0';
                foreach (var raw in text)
                {
                    var c = TextFolding.Fold(raw);
                    if (FeatureExtractor.IsCjk(previous) && FeatureExtractor.IsCjk(c)) buffer[count++] = FeatureExtractor.Bigram(previous, c);
                    previous = c;
                }
            }
            var bigrams = buffer.AsSpan(0, count);
            bigrams.Sort();
            int distinct = 0, shared = 0;
            for (var i = 0; i < bigrams.Length; i++)
            {
                if (i > 0 && bigrams[i] == bigrams[i - 1]) continue;
                distinct++;
                if (need.Contains(bigrams[i])) shared++;
            }
            return need.Count + distinct == 0 ? 0 : 2f * shared / (need.Count + distinct);
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(buffer);
        }
    }

    private static string Fold(string s) => TextFolding.Fold(s.Trim()).ToLowerInvariant();
}
