using Matching.Engine.Storage;

namespace Matching.Engine.Events;

/// <summary>Agendas from an event's stored meetings (database only: exports work without the index).</summary>
public sealed class EventAgendas(RecordStore store, EventStore events)
{
    /// <summary>
    /// Every participant's agenda from the stored meetings: each enterprise's, each expert's (their profile and the
    /// results they present), and each result's that names no expert.
    /// </summary>
    public IReadOnlyList<Agenda> Agendas(string eventId)
    {
        var entries = Build(eventId);
        var agendas = new List<Agenda>();
        foreach (var g in entries.GroupBy(e => e.Entry.EnterpriseId).OrderBy(g => g.Key, StringComparer.Ordinal))
            agendas.Add(new Agenda(g.Key, g.First().Entry.EnterpriseName, EventParticipant.Enterprise, g.Select(e => e.Entry).OrderBy(e => e.Slot).ToList()));
        foreach (var g in entries.GroupBy(e => e.Host).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var (kind, id) = EventPlanner.SplitOffer(g.Key);
            agendas.Add(new Agenda(id, g.First().HostName, kind, g.Select(e => e.Entry).OrderBy(e => e.Slot).ToList()));
        }
        return agendas;
    }

    /// <summary>Every meeting of the event as an agenda line, by slot and table.</summary>
    public IReadOnlyList<AgendaEntry> Entries(string eventId) => Build(eventId).Select(e => e.Entry).OrderBy(e => e.Slot).ThenBy(e => e.Table).ToList();

    /// <summary>The meetings an organisation has at the event: as the enterprise, or as the university offering the result or expert.</summary>
    public IReadOnlyList<AgendaEntry> ForOrganisation(string eventId, string organisationId) =>
        Entries(eventId).Where(e => e.SideOf(organisationId) is not null).ToList();

    /// <summary>
    /// Whether an organisation takes part in the event: it is a chosen enterprise, it offers a chosen result or expert,
    /// or it has a meeting (a pinned pair may bring in one that was not chosen).
    /// </summary>
    public bool IsParticipant(string eventId, string organisationId)
    {
        var participants = events.Participants(eventId);
        if (participants.Any(p => p.Kind == EventParticipant.Enterprise && p.Id == organisationId)) return true;
        var results = participants.Where(p => p.Kind == EventParticipant.Result).Select(p => p.Id).ToList();
        var experts = participants.Where(p => p.Kind == EventParticipant.Expert).Select(p => p.Id).ToList();
        return store.GetResults(results).Any(r => r.Organisation == organisationId)
            || store.GetExperts(experts).Any(x => x.Organisation == organisationId)
            || ForOrganisation(eventId, organisationId).Count > 0;
    }

    private List<(string Host, string HostName, AgendaEntry Entry)> Build(string eventId)
    {
        var ev = events.Get(eventId) ?? throw new KeyNotFoundException($"no event {eventId}");
        var meetings = events.Meetings(eventId);
        var results = store.GetResults(meetings.Where(m => m.OfferKind == EventParticipant.Result).Select(m => m.OfferId).Distinct().ToList()).ToDictionary(r => r.Id);
        var expertIds = meetings.Where(m => m.OfferKind == EventParticipant.Expert).Select(m => m.OfferId)
            .Concat(results.Values.Select(r => r.Experts.FirstOrDefault()).OfType<string>()).Distinct().ToList();
        var experts = store.GetExperts(expertIds).ToDictionary(x => x.Id);
        // What each expert brings to the event: the participating results they present (their first-named expert).
        var presented = store.GetResults(events.Participants(eventId).Where(p => p.Kind == EventParticipant.Result).Select(p => p.Id).ToList())
            .Where(r => r.Status == Records.RecordStatus.Active && r.Experts.Count > 0)
            .ToLookup(r => r.Experts[0]);
        var organisations = store.GetOrganisations(meetings.Select(m => m.Enterprise)
            .Concat(results.Values.Select(r => r.Organisation)).Concat(experts.Values.Select(x => x.Organisation)).OfType<string>().Distinct().ToList()).ToDictionary(o => o.Id);
        string OrganisationName(string? id) => id is not null && organisations.TryGetValue(id, out var o) ? o.Name : id ?? "";

        return meetings.Select(m =>
        {
            var (start, end) = ev.ForAgenda().SlotTime(m.Slot);
            var result = m.OfferKind == EventParticipant.Result ? results.GetValueOrDefault(m.OfferId) : null;
            var hostId = result is not null ? result.Experts.FirstOrDefault() : m.OfferId;
            var host = hostId is not null ? experts.GetValueOrDefault(hostId) : null;
            var title = result?.Title ?? host?.Name ?? m.OfferId;
            var university = OrganisationName(result?.Organisation ?? host?.Organisation);
            return (Host: hostId is not null ? "expert:" + hostId : "result:" + m.OfferId, HostName: host?.Name ?? title,
                Entry: new AgendaEntry(m.Slot, start, end, m.Table, m.Enterprise, OrganisationName(m.Enterprise), m.OfferKind, m.OfferId, title, host?.Name,
                    university, m.Score, m.Status, result?.Organisation ?? host?.Organisation)
                {
                    Model = m.Model,
                    AlsoCovers = hostId is null ? [] : presented[hostId].Where(r => !(m.OfferKind == EventParticipant.Result && r.Id == m.OfferId))
                        .Select(r => r.Title).Distinct().Take(5).ToList(),
                });
        }).ToList();
    }

}
