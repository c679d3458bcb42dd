using System.Text;
using System.Text.RegularExpressions;
using Hangfire;
using Matching.Engine.Events;
using Matching.Engine.Events.Exports;
using Matching.Engine.Import;
using Matching.Engine.Notifications;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Matching.Engine.Accounts;
using Matching.Web.Accounts;

namespace Matching.Web.Apis;

/// <summary>
/// /api/v1/events: create an event, choose participants by filter or by hand, pin and forbid pairs, generate the list
/// and schedule, publish, confirm or decline meetings, ask why a pair is missing, export, record outcomes, and the
/// dashboard's figures. Organisers and administrators run events; a participant confirms or declines their own side
/// of a meeting and asks for meetings for their own organisation.
/// </summary>
public static partial class EventsApi
{
    /// <summary>Most participants, constraints or outcomes in one request.</summary>
    public const int MaxItems = 10_000;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    public sealed record EventInput(string Id, string Name, string? Format, DateTime StartsAt, string? TimeZone, int? SlotMinutes, int? Slots, int? Tables,
        string? Venue, int? EnterpriseCap, int? OfferCap, int? ExpertCap, bool? OnePerUniversity, int? CandidatesPerEnterprise, double? MinScore);

    public sealed record ParticipantsInput(ParticipantFilter? Filter, IReadOnlyList<EventParticipant>? Participants);

    /// <summary>A participant's answer to a meeting: validated before the handler runs (400 naming each field).</summary>
    public sealed record Response(
        [Required, StringLength(ImportLimits.Id)] string Enterprise,
        [Required, AllowedValues(EventParticipant.Result, EventParticipant.Expert)] string OfferKind,
        [Required, StringLength(ImportLimits.Id)] string OfferId,
        [Required, AllowedValues("enterprise", "offer")] string Side,
        [Required, AllowedValues(MeetingStatus.Confirmed, MeetingStatus.Declined, MeetingStatus.Proposed)] string Status);

    /// <summary>A pin or forbid of a pair, validated before the handler runs; the event's rules are the planner's.</summary>
    public sealed record ConstraintInput(
        [Required, StringLength(ImportLimits.Id)] string Enterprise,
        [Required, AllowedValues(EventParticipant.Result, EventParticipant.Expert)] string OfferKind,
        [Required, StringLength(ImportLimits.Id)] string OfferId,
        [Required, AllowedValues(EventConstraint.Pin, EventConstraint.Forbid)] string Kind,
        [StringLength(EventPlanner.MaxNote)] string? Note);

    public sealed record RequestInput(
        [Required, StringLength(ImportLimits.Id)] string Enterprise,
        [Required, AllowedValues(EventParticipant.Result, EventParticipant.Expert)] string OfferKind,
        [Required, StringLength(ImportLimits.Id)] string OfferId,
        [Required, AllowedValues("enterprise", "expert")] string RequestedBy,
        [StringLength(EventPlanner.MaxNote)] string? Note);

