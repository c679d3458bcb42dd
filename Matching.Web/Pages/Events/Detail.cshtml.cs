using Matching.Engine.Events;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Events;

/// <summary>One event: its schedule by slot, the dashboard as charts, exports, and the organiser's actions.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Matching.Web.Accounts.Policies.Staff)]
public sealed class DetailModel(EventStore events, EventAgendas agendas, EventDashboard dashboard, EventPlanner planner, Matching.Engine.Notifications.Notifier notifier, RecordStore store) : PageModel
{
    public MatchingEvent? Event { get; private set; }
    public IReadOnlyList<Agenda> Agendas { get; private set; } = [];
    public DashboardFigures? Figures { get; private set; }
    public IReadOnlyDictionary<(string Enterprise, string OfferKind, string OfferId), MeetingOutcome> Outcomes { get; private set; } =
        new Dictionary<(string, string, string), MeetingOutcome>();
    public string? Message { get; private set; }
    public IReadOnlyList<EventConstraint> Constraints { get; private set; } = [];
    public IReadOnlyList<MeetingRequest> Requests { get; private set; } = [];
    /// <summary>Participants by kind with their names, for the pin and forbid form.</summary>
    public IReadOnlyList<(string Kind, string Id, string Label)> Participants { get; private set; } = [];
    public bool Editable => Event is not null && EventPlanner.TakesConstraints(Event);

