using System.ComponentModel.DataAnnotations;
using Matching.Engine.Events;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Matching.Web.Apis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Events;

/// <summary>
/// An organiser creates an event and chooses its participants by industry and zone (the same checks as the API); the
/// event page then generates the list, takes pins and forbids, publishes and exports.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class NewModel(EventStore events, EventPlanner planner, IndustryTaxonomy taxonomy) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请填写活动名称"), StringLength(200, ErrorMessage = "名称太长"), Display(Name = "活动名称")]
    public string Name { get; set; } = "";

    [BindProperty, Display(Name = "活动形式")]
    public string Format { get; set; } = EventFormats.ScientistsInParks;

    [BindProperty, Required(ErrorMessage = "请填写开始时间"), Display(Name = "开始时间（北京时间）")]
    public DateTime? StartsAt { get; set; }

    [BindProperty, Range(1, 48, ErrorMessage = "时段数须在 1 到 48 之间"), Display(Name = "时段数")]
    public int Slots { get; set; } = 6;

    [BindProperty, Range(5, 240, ErrorMessage = "每个时段 5 到 240 分钟"), Display(Name = "每个时段（分钟）")]
    public int SlotMinutes { get; set; } = 20;

    [BindProperty, Range(1, 10_000, ErrorMessage = "桌数须在 1 到 10000 之间"), Display(Name = "桌数")]
    public int Tables { get; set; } = 20;

    [BindProperty, StringLength(200, ErrorMessage = "地点太长"), Display(Name = "地点")]
    public string? Venue { get; set; }

    [BindProperty, Range(1, 48, ErrorMessage = "上限须在 1 到时段数之间"), Display(Name = "每家企业最多对接")]
    public int EnterpriseCap { get; set; } = 3;

    [BindProperty, Range(1, 48, ErrorMessage = "上限须在 1 到时段数之间"), Display(Name = "每位专家最多对接")]
    public int ExpertCap { get; set; } = 5;

    [BindProperty, Display(Name = "参会行业")]
    public List<string> Industries { get; set; } = [];

    [BindProperty, StringLength(500, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "功能区（选填，用顿号分隔）")]
    public string? Zones { get; set; }

    public IEnumerable<string> AllIndustries => taxonomy.Industries;
    public string? Error { get; private set; }

    public void OnGet() => StartsAt = DateTime.Today.AddDays(14).AddHours(9);

    public IActionResult OnPost()
    {
        if (!ModelState.IsValid) return Page();
        if (Industries.Count == 0)
        {
            ModelState.AddModelError(nameof(Industries), Text.T("请至少选择一个行业"));
            return Page();
        }
        var id = "ev-" + Guid.NewGuid().ToString("N")[..8];
        var input = new EventsApi.EventInput(id, Name, Format, StartsAt!.Value, null, SlotMinutes, Slots, Tables, Venue,
            Math.Min(EnterpriseCap, Slots), null, Math.Min(ExpertCap, Slots), null, null, null);
        var (ev, _, error) = EventsApi.Validate(input, events);
        if (error is not null)
        {
            Error = error;
            return Page();
        }
        events.Save(ev!);
        var zones = Mine.RecordForm.Split(Zones);
        planner.AddParticipants(id, planner.Select(new ParticipantFilter(Industries.Where(taxonomy.IsKnown).ToList(), zones.Count > 0 ? zones : null)));
        return Redirect($"/events/{id}");
    }
}
