namespace Matching.Engine.Evaluation;

/// <summary>
/// Whether a score means the same across needs: for every candidate judged for two needs with different grades, is
/// the pair with the higher grade scored higher? The share of such pairs in order (ties count half), plain and
/// weighted by the grade gap (the measure of expert-assignment benchmarks, as a loss: 1 − the weighted share).
/// </summary>
public static class CrossNeedCheck
{
    public sealed record Result(int Pairs, double InOrder, double WeightedInOrder)
    {
        /// <summary>The weighted share out of order: 0 is perfect, 0.5 chance.</summary>
        public double Loss => 1 - WeightedInOrder;
    }

    /// <summary>Over scored, graded pairs (need, candidate, grade, score); a candidate's pairs are compared with each other only.</summary>
    public static Result Of(IEnumerable<(string Need, string Candidate, int Grade, double Score)> scored)
    {
        double pairs = 0, inOrder = 0, weight = 0, weightedInOrder = 0;
        foreach (var candidate in scored.GroupBy(s => s.Candidate))
        {
            var list = candidate.DistinctBy(s => s.Need).ToList();
            for (var i = 0; i < list.Count; i++)
                for (var j = i + 1; j < list.Count; j++)
                {
                    if (list[i].Grade == list[j].Grade) continue;
                    var (high, low) = list[i].Grade > list[j].Grade ? (list[i], list[j]) : (list[j], list[i]);
                    var credit = high.Score > low.Score ? 1 : high.Score == low.Score ? 0.5 : 0;
                    var gap = high.Grade - low.Grade;
                    pairs++;
                    inOrder += credit;
                    weight += gap;
                    weightedInOrder += gap * credit;
                }
        }
        return pairs == 0 ? new Result(0, 0, 0) : new Result((int)pairs, inOrder / pairs, weightedInOrder / weight);
    }
}
