using Matching.Engine.Storage;

namespace Matching.Engine.Events;

/// <summary>A labelled count, for a bar of a chart.</summary>
public sealed record Bar(string Label, int Count);

/// <summary>The event dashboard's figures.</summary>
public sealed record DashboardFigures(
    int Meetings, int Enterprises, int EnterprisesCovered, double MeanScore,
    IReadOnlyList<Bar> ByIndustry, IReadOnlyList<Bar> ByZone, IReadOnlyList<Bar> Scores, IReadOnlyList<Bar> Confirmations, IReadOnlyList<Bar> Funnel,
    decimal SignedAmount);

/// <summary>
/// What an organiser looks at: meetings by industry (of the need each meeting came from) and by zone (of the
/// enterprise), the distribution of calibrated scores in tenths, confirmations, and the outcome funnel (meetings →
/// attended → interested → intent → signed, each stage counting those that got at least that far).
/// </summary>
public sealed class EventDashboard(RecordStore store, EventStore events)
{
    public DashboardFigures For(string eventId)
    {
        var meetings = events.Meetings(eventId);
        var enterprises = events.Participants(eventId).Count(p => p.Kind == EventParticipant.Enterprise);
        var needs = store.GetNeeds(meetings.Select(m => m.NeedId).OfType<string>().Distinct().ToList()).ToDictionary(n => n.Id);
        var organisations = store.GetOrganisations(meetings.Select(m => m.Enterprise).Distinct().ToList()).ToDictionary(o => o.Id);

        var byIndustry = meetings.SelectMany(m => m.NeedId is { } n && needs.TryGetValue(n, out var need) && need.Industries.Count > 0 ? need.Industries : ["未分类"])
            .GroupBy(i => i).Select(g => new Bar(g.Key, g.Count())).OrderByDescending(b => b.Count).ThenBy(b => b.Label, StringComparer.Ordinal).ToList();
        var byZone = meetings.Select(m => organisations.TryGetValue(m.Enterprise, out var o) ? o.Zone ?? o.Region ?? "未注明" : "未注明")
            .GroupBy(z => z).Select(g => new Bar(g.Key, g.Count())).OrderByDescending(b => b.Count).ThenBy(b => b.Label, StringComparer.Ordinal).ToList();
        var scores = Enumerable.Range(0, 10).Select(t => new Bar($"{t / 10.0:0.0}–{(t + 1) / 10.0:0.0}",
            meetings.Count(m => Math.Min(9, (int)Math.Floor(m.Score * 10)) == t))).ToList();
        var confirmations = new[] { MeetingStatus.Proposed, MeetingStatus.Confirmed, MeetingStatus.Declined }.Select(c => new Bar(c, meetings.Count(m => m.Status == c))).ToList();

        var outcomes = events.Outcomes(eventId);
        int AtLeast(int grade) => outcomes.Count(o => o.Grade >= grade);
        var funnel = new List<Bar>
        {
            new("meetings", meetings.Count), new("attended", outcomes.Count(o => o.Attended)), new("interested", AtLeast(1)),
            new("intent", AtLeast(2)), new("signed", AtLeast(3)),
        };
        return new DashboardFigures(meetings.Count, enterprises, meetings.Select(m => m.Enterprise).Distinct().Count(),
            meetings.Count > 0 ? Math.Round(meetings.Average(m => m.Score), 4) : 0, byIndustry, byZone, scores, confirmations, funnel,
            outcomes.Where(o => o.Stage == "signed").Sum(o => o.Amount ?? 0));
    }
}
