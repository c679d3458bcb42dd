using System.Text.Json;

namespace Matching.Engine.Scoring;

/// <summary>
/// Maps raw ranker scores to a match probability in 0–1 that compares across needs: isotonic regression
/// (pool-adjacent-violators) of "relevant" on the score, fitted on scores the ranker gave to pairs it was not
/// trained on, then linear interpolation between the fitted steps. Monotone, so it never reorders a list.
/// </summary>
public sealed class IsotonicCalibrator
{
    /// <summary>Step boundaries (ascending scores) and the probability at each.</summary>
    public IReadOnlyList<double> Scores { get; init; } = [];
    public IReadOnlyList<double> Probabilities { get; init; } = [];

    public static IsotonicCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> relevant)
    {
        if (scores.Count != relevant.Count || scores.Count == 0) throw new ArgumentException("scores and labels must pair up and not be empty");
        var points = scores.Select((s, i) => (Score: s, Label: relevant[i] ? 1.0 : 0.0)).OrderBy(p => p.Score).ToList();
        // Blocks of (sum of labels, count, lowest score, highest score), merged while they violate monotonicity.
        var blocks = new List<(double Sum, int Count, double Low, double High)>();
        foreach (var (score, label) in points)
        {
            blocks.Add((label, 1, score, score));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count >= blocks[^1].Sum / blocks[^1].Count)
            {
                var (s2, c2, l2, _) = blocks[^2];
                var (s1, c1, _, h1) = blocks[^1];
                blocks.RemoveAt(blocks.Count - 1);
                blocks[^1] = (s2 + s1, c2 + c1, l2, h1);
            }
        }
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var b in blocks)
        {
            // Each block contributes its mean at the middle of its score range.
            xs.Add((b.Low + b.High) / 2);
            ys.Add(b.Sum / b.Count);
        }
        return new IsotonicCalibrator { Scores = xs, Probabilities = ys };
    }

    /// <summary>The calibrated probability of a raw score.</summary>
    public double Calibrate(double score)
    {
        if (Scores.Count == 0) return 0;
        if (score <= Scores[0]) return Probabilities[0];
        if (score >= Scores[^1]) return Probabilities[^1];
        var hi = 1;
        while (Scores[hi] < score) hi++;
        var lo = hi - 1;
        var t = (score - Scores[lo]) / (Scores[hi] - Scores[lo]);
        return Probabilities[lo] + t * (Probabilities[hi] - Probabilities[lo]);
    }

    /// <summary>
    /// The calibrated score at which the fitted probability first reaches <paramref name="probability"/> (on the
    /// interpolated curve), or null when it never does.
    /// </summary>
    public double? Reaching(double probability)
    {
        if (Probabilities.Count == 0 || Probabilities[^1] < probability) return null;
        // The curve is the probability itself, so where it crosses is the crossing value, unless it starts above it.
        return Math.Max(probability, Probabilities[0]);
    }

    /// <summary>Rows of (score, probability) for a model card's calibration table: the fitted curve at evenly spaced quantiles.</summary>
    public IEnumerable<(double Score, double Probability)> Table(int rows = 10) =>
        Enumerable.Range(0, rows).Select(i => Scores[(int)((long)i * (Scores.Count - 1) / Math.Max(1, rows - 1))])
            .Distinct().Select(s => (s, Calibrate(s)));

    public string ToJson() => JsonSerializer.Serialize(this);

    public static IsotonicCalibrator FromJson(string json) =>
        JsonSerializer.Deserialize<IsotonicCalibrator>(json) ?? throw new InvalidDataException("empty calibration");
}
