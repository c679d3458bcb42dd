using Matching.Engine.Scoring;

namespace Matching.Engine.Tests.Scoring;

public class ExpertBlendTests
{
    [Fact]
    public void EachAggregate_FollowsItsDefinition()
    {
        var max = new ExpertBlend { Results = ExpertBlend.Max, Profile = 0.3 };
        Assert.Equal(0.7 * 0.8 + 0.3 * 0.5, max.Combine(0.5, [0.2, 0.8]), 4);
        var top3 = new ExpertBlend { Results = ExpertBlend.TopThree, Profile = 0 };
        Assert.Equal(0.6, top3.Combine(0.5, [0.0, 0.9, 0.3, 0.6]), 4);
        // The softmax mean sits between the mean and the best, near the best when one result stands out.
        var softmax = new ExpertBlend { Results = ExpertBlend.Softmax, Profile = 0 };
        var weight = Math.Exp(-0.8 / ExpertBlend.Temperature);
        Assert.Equal((0.9 + 0.1 * weight) / (1 + weight), softmax.Combine(0, [0.1, 0.9]), 4);
        Assert.Equal(0.5, softmax.Combine(0, [0.5, 0.5]), 4);
        // The fixed blend of earlier models: 0.5 best + 0.2 top-3 mean + 0.3 profile.
        Assert.Equal(0.5 * 0.8 + 0.2 * 0.6 + 0.3 * 0.2, ExpertBlend.Legacy.Combine(0.2, [0.8, 0.4]), 4);
        // An expert without results is their profile.
        Assert.Equal(0.42, max.Combine(0.42, []), 4);
    }

    [Fact]
    public void Choose_PicksABlendThatOrdersOneExpertsNeedsByTheirGrades()
    {
        // One expert, two needs: for the relevant need one of their results fits well; for the other, all three fit a
        // little. A mean over the top three orders the needs the wrong way round; the best result orders them right.
        var judged = new List<ExpertBlend.Judged>
        {
            new("n1", "e1", 3, (0.3, 0.3), [(0.9, 0.9), (0.1, 0.1), (0.1, 0.1)]),
            new("n2", "e1", 0, (0.3, 0.3), [(0.5, 0.5), (0.5, 0.5), (0.5, 0.5)]),
            new("n1", "e2", 1, (0.2, 0.2), [(0.4, 0.4)]),
        };
        var topThree = ExpertBlend.Measure(new ExpertBlend { Results = ExpertBlend.TopThree, Profile = 0 }, judged);
        Assert.Equal(1, topThree.CrossNeed.Loss, 4);

        var (chosen, all) = ExpertBlend.Choose(judged, hasAbsolute: false);
        Assert.Equal(ExpertBlend.Candidates(false).Count, all.Count);
        var figures = ExpertBlend.Measure(chosen, judged);
        Assert.Equal(0, figures.CrossNeed.Loss, 4);
        Assert.Equal(1, figures.Ndcg, 4);
        Assert.NotEqual(ExpertBlend.TopThree, chosen.Results);
    }

    [Fact]
    public void Choose_WithNothingJudged_KeepsTheFixedBlend()
    {
        Assert.Equal(ExpertBlend.Legacy, ExpertBlend.Choose([], hasAbsolute: true).Chosen);
    }
}
