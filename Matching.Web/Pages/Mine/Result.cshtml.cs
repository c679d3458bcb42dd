using System.ComponentModel.DataAnnotations;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Mine;

/// <summary>Publishes or edits one of the university's research results, with its experts chosen from the university's own.</summary>
public sealed class ResultModel(RecordStore store, IndustryTaxonomy taxonomy) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请填写成果名称"), StringLength(ImportLimits.Title, ErrorMessage = "名称太长"), Display(Name = "成果名称")]
    public string Title { get; set; } = "";

    [BindProperty, StringLength(ImportLimits.LongText, ErrorMessage = "简介太长"), Display(Name = "成果简介")]
    public string? Abstract { get; set; }

    [BindProperty, StringLength(2000, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "关键词（用顿号或逗号分隔）")]
    public string? Keywords { get; set; }

    [BindProperty, Display(Name = "所属行业")]
    public List<string> Industries { get; set; } = [];

    [BindProperty, Display(Name = "成熟度")]
    public string? Maturity { get; set; }

    [BindProperty, Display(Name = "合作方式")]
    public List<string> Cooperation { get; set; } = [];

    [BindProperty, Range(0, 10_000_000, ErrorMessage = "价格须在 0 到 1000 亿元之间"), Display(Name = "价格下限（万元）")]
    public decimal? PriceMin { get; set; }

    [BindProperty, Range(0, 10_000_000, ErrorMessage = "价格须在 0 到 1000 亿元之间"), Display(Name = "价格上限（万元）")]
    public decimal? PriceMax { get; set; }

    [BindProperty, Display(Name = "成果团队")]
    public List<string> Experts { get; set; } = [];

    [BindProperty, Display(Name = "公开范围")]
    public string Visibility { get; set; } = "public";

    public string? Id { get; private set; }
    public IEnumerable<string> AllIndustries => taxonomy.Industries;
    public IReadOnlyList<Expert> OwnExperts { get; private set; } = [];

    public IActionResult OnGet(string? id)
    {
        if (id is null)
        {
            if (User.ToViewer().OrganisationId is not { } org) return Forbid();
            OwnExperts = ExpertsOf(org);
            return Page();
        }
        if (Load(id) is not { } result) return NotFound();
        Id = result.Id;
        Title = result.Title;
        Abstract = result.Abstract;
        Keywords = RecordForm.Join(result.Keywords);
        Industries = [.. result.Industries];
        Maturity = result.Maturity;
        Cooperation = [.. result.Cooperation];
        PriceMin = result.Price?.Min;
        PriceMax = result.Price?.Max;
        Experts = [.. result.Experts];
        Visibility = result.Visibility;
        OwnExperts = ExpertsOf(result.Organisation!);
        return Page();
    }

    public IActionResult OnPost(string? id)
    {
        var viewer = User.ToViewer();
        var existing = id is null ? null : Load(id);
        if (id is not null && existing is null) return NotFound();
        var owner = RecordForm.OwnerFor(viewer, RecordKind.Result, existing?.Organisation);
        if (owner is null) return Forbid();
        Id = id;
        OwnExperts = ExpertsOf(owner);
        if (!ModelState.IsValid) return Page();
        // Only the organisation's own experts can be put on its result.
        var own = OwnExperts.Select(e => e.Id).ToHashSet();
        var row = new Dictionary<string, object?>
        {
            ["id"] = id ?? RecordForm.NewId("r"), ["title"] = Title, ["abstract"] = Abstract, ["keywords"] = RecordForm.Split(Keywords),
            ["organisation"] = owner, ["industries"] = Industries.Where(taxonomy.IsKnown).ToList(), ["maturity"] = Maturity,
            ["cooperation"] = Cooperation, ["price"] = PriceMin is null && PriceMax is null ? null : new { min = PriceMin, max = PriceMax },
            ["experts"] = Experts.Where(own.Contains).ToList(), ["visibility"] = Visibility,
        };
        var result = RecordForm.Parse(row, RowParser.Result, ModelState, Fields);
        if (result is null) return Page();
        RecordForm.Save(store, w => w.Upsert(result with { Status = existing?.Status ?? RecordStatus.Active }));
        return Redirect($"/results/{Uri.EscapeDataString(result.Id)}");
    }

    private IReadOnlyList<Expert> ExpertsOf(string organisation) =>
        store.ListExperts(new ListQuery { Organisation = organisation, PageSize = ListQuery.MaxPageSize, Sort = "name" }).Items;

    private ResearchResult? Load(string id) =>
        id.Length <= ImportLimits.Id && store.GetResult(id) is { } result && User.ToViewer().MayEdit(result.Organisation) ? result : null;

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["title"] = nameof(Title), ["abstract"] = nameof(Abstract), ["keywords"] = nameof(Keywords), ["industries"] = nameof(Industries),
        ["maturity"] = nameof(Maturity), ["cooperation"] = nameof(Cooperation), ["price"] = nameof(PriceMin), ["experts"] = nameof(Experts),
        ["visibility"] = nameof(Visibility),
    };
}
