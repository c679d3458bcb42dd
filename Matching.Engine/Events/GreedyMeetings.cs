namespace Matching.Engine.Events;

/// <summary>
/// The baseline the solver is measured against: pins, then pairs by descending score while every cap, the
/// diversity rule and one meeting per person allow. It is what an organiser does by hand with a sorted spreadsheet.
/// </summary>
public static class GreedyMeetings
{
    public static MeetingAssignment Solve(MeetingProblem problem)
    {
        var state = MeetingSolver.Pinned(problem);
        var offers = problem.Offers.ToDictionary(o => o.Id);
        var meetings = new List<Meeting>(state.Meetings);
        var ordered = MeetingSolver.Usable(problem, state).SelectMany(g => g)
            .OrderByDescending(e => MeetingProblem.Units(e.Score)).ThenBy(e => e.Enterprise, StringComparer.Ordinal).ThenBy(e => e.Offer, StringComparer.Ordinal);
        foreach (var edge in ordered)
        {
            var offer = offers[edge.Offer];
            if (state.EnterpriseLeft[edge.Enterprise] <= 0 || state.OfferLeft[edge.Offer] <= 0) continue;
            if (offer.Host is { } host && state.HostLeft[host] <= 0) continue;
            if (problem.OnePerUniversity && offer.University is { } u && state.UniversitiesUsed.Contains((edge.Enterprise, u))) continue;
            if (offer.Host is { } person && state.PeopleMet.Contains((edge.Enterprise, person))) continue;
            state.EnterpriseLeft[edge.Enterprise]--;
            state.OfferLeft[edge.Offer]--;
            if (offer.Host is { } h) state.HostLeft[h]--;
            if (problem.OnePerUniversity && offer.University is { } university) state.UniversitiesUsed.Add((edge.Enterprise, university));
            if (offer.Host is { } met) state.PeopleMet.Add((edge.Enterprise, met));
            meetings.Add(new Meeting(edge.Enterprise, edge.Offer, edge.Score, false));
        }
        return new MeetingAssignment(meetings);
    }
}
