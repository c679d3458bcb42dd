namespace Matching.Engine.Evaluation;

/// <summary>The usual graded-relevance metrics over one ranked list (trec_eval definitions, gains 2^g − 1 for nDCG).</summary>
public static class RankingMetrics
{
    public static double Ndcg(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
            if (judged.TryGetValue(ranked[i], out var g) && g > 0) dcg += (Math.Pow(2, g) - 1) / Math.Log2(i + 2);
        var ideal = judged.Values.Where(g => g > 0).OrderByDescending(g => g).Take(k).Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
        return ideal > 0 ? dcg / ideal : 0;
    }

    public static double AveragePrecision(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        var relevant = judged.Count(j => j.Value > 0);
        if (relevant == 0) return 0;
        double hits = 0, sum = 0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (!judged.TryGetValue(ranked[i], out var g) || g <= 0) continue;
            hits++;
            sum += hits / (i + 1);
        }
        return sum / relevant;
    }

    public static double Recall(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        var relevant = judged.Count(j => j.Value > 0);
        if (relevant == 0) return 0;
        return ranked.Take(k).Count(id => judged.TryGetValue(id, out var g) && g > 0) / (double)relevant;
    }

    /// <summary>
    /// Paired bootstrap over queries: the mean of <paramref name="b"/> − <paramref name="a"/> and its 95% interval
    /// from resampling queries with replacement.
    /// </summary>
    public static (double Mean, double Low, double High) PairedBootstrap(IReadOnlyList<double> a, IReadOnlyList<double> b, int samples = 2000, int seed = 17)
    {
        if (a.Count != b.Count || a.Count == 0) throw new ArgumentException("paired lists of equal, non-zero length are needed");
        var diff = a.Zip(b, (x, y) => y - x).ToArray();
        var rng = new Random(seed);
        var means = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            double sum = 0;
            for (var i = 0; i < diff.Length; i++) sum += diff[rng.Next(diff.Length)];
            means[s] = sum / diff.Length;
        }
        Array.Sort(means);
        return (diff.Average(), means[(int)(0.025 * samples)], means[(int)(0.975 * samples) - 1]);
    }

    /// <summary>
    /// The area under the ROC curve: the chance that a relevant item scores above an irrelevant one (ties count
    /// half; Mann–Whitney by ranks). 0.5 when one class is absent.
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> relevant)
    {
        if (scores.Count != relevant.Count) throw new ArgumentException("scores and labels must pair up");
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positives = 0, rankSum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var midRank = (start + end) / 2.0 + 1;
            for (var j = start; j <= end; j++)
                if (relevant[order[j]])
                {
                    positives++;
                    rankSum += midRank;
                }
            start = end + 1;
        }
        var negatives = scores.Count - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Mean log loss of probabilities against labels (each clipped to [10⁻⁶, 1 − 10⁻⁶]).</summary>
    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<bool> relevant) =>
        probabilities.Count == 0 ? 0 : probabilities.Select((p, i) => Math.Clamp(p, 1e-6, 1 - 1e-6) is var q && relevant[i] ? -Math.Log(q) : -Math.Log(1 - q)).Average();
}
