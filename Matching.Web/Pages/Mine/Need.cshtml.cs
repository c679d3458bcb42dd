using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Mine;

/// <summary>Posts or edits one of the enterprise's needs; the row goes through the importer's rules.</summary>
public sealed class NeedModel(RecordStore store, IndustryTaxonomy taxonomy) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请填写需求标题"), StringLength(ImportLimits.Title, ErrorMessage = "标题太长"), Display(Name = "需求标题")]
    public string Title { get; set; } = "";

    [BindProperty, StringLength(ImportLimits.LongText, ErrorMessage = "描述太长"), Display(Name = "需求描述")]
    public string? Description { get; set; }

    [BindProperty, StringLength(2000, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "关键词（用顿号或逗号分隔）")]
    public string? Keywords { get; set; }

    [BindProperty, Display(Name = "所属行业")]
    public List<string> Industries { get; set; } = [];

    [BindProperty, StringLength(ImportLimits.ShortText, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "所在功能区")]
    public string? Zone { get; set; }

    [BindProperty, Display(Name = "期望成熟度")]
    public string? Maturity { get; set; }

    [BindProperty, Display(Name = "合作方式")]
    public List<string> Cooperation { get; set; } = [];

    [BindProperty, Range(0, 10_000_000, ErrorMessage = "预算须在 0 到 1000 亿元之间"), Display(Name = "预算下限（万元）")]
    public decimal? BudgetMin { get; set; }

    [BindProperty, Range(0, 10_000_000, ErrorMessage = "预算须在 0 到 1000 亿元之间"), Display(Name = "预算上限（万元）")]
    public decimal? BudgetMax { get; set; }

    [BindProperty, DataType(DataType.Date), Display(Name = "截止日期")]
    public DateOnly? Deadline { get; set; }

    [BindProperty, Display(Name = "公开范围")]
    public string Visibility { get; set; } = "public";

    public string? Id { get; private set; }
    public bool Saved { get; private set; }
    public IEnumerable<string> AllIndustries => taxonomy.Industries;
    public IEnumerable<string> AllZones => taxonomy.Zones;

    public IActionResult OnGet(string? id)
    {
        if (id is null) return User.ToViewer().OrganisationId is null ? Forbid() : Page();
        if (Load(id) is not { } need) return NotFound();
        Id = need.Id;
        Title = need.Title;
        Description = need.Description;
        Keywords = RecordForm.Join(need.Keywords);
        Industries = [.. need.Industries];
        Zone = need.Zone;
        Maturity = need.Maturity;
        Cooperation = [.. need.Cooperation];
        BudgetMin = need.Budget?.Min;
        BudgetMax = need.Budget?.Max;
        Deadline = need.Deadline;
        Visibility = need.Visibility;
        return Page();
    }

    public IActionResult OnPost(string? id)
    {
        var viewer = User.ToViewer();
        var existing = id is null ? null : Load(id);
        if (id is not null && existing is null) return NotFound();
        var owner = RecordForm.OwnerFor(viewer, RecordKind.Need, existing?.Organisation);
        if (owner is null) return Forbid();
        Id = id;
        if (!ModelState.IsValid) return Page();
        var row = new Dictionary<string, object?>
        {
            ["id"] = id ?? RecordForm.NewId("n"), ["title"] = Title, ["description"] = Description, ["keywords"] = RecordForm.Split(Keywords),
            ["organisation"] = owner, ["industries"] = Industries.Where(taxonomy.IsKnown).ToList(), ["zone"] = Zone, ["maturity"] = Maturity,
            ["cooperation"] = Cooperation, ["budget"] = BudgetMin is null && BudgetMax is null ? null : new { min = BudgetMin, max = BudgetMax },
            ["deadline"] = Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["visibility"] = Visibility,
        };
        var need = RecordForm.Parse(row, RowParser.Need, ModelState, Fields);
        if (need is null) return Page();
        RecordForm.Save(store, w => w.Upsert(need with { Status = existing?.Status ?? RecordStatus.Active }));
        return Redirect($"/needs/{Uri.EscapeDataString(need.Id)}");
    }

    private TechNeed? Load(string id) =>
        id.Length <= ImportLimits.Id && store.GetNeed(id) is { } need && User.ToViewer().MayEdit(need.Organisation) ? need : null;

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["title"] = nameof(Title), ["description"] = nameof(Description), ["keywords"] = nameof(Keywords), ["industries"] = nameof(Industries),
        ["zone"] = nameof(Zone), ["maturity"] = nameof(Maturity), ["cooperation"] = nameof(Cooperation), ["budget"] = nameof(BudgetMin),
        ["deadline"] = nameof(Deadline), ["visibility"] = nameof(Visibility),
    };
}
