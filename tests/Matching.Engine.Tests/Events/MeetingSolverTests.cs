using Matching.Engine.Events;

namespace Matching.Engine.Tests.Events;

public class MeetingSolverTests
{
    [Fact]
    public void OnManySeededInstances_NoRuleIsBroken_AndTheSolverIsNeverBelowGreedy()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var problem = MeetingInstances.Random(seed, enterprises: 5 + seed % 30, offers: 4 + seed % 25, edgesPerEnterprise: 6,
                diversity: seed % 3 == 0, pins: seed % 4);
            var solved = MeetingSolver.Solve(problem);
            Assert.True(MeetingRules.Violations(problem, solved.Meetings) is [], $"seed {seed}: {string.Join("; ", MeetingRules.Violations(problem, solved.Meetings))}");
            var greedy = GreedyMeetings.Solve(problem);
            Assert.Empty(MeetingRules.Violations(problem, greedy.Meetings));
            Assert.True((solved.EnterprisesCovered, solved.ScoreUnits).CompareTo((greedy.EnterprisesCovered, greedy.ScoreUnits)) >= 0,
                $"seed {seed}: solver {solved.EnterprisesCovered}/{solved.ScoreUnits} below greedy {greedy.EnterprisesCovered}/{greedy.ScoreUnits}");
        }
    }

    [Fact]
    public void OnSmallInstances_TheObjectiveEqualsTheBruteForceOptimum()
    {
        var checkedInstances = 0;
        for (var seed = 1000; checkedInstances < 150; seed++)
        {
            var problem = MeetingInstances.Random(seed, enterprises: 2 + seed % 7, offers: 2 + seed / 7 % 7, edgesPerEnterprise: 3, maxCap: 2,
                diversity: seed % 2 == 0, pins: seed % 3);
            if (problem.Edges.Count > 20) continue; // keeps the exhaustive search to about a million leaves
            var solved = MeetingSolver.Solve(problem);
            var (covered, units) = MeetingInstances.BruteForce(problem);
            Assert.True((covered, units) == (solved.EnterprisesCovered, solved.ScoreUnits),
                $"seed {seed}: brute force {covered}/{units}, solver {solved.EnterprisesCovered}/{solved.ScoreUnits}");
            checkedInstances++;
        }
    }

    [Fact]
    public void AnEnterpriseMeetsAPersonOnce_WhicheverOfTheirResultsFit_UnlessAPinAddsMore()
    {
        // 刘雅琴 presents three results that each fit the enterprise best; 周敏杰 one that fits less.
        var problem = new MeetingProblem
        {
            Enterprises = [new EnterpriseSeat("芯瑞", 3)],
            Offers =
            [
                new Offer("result:r1", 3, Host: "刘雅琴", University: "电子科大"), new Offer("result:r2", 3, Host: "刘雅琴", University: "电子科大"),
                new Offer("expert:刘雅琴", 3, Host: "刘雅琴", University: "电子科大"), new Offer("result:r4", 3, Host: "周敏杰", University: "川大"),
                new Offer("result:r5", 3, University: "西南交大"),
            ],
            Edges =
            [
                new MeetingEdge("芯瑞", "result:r1", 0.95), new MeetingEdge("芯瑞", "result:r2", 0.93), new MeetingEdge("芯瑞", "expert:刘雅琴", 0.9),
                new MeetingEdge("芯瑞", "result:r4", 0.6), new MeetingEdge("芯瑞", "result:r5", 0.55),
            ],
            HostCaps = new Dictionary<string, int> { ["刘雅琴"] = 5, ["周敏杰"] = 5 },
        };
        foreach (var solved in new[] { MeetingSolver.Solve(problem), GreedyMeetings.Solve(problem) })
        {
            Assert.Equal(["result:r1", "result:r4", "result:r5"], solved.Meetings.Select(m => m.Offer).Order(StringComparer.Ordinal));
            Assert.Empty(MeetingRules.Violations(problem, solved.Meetings));
        }
        var why = WhyNot.Explain(problem, MeetingSolver.Solve(problem), "芯瑞", "result:r2");
        Assert.Equal(WhyNotReason.SamePerson, why.Reason);
        Assert.Contains("刘雅琴", why.Message.Args);

        // The organiser pins a second meeting with her: it stays, and the solver adds no third.
        var pinned = problem with { Pins = [("芯瑞", "result:r2")] };
        var withPin = MeetingSolver.Solve(pinned);
        Assert.Equal(["result:r2", "result:r4", "result:r5"], withPin.Meetings.Select(m => m.Offer).Order(StringComparer.Ordinal));
        var twoPins = problem with { Pins = [("芯瑞", "result:r2"), ("芯瑞", "expert:刘雅琴")] };
        Assert.Empty(MeetingRules.Violations(twoPins, MeetingSolver.Solve(twoPins).Meetings));
        // The rule check names a second unpinned meeting with one person.
        Assert.Contains(MeetingRules.Violations(problem, [new Meeting("芯瑞", "result:r1", 0.95, false), new Meeting("芯瑞", "result:r2", 0.93, false)]),
            v => v.Contains("meets 刘雅琴 2 times"));
    }

    [Fact]
    public void APairUnderTheEventsFloor_IsNoCandidate_AndWhyNotSaysSo()
    {
        var problem = new MeetingProblem
        {
            Enterprises = [new EnterpriseSeat("蜀光", 3)], Offers = [new Offer("result:r1", 3)], Edges = [],
            MinScore = 0.5, BelowFloor = new Dictionary<(string, string), double> { [("蜀光", "result:r1")] = 0.14 },
        };
        var why = WhyNot.Explain(problem, MeetingSolver.Solve(problem), "蜀光", "result:r1");
        Assert.Equal(WhyNotReason.BelowFloor, why.Reason);
        // Scores read as everywhere else: percentages.
        Assert.Equal("匹配度 14% 低于本活动的下限 50%；低于下限不安排对接，除非锁定", why.Message.Render(Matching.Engine.Messages.Message.Chinese));
        Assert.Contains(EventPlanner.Check(new MatchingEvent { Id = "x", Name = "x", StartsAtLocal = new DateTime(2026, 12, 10, 9, 0, 0) }, problem).Warnings,
            w => w.Code == "Event.OnlyUnderFloor" && w.ToString().Contains("under the floor 50%"));
    }

    [Fact]
    public void TheRuleCheck_NamesEachKindOfBreak()
    {
        var problem = new MeetingProblem
        {
            Enterprises = [new EnterpriseSeat("e1", 1), new EnterpriseSeat("e2", 2)],
            Offers = [new Offer("a", 2, Host: "x", University: "u"), new Offer("b", 2, Host: "x", University: "u")],
            Edges = [new MeetingEdge("e1", "a", 0.5), new MeetingEdge("e2", "a", 0.5), new MeetingEdge("e2", "b", 0.5)],
            HostCaps = new Dictionary<string, int> { ["x"] = 2 }, Forbidden = new HashSet<(string, string)> { ("e2", "b") },
            Pins = [("e1", "a")], OnePerUniversity = true,
        };
        var broken = MeetingRules.Violations(problem, [new Meeting("e2", "a", 0.5, false), new Meeting("e2", "b", 0.5, false), new Meeting("e1", "b", 0.5, false), new Meeting("e1", "b", 0.5, false)]);
        Assert.Contains(broken, b => b.Contains("meets twice"));
        Assert.Contains(broken, b => b.Contains("not a candidate pair"));
        Assert.Contains(broken, b => b.Contains("forbidden"));
        Assert.Contains(broken, b => b.StartsWith("e1 has 2 meetings"));
        Assert.Contains(broken, b => b.StartsWith("b has 3 meetings"));
        Assert.Contains(broken, b => b.StartsWith("x has 4 meetings"));
        Assert.Contains(broken, b => b.StartsWith("pin e1 · a dropped"));
        Assert.Contains(broken, b => b.Contains("offers of u"));
        Assert.Empty(MeetingRules.Violations(problem, [new Meeting("e1", "a", 0.5, true), new Meeting("e2", "a", 0.5, false)]));
    }

    [Fact]
    public void CoveringOneMoreEnterprise_OutweighsAnyScore()
    {
        // e1 could take both high-scoring offers; the fair share gives e2 one of them.
        var problem = new MeetingProblem
        {
            Enterprises = [new EnterpriseSeat("e1", 2), new EnterpriseSeat("e2", 2)],
            Offers = [new Offer("a", 1), new Offer("b", 1)],
            Edges = [new MeetingEdge("e1", "a", 0.99), new MeetingEdge("e1", "b", 0.98), new MeetingEdge("e2", "b", 0.01)],
        };
        var solved = MeetingSolver.Solve(problem);
        Assert.Equal(2, solved.EnterprisesCovered);
        Assert.Contains(solved.Meetings, m => m is { Enterprise: "e2", Offer: "b" });
        Assert.Equal(1, GreedyMeetings.Solve(problem).EnterprisesCovered);
    }

    [Fact]
    public void APinThatIsForbiddenOrOverACap_IsRefusedWithAReason()
    {
        var problem = new MeetingProblem
        {
            Enterprises = [new EnterpriseSeat("e1", 1)],
            Offers = [new Offer("a", 1), new Offer("b", 1)],
            Edges = [new MeetingEdge("e1", "a", 0.5), new MeetingEdge("e1", "b", 0.5)],
            Forbidden = new HashSet<(string, string)> { ("e1", "a") },
        };
        var forbidden = Assert.Throws<MeetingProblemException>(() => MeetingSolver.Solve(problem with { Pins = [("e1", "a")] }));
        Assert.Contains("forbidden", forbidden.Message);
        var over = Assert.Throws<MeetingProblemException>(() => MeetingSolver.Solve(problem with { Forbidden = new HashSet<(string, string)>(), Pins = [("e1", "a"), ("e1", "b")] }));
        Assert.Contains("cap", over.Message);
    }
}

