namespace Matching.Engine.Events;

/// <summary>An event as its agendas and exports show it: local start of the first slot, slot length, time zone.</summary>
public sealed record AgendaEvent(string Id, string Name, string Format, string TimeZone, DateTime StartsAtLocal, int SlotMinutes, string? Venue)
{
    /// <summary>Local start and end of a 0-based slot.</summary>
    public (DateTime Start, DateTime End) SlotTime(int slot) =>
        (StartsAtLocal.AddMinutes(slot * SlotMinutes), StartsAtLocal.AddMinutes((slot + 1) * SlotMinutes));
}

/// <summary>
/// One meeting as a line of an agenda. OfferKind is "result" or "expert"; Status is the meeting's confirmation state;
/// OfferOrganisation is the id of the university or institute that offers the result or expert, when known.
/// </summary>
public sealed record AgendaEntry(
    int Slot, DateTime StartLocal, DateTime EndLocal, int Table,
    string EnterpriseId, string EnterpriseName,
    string OfferKind, string OfferId, string OfferTitle, string? ExpertName, string? University,
    double Score, string Status, string? OfferOrganisation = null)
{
    /// <summary>
    /// The other results the meeting's expert brings to the event (titles): an enterprise meets a person once, and
    /// that meeting covers their results.
    /// </summary>
    public IReadOnlyList<string> AlsoCovers { get; init; } = [];

    /// <summary>The model version the score is from: a meeting keeps the score it was planned with when a newer model is promoted.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// Who presents the offer, e.g. "李明 · 电子科技大学": the expert and the university (the university alone when the
    /// offer is the expert); empty when neither is known.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Presenter =>
        string.Join(" · ", new[] { ExpertName == OfferTitle ? null : ExpertName, University }.Where(s => !string.IsNullOrWhiteSpace(s)));

    /// <summary>The side an organisation answers for in this meeting: "enterprise", "offer", or null when it is neither.</summary>
    public string? SideOf(string? organisationId) =>
        organisationId is null ? null : EnterpriseId == organisationId ? "enterprise" : OfferOrganisation == organisationId ? "offer" : null;
}

/// <summary>
/// One participant's agenda. Role is "enterprise", "expert" or "result" (a result without a named expert), or
/// "organisation" for everything one university or institute presents.
/// </summary>
public sealed record Agenda(string ParticipantId, string ParticipantName, string Role, IReadOnlyList<AgendaEntry> Entries);
