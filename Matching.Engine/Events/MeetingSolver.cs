using Matching.Engine.Messages;
using Google.OrTools.Graph;

namespace Matching.Engine.Events;

/// <summary>
/// Chooses an event's meetings as one min-cost flow (OR-Tools): source → enterprise → [enterprise × university] →
/// offer → host → sink. The objective has two levels, in order: the number of enterprises with at least one meeting
/// (fair share), then the total match score. Both go into one cost: each enterprise's first unit of flow earns a
/// bonus larger than any total score the whole event can reach, so no gain in score can buy a lost enterprise. Caps
/// are arc capacities; forbidden pairs have no arc; pins are placed first and take their capacity; the diversity rule
/// is a capacity-1 node per enterprise and university, and an enterprise meets a person once: a capacity-1 node per
/// enterprise and host, so an expert's results and profile are one meeting (a pin may add more). A flow problem has
/// integral optima, so the answer is exact.
/// </summary>
public static class MeetingSolver
{
    public static MeetingAssignment Solve(MeetingProblem problem)
    {
        var state = Pinned(problem);
        var flow = new MinCostFlow();
        var nodes = new Dictionary<string, int>();
        int Node(string key) => nodes.TryGetValue(key, out var n) ? n : nodes[key] = nodes.Count;
        var source = Node("source");
        var sink = Node("sink");

        var offers = problem.Offers.ToDictionary(o => o.Id);
        var edges = Usable(problem, state);
        // The bonus outweighs every score the event can add up: one more enterprise always wins.
        var capacity = problem.Enterprises.Sum(e => (long)Math.Max(0, state.EnterpriseLeft[e.Id]));
        var bonus = (capacity + 1) * MeetingProblem.ScoreUnits;
        long supply = 0;
        foreach (var e in problem.Enterprises)
        {
            var left = state.EnterpriseLeft[e.Id];
            if (left <= 0 || !edges.Contains(e.Id)) continue;
            var node = Node("e:" + e.Id);
            var first = state.Covered.Contains(e.Id) ? 0 : 1;
            if (first == 1) flow.AddArcWithCapacityAndUnitCost(source, node, 1, -bonus);
            if (left - first > 0) flow.AddArcWithCapacityAndUnitCost(source, node, left - first, 0);
            supply += left;
        }
        foreach (var o in problem.Offers)
        {
            var left = state.OfferLeft[o.Id];
            if (left <= 0) continue;
            var node = Node("o:" + o.Id);
            if (o.Host is { } host)
            {
                var hostNode = Node("h:" + host);
                flow.AddArcWithCapacityAndUnitCost(node, hostNode, left, 0);
            }
            else flow.AddArcWithCapacityAndUnitCost(node, sink, left, 0);
        }
        foreach (var (host, left) in state.HostLeft)
            if (left > 0 && nodes.TryGetValue("h:" + host, out var hostNode)) flow.AddArcWithCapacityAndUnitCost(hostNode, sink, left, 0);

        var pairArcs = new List<(int Arc, MeetingEdge Edge)>();
        var gateArcs = new HashSet<(int From, int To)>();
        foreach (var edge in edges.SelectMany(g => g))
        {
            var offer = offers[edge.Offer];
            var from = Node("e:" + edge.Enterprise);
            // Capacity-1 gates: one offer per university (when asked), one meeting per person.
            if (problem.OnePerUniversity && offer.University is { } university) from = Gate(from, "u:" + edge.Enterprise + "\u0001" + university);
            // Under the university's gate the person's is per university: exact, since a person presents for one
            // organisation (a result names only its own organisation's experts).
            if (offer.Host is { } person) from = Gate(from, "p:" + edge.Enterprise + "\u0001" + (problem.OnePerUniversity ? offer.University : null) + "\u0001" + person);
            var arc = flow.AddArcWithCapacityAndUnitCost(from, Node("o:" + edge.Offer), 1, -MeetingProblem.Units(edge.Score));
            pairArcs.Add((arc, edge));
        }
        // A gate lets one unit through, however many ways lead into it: an entry node, one capacity-1 arc, an exit node.
        int Gate(int from, string key)
        {
            var entry = Node(key + "\u0001in");
            if (!nodes.ContainsKey(key + "\u0001out")) flow.AddArcWithCapacityAndUnitCost(entry, Node(key + "\u0001out"), 1, 0);
            if (gateArcs.Add((from, entry))) flow.AddArcWithCapacityAndUnitCost(from, entry, 1, 0);
            return nodes[key + "\u0001out"];
        }
        // Whatever supply finds nothing better goes straight to the sink at no cost.
        flow.AddArcWithCapacityAndUnitCost(source, sink, supply, 0);
        flow.SetNodeSupply(source, supply);
        flow.SetNodeSupply(sink, -supply);

        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL)
            throw new InvalidOperationException($"the meeting flow did not solve: {status}");
        var chosen = pairArcs.Where(p => flow.Flow(p.Arc) > 0)
            .Select(p => new Meeting(p.Edge.Enterprise, p.Edge.Offer, p.Edge.Score, false));
        return new MeetingAssignment(state.Meetings.Concat(chosen).ToList());
    }

    /// <summary>What is left after the pins: capacities, enterprises already covered, universities already used.</summary>
    internal sealed class PinState
    {
        public required Dictionary<string, int> EnterpriseLeft { get; init; }
        public required Dictionary<string, int> OfferLeft { get; init; }
        public required Dictionary<string, int> HostLeft { get; init; }
        public HashSet<string> Covered { get; } = [];
        public HashSet<(string Enterprise, string University)> UniversitiesUsed { get; } = [];
        /// <summary>The people each enterprise already meets (pins): no further meeting with them is chosen.</summary>
        public HashSet<(string Enterprise, string Host)> PeopleMet { get; } = [];
        public HashSet<(string Enterprise, string Offer)> PinnedPairs { get; } = [];
        public List<Meeting> Meetings { get; } = [];
    }

    /// <summary>Places the pins and checks them: a pin that is forbidden, unknown or over a cap is an error, not dropped.</summary>
    internal static PinState Pinned(MeetingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var offers = problem.Offers.ToDictionary(o => o.Id);
        var state = new PinState
        {
            EnterpriseLeft = problem.Enterprises.ToDictionary(e => e.Id, e => e.Cap),
            OfferLeft = problem.Offers.ToDictionary(o => o.Id, o => o.Cap),
            HostLeft = problem.Offers.Select(o => o.Host).OfType<string>().Distinct()
                .ToDictionary(h => h, h => problem.HostCaps.TryGetValue(h, out var cap) ? cap : int.MaxValue),
        };
        var scores = problem.Edges.GroupBy(e => (e.Enterprise, e.Offer)).ToDictionary(g => g.Key, g => g.Max(e => e.Score));
        foreach (var pin in problem.Pins.Distinct())
        {
            if (!state.EnterpriseLeft.ContainsKey(pin.Enterprise) || !offers.TryGetValue(pin.Offer, out var offer))
                throw new MeetingProblemException(Message.Of("Event.PinNotAtEvent", pin.Enterprise, EventPlanner.IdOf(pin.Offer)));
            if (problem.Forbidden.Contains(pin))
                throw new MeetingProblemException(Message.Of("Event.PinForbidden", pin.Enterprise, EventPlanner.IdOf(pin.Offer)));
            if (--state.EnterpriseLeft[pin.Enterprise] < 0 || --state.OfferLeft[pin.Offer] < 0 || (offer.Host is { } h && --state.HostLeft[h] < 0))
                throw new MeetingProblemException(Message.Of("Event.PinsOverCap", pin.Enterprise, EventPlanner.IdOf(pin.Offer)));
            if (problem.OnePerUniversity && offer.University is { } u && !state.UniversitiesUsed.Add((pin.Enterprise, u)))
                throw new MeetingProblemException(Message.Of("Event.PinsSameUniversity", pin.Enterprise, u));
            state.Covered.Add(pin.Enterprise);
            state.PinnedPairs.Add(pin);
            // An organiser may pin a second meeting with the same person; the solver adds none.
            if (offer.Host is { } person) state.PeopleMet.Add((pin.Enterprise, person));
            state.Meetings.Add(new Meeting(pin.Enterprise, pin.Offer, scores.GetValueOrDefault(pin), true));
        }
        return state;
    }

    /// <summary>The edges still open after pins and forbids, by enterprise (one per pair, its best score).</summary>
    internal static ILookup<string, MeetingEdge> Usable(MeetingProblem problem, PinState state)
    {
        var offers = problem.Offers.ToDictionary(o => o.Id);
        return problem.Edges
            .Where(e => state.EnterpriseLeft.ContainsKey(e.Enterprise) && offers.ContainsKey(e.Offer))
            .Where(e => !problem.Forbidden.Contains((e.Enterprise, e.Offer)) && !state.PinnedPairs.Contains((e.Enterprise, e.Offer)))
            .Where(e => !(problem.OnePerUniversity && offers[e.Offer].University is { } u && state.UniversitiesUsed.Contains((e.Enterprise, u))))
            .Where(e => !(offers[e.Offer].Host is { } person && state.PeopleMet.Contains((e.Enterprise, person))))
            .GroupBy(e => (e.Enterprise, e.Offer)).Select(g => g.MaxBy(e => e.Score)!)
            .ToLookup(e => e.Enterprise);
    }
}

/// <summary>An event's constraints contradict each other (a pin that is forbidden or over a cap).</summary>
/// <summary>A problem the solver or the slot planner cannot solve, with the reason a person reads.</summary>
public sealed class MeetingProblemException(Message reason) : Exception(reason.Render(Messages.Message.English))
{
    public Message Reason { get; } = reason;
}