    public sealed record MoveInput(
        [Required, StringLength(ImportLimits.Id)] string Enterprise,
        [Required, AllowedValues(EventParticipant.Result, EventParticipant.Expert)] string OfferKind,
        [Required, StringLength(ImportLimits.Id)] string OfferId,
        [Range(0, 47)] int Slot,
        [Range(0, 9_999)] int Table);

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events").WithTags("Events").RequireAuthorization(Policies.Staff);
        var participants = app.MapGroup("/api/v1/events").WithTags("Events");
        group.MapGet("/", (EventStore events) => TypedResults.Ok(events.List())).WithSummary("All events, newest first");
        group.MapPost("/", Create).WithSummary("Create or update an event (draft)");
        group.MapGet("/{id}", (string id, EventStore events) => Found(events.Get(id), id)).WithSummary("One event and its settings");
        group.MapGet("/{id}/participants", (string id, EventStore events) => events.Get(id) is null ? Missing(id) : Results.Ok(events.Participants(id)));
        group.MapPost("/{id}/participants", AddParticipants).WithSummary("Add participants by filter (industries, zones, organisations, kinds) or by hand");
        group.MapDelete("/{id}/participants/{kind:regex(^(enterprise|result|expert)$)}/{participantId}", (string id, string kind, string participantId, EventPlanner planner) =>
                planner.RemoveParticipant(id, new EventParticipant(kind, participantId)).ToHttp())
            .WithSummary("Take a participant off the event with its pins and forbids (refused once the list is published)");
        group.MapPost("/{id}/constraints", (string id, ConstraintInput c, EventPlanner planner) =>
                planner.Constrain(id, new EventConstraint(c.Enterprise, c.OfferKind, c.OfferId, c.Kind, c.Note)).ToHttp())
            .WithSummary("Pin or forbid a pair of the event's participants; re-solving keeps it (refused after publishing, and a pin on a conflicted pair)");
        group.MapDelete("/{id}/constraints", (string id, string enterprise, string offerKind, string offerId, EventPlanner planner) =>
            planner.Unconstrain(id, enterprise, offerKind, offerId).ToHttp());
        group.MapGet("/{id}/constraints", (string id, EventStore events) => events.Get(id) is null ? Missing(id) : Results.Ok(events.Constraints(id)));
        group.MapPost("/{id}/generate", Generate).WithSummary("Check viability, solve, place in slots and store the meetings (?background=true: as a job, 202 with its id)");
        group.MapPost("/{id}/publish", (string id, EventStore events, Notifier notifier) => Move(events, id, EventStatus.Published, notifier.Published))
            .WithSummary("Publish the schedule; every participant's users are told their meetings");
        group.MapPost("/{id}/close", (string id, EventStore events) => Move(events, id, EventStatus.Closed));
        group.MapGet("/{id}/meetings", (string id, EventStore events) => events.Get(id) is null ? Missing(id) : Results.Ok(events.Meetings(id)));
        participants.MapPost("/{id}/meetings/respond", (string id, Response r, ClaimsPrincipal user, EventStore events, RecordStore store, Notifier notifier) =>
        {
            if (events.Get(id) is not { } ev) return Missing(id);
            if (!Speaks(user.ToViewer(), store, r.Side == "enterprise" ? null : r.OfferKind, r.Side == "enterprise" ? r.Enterprise : r.OfferId))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: "you answer only for your own organisation's side of a meeting");
            if (ev.Status != EventStatus.Published) return Results.Problem(statusCode: 409, title: "Not published", detail: "meetings are confirmed or declined once the event is published");
            try
            {
                if (!events.Respond(id, r.Enterprise, r.OfferKind, r.OfferId, r.Side, r.Status)) return Results.NotFound();
            }
            catch (ArgumentException e) { return Invalid(e.Message); }
            notifier.Answered(id, r.Enterprise, r.OfferKind, r.OfferId, r.Side, r.Status);
            return Results.NoContent();
        }).WithSummary("A participant confirms or declines a meeting (side: enterprise or offer); the other side and the organisers are told");
        group.MapGet("/{id}/why-not", (string id, string enterprise, string offerKind, string offerId, EventStore events, EventPlanner planner) =>
        {
            if (events.Get(id) is not { } ev) return Missing(id);
            var (problem, _) = planner.Build(ev);
            var meetings = events.Meetings(id).Select(m => new Meeting(m.Enterprise, EventPlanner.OfferKey(m.OfferKind, m.OfferId), m.Score, m.Pinned)).ToList();
            return Results.Ok(WhyNot.Explain(problem, new MeetingAssignment(meetings), enterprise, EventPlanner.OfferKey(offerKind, offerId)));
        }).WithSummary("Why a pair someone asked for is not on the list");
        participants.MapPost("/{id}/requests", (string id, RequestInput r, ClaimsPrincipal user, EventStore events, EventPlanner planner, RecordStore store) =>
        {
            if (events.Get(id) is null) return Missing(id);
            if (!Speaks(user.ToViewer(), store, r.RequestedBy == "enterprise" ? null : r.OfferKind, r.RequestedBy == "enterprise" ? r.Enterprise : r.OfferId))
                return Results.Problem(statusCode: 403, title: Text.T("无权操作"), detail: Text.T("只能为本机构提出对接请求。"));
            var (result, requestId) = planner.Request(id, r.Enterprise, r.OfferKind, r.OfferId, r.RequestedBy, r.Note);
            return result.ToHttp(() => Results.Created($"/api/v1/events/{id}/requests/{requestId}", new { id = requestId }));
        }).WithSummary("An enterprise or an expert asks for a meeting before the list is published");
        group.MapGet("/{id}/requests", (string id, EventStore events) => events.Get(id) is null ? Missing(id) : Results.Ok(events.Requests(id)));
        group.MapPost("/{id}/requests/{requestId:long}/{decision:regex(^(accept|decline)$)}", (string id, long requestId, string decision, EventPlanner planner) =>
                planner.Decide(id, requestId, decision == "accept").ToHttp())
            .WithSummary("Accept a request (it becomes a pin, so the pin rules hold) or decline it");
        group.MapPost("/{id}/meetings/move", (string id, IReadOnlyList<MoveInput> moves, EventStore events, EventPlanner planner) =>
        {
            if (events.Get(id) is null) return Missing(id);
            if (moves.Count is 0 or > MaxItems) return Invalid($"1–{MaxItems:N0} moves");
            if (moves.Any(m => m is null)) return Invalid("a move is an object with enterprise, offerKind, offerId, slot and table, not null");
            var broken = planner.Move(id, moves.Select(m => (m.Enterprise, EventPlanner.OfferKey(m.OfferKind, m.OfferId), m.Slot, m.Table)).ToList());
            return broken.Count == 0 ? Results.NoContent()
                : Results.Problem(statusCode: 409, title: Text.T("日程冲突"), detail: string.Join(Text.T("；"), broken.Take(20).Select(Text.T)),
                    extensions: new Dictionary<string, object?> { ["problems"] = broken.Take(20).ToList() });
        }).WithSummary("Move meetings to other slots and tables (a swap is two moves); refused when someone would be in two places");
        group.MapGet("/{id}/agendas", (string id, EventStore events, EventAgendas agendas) => events.Get(id) is null ? Missing(id) : Results.Ok(agendas.Agendas(id)));
        group.MapGet("/{id}/export.csv", (string id, EventStore events, EventAgendas agendas) =>
        {
            if (events.Get(id) is not { } ev) return Missing(id);
            var stream = new MemoryStream();
            AgendaCsv.Write(stream, ev.ForAgenda(), agendas.Agendas(id).Where(a => a.Role == EventParticipant.Enterprise).SelectMany(a => a.Entries));
            stream.Position = 0;
            return Results.File(stream, "text/csv; charset=utf-8", FileStem(ev) + "-meetings.csv");
        }).WithSummary("All meetings as CSV for Excel (UTF-8 with BOM); fill in the attendance, stage, amount and reason columns and upload it as outcomes");
        group.MapGet("/{id}/agendas.html", (string id, EventStore events, EventAgendas agendas) =>
            events.Get(id) is not { } ev ? Missing(id) : Results.Content(AgendaPage.Render(ev.ForAgenda(), agendas.Agendas(id)), "text/html; charset=utf-8"))
            .WithSummary("Printable A4 agendas, one page per participant");
        group.MapGet("/{id}/calendars/{role}/{participant}.ics", (string id, string role, string participant, EventStore events, EventAgendas agendas) =>
        {
            if (events.Get(id) is not { } ev) return Missing(id);
            var agenda = agendas.Agendas(id).FirstOrDefault(a => a.Role == role && a.ParticipantId == participant);
            return agenda is null ? Results.NotFound() : Results.File(Encoding.UTF8.GetBytes(AgendaCalendar.Write(ev.ForAgenda(), agenda)), "text/calendar; charset=utf-8", AgendaCalendar.FileName(ev.ForAgenda(), agenda));
        }).WithSummary("One participant's meetings as an iCalendar file in the event's time zone");
        group.MapPost("/{id}/outcomes", (string id, IReadOnlyList<MeetingOutcome> outcomes, EventStore events) =>
        {
            if (events.Get(id) is null) return Missing(id);
            if (outcomes.Count > MaxItems) return Invalid($"at most {MaxItems:N0} outcomes per request");
            if (outcomes.Any(o => o is null)) return Invalid("an outcome is an object with enterprise, offerKind, offerId and attended, not null");
            var report = events.RecordOutcomes(id, outcomes);
            return Results.Ok(new { recorded = report.Recorded, judgements = report.Judgements, rejected = report.Rejected.Select(r => new { line = r.Index + 1, reason = r.Reason }) });
        }).WithSummary("Record outcomes (attended, stage, amount, reason); each becomes a judgement");
        group.MapPost("/{id}/outcomes.csv", async (string id, HttpRequest request, EventStore events) =>
        {
            if (events.Get(id) is null) return Missing(id);
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            buffer.Position = 0;
            var report = OutcomeFile.Record(events, id, buffer);
            return Results.Ok(new { recorded = report.Recorded, judgements = report.Judgements, rejected = report.Rejected.Select(e => new { line = e.Line, reason = e.Reason }) });
        }).Accepts<IFormFile>("text/csv").WithSummary("Upload the filled-in meetings CSV (or any CSV with the outcome columns)");
        group.MapGet("/{id}/dashboard", (string id, EventStore events, EventDashboard dashboard) =>
            events.Get(id) is null ? Missing(id) : Results.Ok(dashboard.For(id))).WithSummary("Matches by industry and zone, score distribution, outcome funnel");
        return app;
    }

    private static IResult Create(EventInput input, EventStore events)
    {
        var (ev, status, error) = Validate(input, events);
        if (error is not null) return status == 409 ? Results.Problem(statusCode: 409, title: "Event fixed", detail: error) : Invalid(error);
        events.Save(ev!);
        return Results.Created($"/api/v1/events/{ev!.Id}", events.Get(ev.Id));
    }

    /// <summary>An event's settings checked (the API and the event form share it): the event, or the status and the reason.</summary>
    internal static (MatchingEvent? Event, int Status, string? Error) Validate(EventInput input, EventStore events)
    {
        static (MatchingEvent?, int, string?) Invalid(string message) => (null, 400, message);
        if (input.Id is null || !IdPattern().IsMatch(input.Id)) return Invalid("id: 1–64 letters, digits, '-' or '_'");
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200) return Invalid("name: 1–200 characters");
        var format = input.Format ?? EventFormats.ScientistsInParks;
        if (!EventFormats.All.Contains(format)) return Invalid($"format: one of {string.Join("、", EventFormats.All)}");
        var zone = input.TimeZone ?? "Asia/Shanghai";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) return Invalid($"timeZone: '{RowParser.Printable(zone)}' is not a known time zone");
        if (input.StartsAt.Year is < 2000 or > 2100) return Invalid("startsAt: a local date and time, e.g. 2026-12-10T09:00:00");
        var slots = input.Slots ?? 6;
        if (slots is < 1 or > 48) return Invalid("slots: 1–48");
        if (input.SlotMinutes is < 5 or > 240) return Invalid("slotMinutes: 5–240");
        if (input.Tables is < 1 or > 10_000) return Invalid("tables: 1–10,000");
        foreach (var (name, cap) in new[] { ("enterpriseCap", input.EnterpriseCap), ("offerCap", input.OfferCap), ("expertCap", input.ExpertCap) })
            if (cap is < 1 || cap > slots) return Invalid($"{name}: 1–{slots} (no more than the slots)");
        if (input.CandidatesPerEnterprise is < 1 or > 200) return Invalid("candidatesPerEnterprise: 1–200");
        if (input.MinScore is < 0 or > 1) return Invalid("minScore: 0–1");
        if (input.Venue is { Length: > 200 }) return Invalid("venue: at most 200 characters");
        var existing = events.Get(input.Id);
        if (existing is not null && existing.Status != EventStatus.Draft && existing.Status != EventStatus.Generated)
            return (null, 409, $"event {input.Id} is {existing.Status}; its settings no longer change");
        var ev = new MatchingEvent
        {
            Id = input.Id, Name = input.Name.Trim(), Format = format, Status = existing?.Status ?? EventStatus.Draft, TimeZone = zone, StartsAtLocal = input.StartsAt,
            SlotMinutes = input.SlotMinutes ?? 20, Slots = slots, Tables = input.Tables ?? 40, Venue = input.Venue, EnterpriseCap = input.EnterpriseCap ?? Math.Min(3, slots),
            OfferCap = input.OfferCap ?? Math.Min(4, slots), ExpertCap = input.ExpertCap ?? Math.Min(5, slots), OnePerUniversity = input.OnePerUniversity ?? false,
            CandidatesPerEnterprise = input.CandidatesPerEnterprise ?? 30, MinScore = input.MinScore,
        };
        return (ev, 200, null);
    }

    private static IResult AddParticipants(string id, ParticipantsInput input, EventStore events, EventPlanner planner)
    {
        if (events.Get(id) is null) return Missing(id);
        var chosen = new List<EventParticipant>();
        if (input.Filter is { } filter) chosen.AddRange(planner.Select(filter));
        if (input.Participants is { } given)
        {
            if (given.Count > MaxItems) return Invalid($"at most {MaxItems:N0} participants per request");
            if (given.FirstOrDefault(p => p.Kind is not (EventParticipant.Enterprise or EventParticipant.Result or EventParticipant.Expert) || string.IsNullOrWhiteSpace(p.Id)) is { } bad)
                return Invalid($"participant kind '{RowParser.Printable(bad.Kind ?? "")}' must be enterprise, result or expert, with an id");
            chosen.AddRange(given);
        }
        ParticipantsAdded added;
        try { added = planner.AddParticipants(id, chosen); }
        catch (EventRuleException e) { return RuleResults.Problem(StatusCodes.Status409Conflict, e.Reason); }
        return Results.Ok(new
        {
            added = added.Added.Count, total = events.Participants(id).Count,
            refused = added.Refused.Select(r => new { kind = r.Participant.Kind, id = RowParser.Printable(r.Participant.Id), reason = r.Reason }),
        });
    }

    private static IResult Generate(string id, bool? background, bool? confirm, EventStore events, EventPlanner planner, Notifier notifier, Hangfire.IBackgroundJobClient jobs)
    {
        if (events.Get(id) is not { } ev) return Missing(id);
        if (background == true)
        {
            if (ev.Status is not (EventStatus.Draft or EventStatus.Generated))
                return Results.Problem(statusCode: 409, title: "Wrong status", detail: $"event {id} is {ev.Status}; only a draft or generated event is generated in the background (a published one: without background, with confirm=true)");
            // A large event is built and solved by the job server; the job's page says how it went.
            var jobId = jobs.Enqueue<Matching.Jobs.Jobs.EventJob>(j => j.Generate(id, null));
            return Results.Accepted($"/api/v1/jobs/{jobId}", new { jobId, status = $"/api/v1/jobs/{jobId}" });
        }
        try
        {
            var plan = planner.Generate(id, republish: confirm == true);
            // A published event stays published: everyone whose meeting moved is told.
            var told = plan.Event.Status == EventStatus.Published && plan.Moved.Count > 0 ? notifier.Published(id) : 0;
            return Results.Ok(new
            {
                status = plan.Event.Status, meetings = plan.Assignment.Meetings.Count, enterprises = plan.Problem.Enterprises.Count, moved = plan.Moved.Count, told,
                enterprisesCovered = plan.Assignment.EnterprisesCovered, totalScore = Math.Round(plan.Assignment.TotalScore, 4), tables = plan.Schedule.Tables,
                hostGaps = plan.Schedule.HostGaps, warnings = plan.Viability.Warnings,
            });
        }
        catch (MeetingProblemException e) { return RuleResults.Problem(StatusCodes.Status422UnprocessableEntity, e.Reason); }
        catch (EventRuleException e) { return RuleResults.Problem(StatusCodes.Status409Conflict, e.Reason); }
    }

    /// <summary>Moves an event to <paramref name="status"/>; then <paramref name="moved"/> (e.g. telling the participants).</summary>
    private static IResult Move(EventStore events, string id, string status, Func<string, int>? moved = null)
    {
        if (events.Get(id) is null) return Missing(id);
        try
        {
            events.SetStatus(id, status);
            moved?.Invoke(id);
            return Results.Ok(events.Get(id));
        }
        catch (EventRuleException e) { return RuleResults.Problem(StatusCodes.Status409Conflict, e.Reason); }
    }

    private static string FileStem(MatchingEvent ev) => Regex.Replace(ev.Id, "[^A-Za-z0-9_-]", "_");

    private static IResult Found(MatchingEvent? ev, string id) => ev is null ? Missing(id) : Results.Ok(ev);

    private static IResult Missing(string id) =>
        Results.Problem(statusCode: 404, title: "Not found", detail: $"no event with id '{RowParser.Printable(id)}'");

    private static IResult Invalid(string detail) => Results.Problem(statusCode: 400, title: "Invalid event input", detail: detail);

    /// <summary>
    /// Whether the viewer speaks for a participant: the enterprise (<paramref name="offerKind"/> null: the id is the
    /// enterprise's organisation), or the organisation of the offered result or expert. Organisers speak for anyone.
    /// </summary>
    private static bool Speaks(Viewer viewer, RecordStore store, string? offerKind, string id)
    {
        if (viewer.IsStaff) return true;
        if (id is null || id.Length > ImportLimits.Id) return false;
        var organisation = offerKind switch
        {
            null => id,
            EventParticipant.Result => store.GetResult(id)?.Organisation,
            EventParticipant.Expert => store.GetExpert(id)?.Organisation,
            _ => null,
        };
        return viewer.Owns(organisation);
    }
}
