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