    /// <summary>Pins (must meet) or forbids (must not) a pair; the next generation honours it.</summary>
    public IActionResult OnPostConstraint(string id, string enterprise, string offer, string kind)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var parts = (offer ?? "").Split(':', 2);
        if (parts.Length != 2 || string.IsNullOrEmpty(enterprise)) Message = Text.T("请选择本活动的企业和对接对象。");
        else
        {
            // The rules (not after publishing, participants only, no pin on a conflicted pair) are the planner's.
            var result = planner.Constrain(id, new EventConstraint(enterprise, parts[0], parts[1], kind ?? ""));
            Message = !result.Ok ? Text.T(result.Reason!)
                : kind == EventConstraint.Pin ? Text.T("已锁定，重新生成后这一对一定会安排。") : Text.T("已排除，重新生成后这一对不会安排。");
        }
        Load(id);
        return Page();
    }

    /// <summary>Adds participants by id (one per line or separated by commas); each unknown one is refused with its reason.</summary>
    public IActionResult OnPostAddParticipants(string id, string kind, string ids)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var given = (ids ?? "").Split(['\n', ',', '，', ' ', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct().Take(Apis.EventsApi.MaxItems).Select(p => new EventParticipant(kind ?? "", p)).ToList();
        if (given.Count == 0) Message = Text.T("请填写要加入的编号。");
        else
        {
            // The rules (the list still open, each one a live record of its kind) are the planner's.
            try
            {
                var added = planner.AddParticipants(id, given);
                Message = added.Refused.Count == 0
                    ? Text.T("已加入 {0} 个参会方。", added.Added.Count)
                    : Text.T("已加入 {0} 个参会方；{1} 个未加入：{2}", added.Added.Count, added.Refused.Count,
                        string.Join(Text.T("；"), added.Refused.Take(10).Select(r => Text.T("{0}（{1}）", Matching.Engine.Import.RowParser.Printable(r.Participant.Id), Text.T(r.Reason)))));
            }
            catch (EventRuleException e) { Message = Text.T(e.Reason); }
        }
        Load(id);
        return Page();
    }

    /// <summary>Takes a participant off the event (with its pins and forbids) while the list is not published.</summary>
    public IActionResult OnPostRemoveParticipant(string id, string kind, string participant)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var result = planner.RemoveParticipant(id, new EventParticipant(kind ?? "", participant ?? ""));
        Message = result.Ok ? Text.T("已移出参会方，重新生成后生效。") : Text.T(result.Reason!);
        Load(id);
        return Page();
    }

    public IActionResult OnPostUnconstrain(string id, string enterprise, string offerKind, string offerId)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var result = planner.Unconstrain(id, enterprise ?? "", offerKind ?? "", offerId ?? "");
        Message = result.Ok ? Text.T("已取消。") : Text.T(result.Reason!);
        Load(id);
        return Page();
    }

    /// <summary>Accepts a participant's request for a meeting (it becomes a pin) or declines it.</summary>
    public IActionResult OnPostRequest(string id, long requestId, bool accept)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var result = planner.Decide(id, requestId, accept);
        if (result.Status == Matching.Engine.Messages.RuleStatus.NotFound) return NotFound();
        Message = !result.Ok ? Text.T(result.Reason!) : accept ? Text.T("已接受请求，重新生成后会安排。") : Text.T("已婉拒请求。");
        Load(id);
        return Page();
    }

    public IActionResult OnGet(string id) => Load(id) ? Page() : this.PageWithStatus(StatusCodes.Status404NotFound);

    /// <summary>Most bytes of an uploaded outcomes sheet.</summary>
    public const long MaxUpload = 5 * 1024 * 1024;

    /// <summary>One meeting's outcome from the form beside it: stage "absent" means nobody came.</summary>
    public IActionResult OnPostOutcome(string id, string enterprise, string offerKind, string offerId, string stage, decimal? amount)
    {
        if (events.Get(id) is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        if (string.IsNullOrEmpty(stage) || (stage != "absent" && !MeetingOutcome.Stages.Contains(stage)))
        {
            Message = Text.T("请选择进展：未到场、见面、有兴趣、意向或签约。");
            Load(id);
            return Page();
        }
        var outcome = new MeetingOutcome(enterprise, offerKind, offerId, stage != "absent", stage == "absent" ? null : stage, amount is >= 0 ? amount : null);
        var report = events.RecordOutcomes(id, [outcome]);
        Message = report.Rejected.Count > 0 ? Text.T("未记录：{0}", report.Rejected[0].Reason) : Text.T("已记录对接成果（{0} 条训练标注）。", report.Judgements);
        Load(id);
        return Page();
    }

    /// <summary>The filled-in meetings CSV, uploaded: every good row recorded, every bad one reported with its line.</summary>
    public IActionResult OnPostUpload(string id, IFormFile? sheet)
    {
        if (events.Get(id) is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        if (sheet is null || sheet.Length == 0) Message = Text.T("请选择填好的对接表 CSV。");
        else if (sheet.Length > MaxUpload) Message = Text.T("文件超过 {0} MB。", MaxUpload / 1024 / 1024);
        else
        {
            using var stream = sheet.OpenReadStream();
            var report = OutcomeFile.Record(events, id, stream);
            var problems = report.Rejected.Select(e => Text.T("第 {0} 行：{1}", e.Line, e.Reason)).ToList();
            Message = problems.Count == 0
                ? Text.T("已记录 {0} 条成果，生成 {1} 条训练标注。", report.Recorded, report.Judgements)
                : Text.T("已记录 {0} 条成果，生成 {1} 条训练标注；{2} 行未记录：{3}", report.Recorded, report.Judgements, problems.Count, string.Join(Text.T("；"), problems.Take(10)));
        }
        Load(id);
        return Page();
    }

    /// <summary>Generate (or re-generate), publish or close, from the page's buttons.</summary>
    public IActionResult OnPost(string id, string action, bool confirm = false)
    {
        if (events.Get(id) is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        try
        {
            switch (action)
            {
                case "generate":
                    if (events.Get(id)!.Status == EventStatus.Published && !confirm)
                    {
                        Message = Text.T("活动已发布：重新生成会调整参会方已看到的日程。请勾选确认后再重新生成（双方都已确认的对接保留，日程有变的参会方会收到通知）。");
                        break;
                    }
                    var plan = planner.Generate(id, republish: confirm);
                    Message = Text.T("已生成 {0} 场对接，覆盖 {1}/{2} 家企业。", plan.Assignment.Meetings.Count, plan.Assignment.EnterprisesCovered, plan.Problem.Enterprises.Count) +
                        string.Concat(plan.Viability.Warnings.Select(w => " " + Text.T("提示：{0}", w)));
                    if (plan.Event.Status == EventStatus.Published)
                        Message += " " + Text.T("活动仍为已发布；{0} 场对接有变动，已通知 {1} 位相关用户。", plan.Moved.Count, plan.Moved.Count > 0 ? notifier.Published(id) : 0);
                    break;
                case "publish":
                    events.SetStatus(id, EventStatus.Published);
                    notifier.Published(id);
                    Message = Text.T("已发布，参会方已收到通知，可确认或婉拒。");
                    break;
                case "close": events.SetStatus(id, EventStatus.Closed); Message = Text.T("活动已结束，可录入对接成果。"); break;
                default: return BadRequest();
            }
        }
        catch (MeetingProblemException e) { Message = Text.T("无法完成：{0}", e.Reason); }
        catch (EventRuleException e) { Message = Text.T("无法完成：{0}", e.Reason); }
        Load(id);
        return Page();
    }

    private bool Load(string id)
    {
        Event = id.Length <= PageResults.MaxIdLength ? events.Get(id) : null;
        if (Event is null) return false;
        Agendas = agendas.Agendas(id);
        Figures = dashboard.For(id);
        Outcomes = events.Outcomes(id).ToDictionary(o => (o.Enterprise, o.OfferKind, o.OfferId));
        Constraints = events.Constraints(id);
        Requests = events.Requests(id);
        var participants = events.Participants(id);
        string[] Ids(string kind) => participants.Where(p => p.Kind == kind).Select(p => p.Id).ToArray();
        var results = store.GetResults(Ids(EventParticipant.Result)).ToDictionary(r => r.Id);
        var experts = store.GetExperts(Ids(EventParticipant.Expert)).ToDictionary(e => e.Id);
        var organisations = store.GetOrganisations(Ids(EventParticipant.Enterprise).Concat(results.Values.Select(r => r.Organisation))
            .Concat(experts.Values.Select(e => e.Organisation)).OfType<string>().Distinct().ToList()).ToDictionary(o => o.Id, o => o.Name);
        string Of(string? organisation) => organisation is not null && organisations.TryGetValue(organisation, out var name) ? name : Text.T("单位未知");
        // Two experts may share a name (两位“罗志恒”): each label names their organisation.
        Participants = participants.Select(p => (p.Kind, p.Id, Label: p.Kind switch
        {
            EventParticipant.Enterprise => organisations.GetValueOrDefault(p.Id, p.Id),
            EventParticipant.Result => Text.T("{0}（{1}）", results.TryGetValue(p.Id, out var r) ? r.Title : p.Id, Of(r?.Organisation)),
            _ => Text.T("{0}（{1}）", experts.TryGetValue(p.Id, out var e) ? e.Name : p.Id, Of(e?.Organisation)),
        })).OrderBy(p => p.Kind).ThenBy(p => p.Label, StringComparer.Ordinal).ToList();
        return true;
    }
}