public class MatchFloorTests
{
    [Fact]
    public void TheFloor_IsWhereTheOutOfFoldProbabilityOfGradeOneReachesAHalf()
    {
        // Out-of-fold pairs: under score 0 one in four is relevant, from 0 to 2 two in three, above 2 all.
        var scores = new List<double>();
        var relevant = new List<bool>();
        void Add(double score, int relevantOf, int of)
        {
            for (var i = 0; i < of; i++) { scores.Add(score + i * 0.01); relevant.Add(i < relevantOf); }
        }
        Add(-1, 1, 4);
        Add(1, 2, 3);
        Add(3, 3, 3);
        var calibrator = Matching.Engine.Scoring.IsotonicCalibrator.Fit(scores, relevant);
        Assert.Equal(0.5, calibrator.Reaching(0.5));
        // A model whose pairs never reach even odds has nothing over its floor but its best.
        var weak = Matching.Engine.Scoring.IsotonicCalibrator.Fit([0, 1, 2, 3, 4, 5], [false, false, false, true, false, false]);
        Assert.Null(weak.Reaching(0.5));
        var ranker = Matching.Engine.Scoring.RankerModel.Load(Path.Combine(Matching.Tests.Shared.ShippedModel.Folder, "ranker-zh.zip"));
        Assert.Equal(0.5, Matching.Engine.Scoring.ModelBundle.FloorOf([new("zh", ranker, calibrator), new("en", ranker, calibrator)]));
        Assert.Equal(weak.Probabilities.Max(), Matching.Engine.Scoring.ModelBundle.FloorOf([new("zh", ranker, weak)]), 4);
    }
}
