namespace Matching.Engine.Events;

/// <summary>An event as its agendas and exports show it: local start of the first slot, slot length, time zone.</summary>
public sealed record AgendaEvent(string Id, string Name, string Format, string TimeZone, DateTime StartsAtLocal, int SlotMinutes, string? Venue)
{
    /// <summary>Local start and end of a 0-based slot.</summary>
    public (DateTime Start, DateTime End) SlotTime(int slot) =>
        (StartsAtLocal.AddMinutes(slot * SlotMinutes), StartsAtLocal.AddMinutes((slot + 1) * SlotMinutes));
}

/// <summary>One meeting as a line of an agenda. OfferKind is "result" or "expert"; Status is the meeting's confirmation state.</summary>
public sealed record AgendaEntry(
    int Slot, DateTime StartLocal, DateTime EndLocal, int Table,
    string EnterpriseId, string EnterpriseName,
    string OfferKind, string OfferId, string OfferTitle, string? ExpertName, string? University,
    double Score, string Status);

/// <summary>One participant's agenda. Role is "enterprise", "expert" or "result" (a result without a named expert).</summary>
public sealed record Agenda(string ParticipantId, string ParticipantName, string Role, IReadOnlyList<AgendaEntry> Entries);
