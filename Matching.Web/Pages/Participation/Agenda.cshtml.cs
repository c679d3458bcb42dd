using System.Text;
using Matching.Engine.Events;
using Matching.Engine.Events.Exports;
using Matching.Engine.Notifications;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Participation;

/// <summary>
/// A participant's agenda for an event: the signed-in user's organisation's meetings once the event is published, each
/// to confirm or decline for its own side, and the same as a calendar file. The organisation must take part in the
/// event; organisers and administrators see every meeting (and answer nothing here: the event's page is theirs).
/// </summary>
public sealed class AgendaModel(EventStore events, EventAgendas agendas, RecordStore records, Notifier notifier) : PageModel
{
    public MatchingEvent? Event { get; private set; }
    public IReadOnlyList<AgendaEntry> Entries { get; private set; } = [];
    public IReadOnlyDictionary<(string Enterprise, string OfferKind, string OfferId), StoredMeeting> Meetings { get; private set; } =
        new Dictionary<(string, string, string), StoredMeeting>();
    public string? OrganisationId { get; private set; }
    public string? OrganisationName { get; private set; }
    public bool IsStaff { get; private set; }
    public string? Message { get; private set; }

    /// <summary>Meetings are shown and answered once the schedule is published (before that it is the organisers' draft).</summary>
    public bool IsPublished => Event?.Status is EventStatus.Published or EventStatus.Closed;

    public IActionResult OnGet(string eventId) => Load(eventId) ?? Page();

    /// <summary>The meetings on this page as an iCalendar file, in the event's time zone.</summary>
    public IActionResult OnGetCalendar(string eventId)
    {
        if (Load(eventId) is { } refused) return refused;
        if (Entries.Count == 0) return NotFound();
        var ev = Event!.ForAgenda();
        var agenda = new Engine.Events.Agenda(OrganisationId ?? Event.Id, OrganisationName ?? Event.Name,
            Entries.All(e => e.EnterpriseId == OrganisationId) ? EventParticipant.Enterprise : "organisation", Entries);
        return File(Encoding.UTF8.GetBytes(AgendaCalendar.Write(ev, agenda)), "text/calendar; charset=utf-8", AgendaCalendar.FileName(ev, agenda));
    }

    /// <summary>Confirms or declines one meeting for the side the user's organisation is on.</summary>
    public IActionResult OnPost(string eventId, string enterprise, string offerKind, string offerId, string answer)
    {
        if (Load(eventId) is { } refused) return refused;
        if (answer is not (MeetingStatus.Confirmed or MeetingStatus.Declined)) return BadRequest();
        var entry = Entries.FirstOrDefault(e => e.EnterpriseId == enterprise && e.OfferKind == offerKind && e.OfferId == offerId);
        if (entry?.SideOf(OrganisationId) is not { } side) return NotFound();
        if (Event!.Status != EventStatus.Published)
        {
            Message = Text.T("活动已结束，对接不能再确认或婉拒。");
            return Page();
        }
        if (events.Respond(Event.Id, enterprise, offerKind, offerId, side, answer)) notifier.Answered(Event.Id, enterprise, offerKind, offerId, side, answer);
        Message = answer == MeetingStatus.Confirmed ? Text.T("已确认，对方和组织方会收到通知。") : Text.T("已婉拒，对方和组织方会收到通知。");
        Load(eventId);
        return Page();
    }

    /// <summary>My side's answer and the other side's, for an entry.</summary>
    public (string Mine, string Theirs) Answers(AgendaEntry e)
    {
        if (!Meetings.TryGetValue((e.EnterpriseId, e.OfferKind, e.OfferId), out var m)) return (MeetingStatus.Proposed, MeetingStatus.Proposed);
        return e.SideOf(OrganisationId) == "enterprise" ? (m.EnterpriseStatus, m.OfferStatus) : (m.OfferStatus, m.EnterpriseStatus);
    }

    /// <summary>Null when the user may see this event's agenda (and it is loaded); otherwise the answer to give.</summary>
    private IActionResult? Load(string eventId)
    {
        var viewer = User.ToViewer();
        Event = eventId.Length <= PageResults.MaxIdLength ? events.Get(eventId) : null;
        if (Event is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        IsStaff = viewer.IsStaff;
        OrganisationId = viewer.OrganisationId;
        if (!IsStaff && (OrganisationId is null || !agendas.IsParticipant(Event.Id, OrganisationId))) return Forbid();
        OrganisationName = OrganisationId is null ? null : records.GetOrganisation(OrganisationId)?.Name ?? OrganisationId;
        Entries = IsStaff ? agendas.Entries(Event.Id) : IsPublished ? agendas.ForOrganisation(Event.Id, OrganisationId!) : [];
        Meetings = events.Meetings(Event.Id).ToDictionary(m => (m.Enterprise, m.OfferKind, m.OfferId));
        return null;
    }
}
