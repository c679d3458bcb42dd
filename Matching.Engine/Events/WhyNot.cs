using System.Globalization;

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
public sealed record WhyNotAnswer(WhyNotReason Reason, string Message);

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
            return new(WhyNotReason.Scheduled, "on the list");
        var seat = problem.Enterprises.FirstOrDefault(e => e.Id == enterprise);
        var offered = problem.Offers.FirstOrDefault(o => o.Id == offer);
        if (seat is null || offered is null)
            return new(WhyNotReason.NotAtEvent, $"{(seat is null ? enterprise : offer)} is not a participant of this event");
        if (problem.Forbidden.Contains(pair))
            return new(WhyNotReason.Conflict, "conflict: " + problem.ForbidReasons.GetValueOrDefault(pair, "forbidden"));
        var edge = problem.Edges.Where(e => e.Enterprise == enterprise && e.Offer == offer).MaxBy(e => e.Score);
        if (edge is null && problem.BelowFloor.TryGetValue(pair, out var low))
            return new(WhyNotReason.BelowFloor, $"its match score {F(low)} is below the event's floor {F(problem.MinScore)}; no meeting is booked under it unless pinned");
        if (edge is null)
            return new(WhyNotReason.NotACandidate, "not among the enterprise's candidates (its match score is below their lists)");
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
                return new(WhyNotReason.PinnedElsewhere, $"{who}'s {meetings.Count} meeting(s) are pinned to other pairs");
        foreach (var (meetings, limit, reason, who) in full)
            if (meetings.Count >= limit && meetings.Where(m => !m.Pinned).All(m => m.Score >= score))
                return new(reason, $"{who} is full (cap {limit}) with meetings scoring {Lowest(meetings)} or more, above this pair's {F(score)}");
        if (problem.OnePerUniversity && offered.University is { } university)
        {
            var same = ofEnterprise.FirstOrDefault(m => problem.Offers.First(o => o.Id == m.Offer).University == university);
            if (same is not null)
                return new(WhyNotReason.SameUniversity, $"{enterprise} already meets {same.Offer} of {university}, and the event allows one per university");
        }
        if (offered.Host is { } person
            && ofEnterprise.FirstOrDefault(m => m.Offer != offer && problem.Offers.FirstOrDefault(o => o.Id == m.Offer)?.Host == person) is { } met)
            return new(WhyNotReason.SamePerson, $"{enterprise} already meets {person} (about {met.Offer}); an enterprise meets a person once, and that meeting covers their other results");
        return new(WhyNotReason.FairShare,
            $"its place went to a lower-scoring pair so that another enterprise has a meeting at all (this pair scores {F(score)})");
    }

    private static string Lowest(List<Meeting> meetings) => F(meetings.Min(m => m.Score));

    private static string F(double score) => score.ToString("0.00", CultureInfo.InvariantCulture);
}
