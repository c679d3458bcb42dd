using Matching.Engine.Events;

namespace Matching.Engine.Tests.Events;

public class WhyNotTests
{
    private static readonly MeetingProblem Problem = new()
    {
        Enterprises = [new EnterpriseSeat("e1", 1), new EnterpriseSeat("e2", 1), new EnterpriseSeat("e3", 1), new EnterpriseSeat("e4", 2)],
        Offers = [new Offer("a", 1, Host: "x", University: "u1"), new Offer("b", 2, Host: "y", University: "u2"), new Offer("c", 1, Host: "y", University: "u2"), new Offer("d", 1)],
        Edges =
        [
            new MeetingEdge("e1", "a", 0.9), new MeetingEdge("e2", "a", 0.5), new MeetingEdge("e2", "b", 0.4),
            new MeetingEdge("e3", "a", 0.95), new MeetingEdge("e3", "d", 0.2), new MeetingEdge("e4", "b", 0.7), new MeetingEdge("e4", "c", 0.8),
        ],
        Forbidden = new HashSet<(string, string)> { ("e1", "d") },
        ForbidReasons = new Dictionary<(string, string), Matching.Engine.Messages.Message> { [("e1", "d")] = Matching.Engine.Messages.Message.Of("Event.SameOrganisation") },
        OnePerUniversity = true,
    };

    [Fact]
    public void EachPairAskedFor_GetsItsReason()
    {
        var solved = MeetingSolver.Solve(Problem);
        WhyNotReason Why(string e, string o) => WhyNot.Explain(Problem, solved, e, o).Reason;

        Assert.Equal(WhyNotReason.Conflict, Why("e1", "d"));
        Assert.Equal("conflict: same organisation", WhyNot.Explain(Problem, solved, "e1", "d").Message.ToString());
        Assert.Equal(WhyNotReason.NotACandidate, Why("e1", "b"));
        Assert.Equal(WhyNotReason.NotAtEvent, Why("e9", "a"));
        // All four enterprises get a meeting: e1 (whose only pair is a) takes a, so e3 meets d instead of a.
        Assert.Equal(WhyNotReason.Scheduled, Why("e1", "a"));
        Assert.Equal(WhyNotReason.Scheduled, Why("e3", "d"));
        Assert.Equal(WhyNotReason.FairShare, Why("e3", "a"));
        // a is full with e1's 0.9, above e2's 0.5.
        Assert.Equal(WhyNotReason.OfferFull, Why("e2", "a"));
        // e4 meets c (u2) and has room for b, but b is u2 as well.
        Assert.Equal(WhyNotReason.SameUniversity, Why("e4", "b"));
    }

    [Fact]
    public void RoomTakenByPins_IsSaidToBePinned()
    {
        var pinned = Problem with { Pins = [("e2", "a")] };
        var solved = MeetingSolver.Solve(pinned);
        Assert.Equal(WhyNotReason.PinnedElsewhere, WhyNot.Explain(pinned, solved, "e1", "a").Reason);
    }
}
