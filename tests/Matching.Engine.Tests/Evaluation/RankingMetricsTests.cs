using Matching.Engine.Evaluation;

namespace Matching.Engine.Tests.Evaluation;

public class RankingMetricsTests
{
    private static readonly Dictionary<string, int> Judged = new() { ["a"] = 1, ["b"] = 1, ["x"] = 0 };

    [Fact]
    public void Ndcg_IsOne_ForAPerfectRanking_AndLowerOtherwise()
    {
        Assert.Equal(1.0, RankingMetrics.Ndcg(["a", "b", "c"], Judged, 10), 6);
        // Relevant at ranks 2 and 3: (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3)).
        Assert.Equal((1 / Math.Log2(3) + 0.5) / (1 + 1 / Math.Log2(3)), RankingMetrics.Ndcg(["c", "a", "b"], Judged, 10), 6);
        Assert.Equal(0.0, RankingMetrics.Ndcg(["c", "d"], Judged, 10));
    }

    [Fact]
    public void AveragePrecisionAndRecall_FollowTheirDefinitions()
    {
        Assert.Equal((1.0 / 2 + 2.0 / 3) / 2, RankingMetrics.AveragePrecision(["c", "a", "b"], Judged, 100), 6);
        Assert.Equal(0.5, RankingMetrics.Recall(["a", "c"], Judged, 100));
    }

    [Fact]
    public void PairedBootstrap_BracketsTheMeanDifference()
    {
        var a = Enumerable.Range(0, 200).Select(i => (i % 7) / 10.0).ToList();
        var b = a.Select(x => x + 0.05).ToList();
        var (mean, low, high) = RankingMetrics.PairedBootstrap(a, b);
        Assert.Equal(0.05, mean, 6);
        Assert.InRange(low, 0.0499, 0.0501);
        Assert.InRange(high, 0.0499, 0.0501);
    }
}
