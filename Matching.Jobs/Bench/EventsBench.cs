using System.Diagnostics;
using Matching.Engine.Events;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench events: a generated event of enterprises, experts and their results with skewed popularity (a few offers
/// are everyone's top pick, as at a real event), solved by the flow solver with slot placement, against the greedy
/// baseline in the same run; every rule is checked on the result.
/// </summary>
internal static class EventsBench
{
    public static int Run(int enterprises, int candidates, int experts, int edgesEach, int enterpriseCap, int expertCap, int slots, int runs, int seed)
    {
        var problem = Generate(enterprises, candidates, experts, edgesEach, enterpriseCap, expertCap, seed);
        Console.WriteLine($"events-bench: {enterprises:N0} enterprises, {candidates:N0} offers ({problem.Offers.Count(o => o.Id.StartsWith('r'))} results, " +
            $"{problem.Offers.Count(o => o.Id.StartsWith('x'))} expert profiles), {problem.Edges.Count:N0} candidate pairs, caps {enterpriseCap} and {expertCap}, {slots} slots");
        var times = new List<double>();
        MeetingAssignment? solved = null;
        Schedule? schedule = null;
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            solved = MeetingSolver.Solve(problem);
            schedule = SlotPlanner.Place(solved.Meetings, problem.Offers, slots);
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {run + 1}: solve and place {clock.Elapsed.TotalSeconds:F2} s");
        }
        var greedyClock = Stopwatch.StartNew();
        var greedy = GreedyMeetings.Solve(problem);
        var greedyTime = greedyClock.Elapsed.TotalSeconds;
        var violations = MeetingRules.Violations(problem, schedule!, slots).Count + MeetingRules.Violations(problem, greedy.Meetings).Count;
        var median = times.Order().ElementAt(times.Count / 2);
        Console.WriteLine($"  solver: {solved!.Meetings.Count:N0} meetings, {solved.EnterprisesCovered:N0} enterprises covered, total score {solved.TotalScore:F1}; " +
            $"{schedule!.Tables:N0} tables, {schedule.HostGaps:N0} idle slots inside experts' stretches");
        Console.WriteLine($"  greedy: {greedy.Meetings.Count:N0} meetings, {greedy.EnterprisesCovered:N0} enterprises covered, total score {greedy.TotalScore:F1} ({greedyTime:F2} s)");
        Console.WriteLine($"events-bench enterprises={enterprises} candidates={candidates} solve_s={median:F2} greedy_ratio={solved.TotalScore / greedy.TotalScore:F3} " +
            $"covered={solved.EnterprisesCovered} greedy_covered={greedy.EnterprisesCovered} violations={violations}");
        return violations == 0 ? 0 : 1;
    }

    /// <summary>
    /// Offers are results (presented by one of the experts) and expert profiles; an offer's appeal is
    /// skewed (a squared uniform), and a pair's score mixes that appeal with the pair's own fit.
    /// </summary>
    internal static MeetingProblem Generate(int enterprises, int candidates, int experts, int edgesEach, int enterpriseCap, int expertCap, int seed)
    {
        var rng = new Random(seed);
        // 30% of the offers are expert profiles, the rest results each presented by one of the experts (some present
        // two, some only their profile, some nothing), so an expert's cap binds across offers. Fewer experts than
        // offers makes the experts' time the scarce thing.
        var profiles = Math.Clamp(candidates * 3 / 10, 1, experts);
        var offers = new List<Offer>();
        for (var i = 0; i < candidates; i++)
        {
            var isProfile = i < profiles;
            var host = isProfile ? i : rng.Next(experts);
            offers.Add(new Offer(isProfile ? $"x{i}" : $"r{i}", expertCap, Host: $"expert{host}", University: $"u{host % Math.Max(1, experts / 4)}"));
        }
        var appeal = offers.Select(_ => Math.Pow(rng.NextDouble(), 2)).ToArray();
        var edges = new List<MeetingEdge>(enterprises * edgesEach);
        var seats = new List<EnterpriseSeat>(enterprises);
        for (var e = 0; e < enterprises; e++)
        {
            seats.Add(new EnterpriseSeat($"e{e}", enterpriseCap));
            var chosen = new HashSet<int>();
            while (chosen.Count < Math.Min(edgesEach, candidates)) chosen.Add(rng.Next(candidates));
            foreach (var o in chosen)
                edges.Add(new MeetingEdge($"e{e}", offers[o].Id, Math.Round(0.6 * appeal[o] + 0.4 * rng.NextDouble(), 4)));
        }
        var hostCaps = offers.Select(o => o.Host!).Distinct().ToDictionary(h => h, _ => expertCap);
        return new MeetingProblem { Enterprises = seats, Offers = offers, Edges = edges, HostCaps = hostCaps };
    }
}
