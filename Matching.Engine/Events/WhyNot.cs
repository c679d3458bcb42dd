using System.Globalization;
using Matching.Engine.Messages;

namespace Matching.Engine.Events;

/// <summary>Why a pair is or is not on the list.</summary>
public enum WhyNotReason
{
    Scheduled,
    NotAtEvent,
    Conflict,
    NotACandidate,
    PinnedElsewhere,
    EnterpriseFull,
    OfferFull,
    ExpertFull,
    SameUniversity,
    SamePerson,
    BelowFloor,
    FairShare,
}

/// <summary>The reason for one pair, with a sentence for the organiser.</summary>
public sealed record WhyNotAnswer(WhyNotReason Reason, Message Message);

/// <summary>
/// Answers "why is this pair not on the list?" for a pair someone asked for, from the problem and the solved list:
/// a conflict, not a candidate, pins that took the room, a full enterprise, offer or expert whose meetings score
/// higher, the one-per-university rule, or — when the pair outscores what was kept — the fair share that gave its
/// place to an enterprise that would otherwise have had no meeting.
/// </summary>
public static class WhyNot
{
    public static WhyNotAnswer Explain(MeetingProblem problem, MeetingAssignment assignment, string enterprise, string offer)
    {
        var pair = (enterprise, offer);
        if (assignment.Meetings.Any(m => m.Enterprise == enterprise && m.Offer == offer))
            return new(WhyNotReason.Scheduled, Message.Of("WhyNot.Scheduled"));
        var seat = problem.Enterprises.FirstOrDefault(e => e.Id == enterprise);
        var offered = problem.Offers.FirstOrDefault(o => o.Id == offer);
        if (seat is null || offered is null)
            return new(WhyNotReason.NotAtEvent, Message.Of("WhyNot.NotAtEvent", seat is null ? enterprise : Id(offer)));
        if (problem.Forbidden.Contains(pair))
            return new(WhyNotReason.Conflict, Message.Of("WhyNot.Conflict", problem.ForbidReasons.GetValueOrDefault(pair) ?? Message.Of("Event.Forbidden")));
        var edge = problem.Edges.Where(e => e.Enterprise == enterprise && e.Offer == offer).MaxBy(e => e.Score);
        if (edge is null && problem.BelowFloor.TryGetValue(pair, out var low))
            return new(WhyNotReason.BelowFloor, Message.Of("WhyNot.BelowFloor", F(low), F(problem.MinScore)));
        if (edge is null)
            return new(WhyNotReason.NotACandidate, Message.Of("WhyNot.NotACandidate"));
        var score = edge.Score;

        var ofEnterprise = assignment.Meetings.Where(m => m.Enterprise == enterprise).ToList();
        var ofOffer = assignment.Meetings.Where(m => m.Offer == offer).ToList();
        var hostOffers = offered.Host is { } host ? problem.Offers.Where(o => o.Host == host).Select(o => o.Id).ToHashSet() : [];
        var ofHost = assignment.Meetings.Where(m => hostOffers.Contains(m.Offer)).ToList();
        var hostCap = offered.Host is { } h && problem.HostCaps.TryGetValue(h, out var cap) ? cap : int.MaxValue;

        // Full sides, the pins first: room a pin took is nobody's choice.
        var full = new List<(List<Meeting> Meetings, int Cap, WhyNotReason Reason, string Who)>
        {
            (ofEnterprise, seat.Cap, WhyNotReason.EnterpriseFull, enterprise),
            (ofOffer, offered.Cap, WhyNotReason.OfferFull, offer),
            (ofHost, hostCap, WhyNotReason.ExpertFull, offered.Host ?? offer),
        };
        foreach (var (meetings, limit, _, who) in full)
            if (meetings.Count >= limit && meetings.All(m => m.Pinned))
                return new(WhyNotReason.PinnedElsewhere, Message.Of("WhyNot.PinnedElsewhere", Id(who), meetings.Count));
        foreach (var (meetings, limit, reason, who) in full)
            if (meetings.Count >= limit && meetings.Where(m => !m.Pinned).All(m => m.Score >= score))
                return new(reason, Message.Of("WhyNot.Full", Id(who), limit, Lowest(meetings), F(score)));
        if (problem.OnePerUniversity && offered.University is { } university)
        {
            var same = ofEnterprise.FirstOrDefault(m => problem.Offers.First(o => o.Id == m.Offer).University == university);
            if (same is not null)
                return new(WhyNotReason.SameUniversity, Message.Of("WhyNot.SameUniversity", enterprise, Id(same.Offer), university));
        }
        if (offered.Host is { } person
            && ofEnterprise.FirstOrDefault(m => m.Offer != offer && problem.Offers.FirstOrDefault(o => o.Id == m.Offer)?.Host == person) is { } met)
            return new(WhyNotReason.SamePerson, Message.Of("WhyNot.SamePerson", enterprise, person, Id(met.Offer)));
        return new(WhyNotReason.FairShare, Message.Of("WhyNot.FairShare", F(score)));
    }

    private static string Lowest(List<Meeting> meetings) => F(meetings.Min(m => m.Score));

    // Scores as people read them everywhere else: a percentage.
    private static string F(double score) => Math.Round(score * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Id(string offer) => EventPlanner.IdOf(offer);
}
