using Matching.Engine.Events;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Events;

/// <summary>One event: its schedule by slot, the dashboard as charts, exports, and the organiser's actions.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Matching.Web.Accounts.Policies.Staff)]
public sealed class DetailModel(EventStore events, EventAgendas agendas, EventDashboard dashboard, EventPlanner planner, Matching.Engine.Notifications.Notifier notifier) : PageModel
{
    public MatchingEvent? Event { get; private set; }
    public IReadOnlyList<Agenda> Agendas { get; private set; } = [];
    public DashboardFigures? Figures { get; private set; }
    public IReadOnlyDictionary<(string Enterprise, string OfferKind, string OfferId), MeetingOutcome> Outcomes { get; private set; } =
        new Dictionary<(string, string, string), MeetingOutcome>();
    public string? Message { get; private set; }

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
    public IActionResult OnPost(string id, string action)
    {
        if (events.Get(id) is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        try
        {
            switch (action)
            {
                case "generate":
                    var plan = planner.Generate(id);
                    Message = Text.T("已生成 {0} 场对接，覆盖 {1}/{2} 家企业。", plan.Assignment.Meetings.Count, plan.Assignment.EnterprisesCovered, plan.Problem.Enterprises.Count) +
                        string.Concat(plan.Viability.Warnings.Select(w => " " + Text.T("提示：{0}", w)));
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
        catch (Exception e) when (e is MeetingProblemException or InvalidOperationException)
        {
            Message = Text.T("无法完成：{0}", e.Message);
        }
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
        return true;
    }
}
