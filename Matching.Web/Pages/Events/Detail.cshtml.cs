using Matching.Engine.Events;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Events;

/// <summary>One event: its schedule by slot, the dashboard as charts, exports, and the organiser's actions.</summary>
public sealed class DetailModel(EventStore events, EventAgendas agendas, EventDashboard dashboard, EventPlanner planner) : PageModel
{
    public MatchingEvent? Event { get; private set; }
    public IReadOnlyList<Agenda> Agendas { get; private set; } = [];
    public DashboardFigures? Figures { get; private set; }
    public string? Message { get; private set; }

    public IActionResult OnGet(string id) => Load(id) ? Page() : this.PageWithStatus(StatusCodes.Status404NotFound);

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
                    Message = $"已生成 {plan.Assignment.Meetings.Count} 场对接，覆盖 {plan.Assignment.EnterprisesCovered}/{plan.Problem.Enterprises.Count} 家企业。" +
                        string.Concat(plan.Viability.Warnings.Select(w => " 提示：" + w));
                    break;
                case "publish": events.SetStatus(id, EventStatus.Published); Message = "已发布，参会方可确认或婉拒。"; break;
                case "close": events.SetStatus(id, EventStatus.Closed); Message = "活动已结束，可录入对接成果。"; break;
                default: return BadRequest();
            }
        }
        catch (Exception e) when (e is MeetingProblemException or InvalidOperationException)
        {
            Message = "无法完成：" + e.Message;
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
        return true;
    }
}
