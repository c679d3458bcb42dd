using System.ComponentModel.DataAnnotations;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Mine;

/// <summary>Adds or edits one of the university's experts, with their consent to a public profile (PIPL).</summary>
public sealed class ExpertModel(RecordStore store) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请填写专家姓名"), StringLength(ImportLimits.Name, ErrorMessage = "姓名太长"), Display(Name = "姓名")]
    public string Name { get; set; } = "";

    [BindProperty, StringLength(ImportLimits.ShortText, ErrorMessage = "职称太长"), Display(Name = "职称")]
    public string? ExpertTitle { get; set; }

    [BindProperty, StringLength(2000, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "研究方向（用顿号或逗号分隔）")]
    public string? Areas { get; set; }

    [BindProperty, StringLength(ImportLimits.Bio, ErrorMessage = "简介太长"), Display(Name = "个人简介")]
    public string? Bio { get; set; }

    [BindProperty, Display(Name = "本人已同意公开个人主页（姓名、职称、研究方向和简介对企业和访客可见）")]
    public bool PublicProfile { get; set; }

    public string? Id { get; private set; }

    public IActionResult OnGet(string? id)
    {
        if (id is null) return User.ToViewer().OrganisationId is null ? Forbid() : Page();
        if (Load(id) is not { } expert) return NotFound();
        Id = expert.Id;
        Name = expert.Name;
        ExpertTitle = expert.Title;
        Areas = RecordForm.Join(expert.Areas);
        Bio = expert.Bio;
        PublicProfile = expert.PublicProfile;
        return Page();
    }

    public IActionResult OnPost(string? id)
    {
        var viewer = User.ToViewer();
        var existing = id is null ? null : Load(id);
        if (id is not null && existing is null) return NotFound();
        var owner = RecordForm.OwnerFor(viewer, RecordKind.Expert, existing?.Organisation);
        if (owner is null) return Forbid();
        Id = id;
        if (!ModelState.IsValid) return Page();
        var row = new Dictionary<string, object?>
        {
            ["id"] = id ?? RecordForm.NewId("e"), ["name"] = Name, ["title"] = ExpertTitle, ["areas"] = RecordForm.Split(Areas),
            ["bio"] = Bio, ["organisation"] = owner, ["publicProfile"] = PublicProfile,
        };
        var expert = RecordForm.Parse(row, RowParser.Expert, ModelState, Fields);
        if (expert is null) return Page();
        RecordForm.Save(store, w => w.Upsert(expert with { Status = existing?.Status ?? RecordStatus.Active }));
        return Redirect($"/experts/{Uri.EscapeDataString(expert.Id)}");
    }

    private Expert? Load(string id) =>
        id.Length <= ImportLimits.Id && store.GetExpert(id) is { } expert && User.ToViewer().MayEdit(expert.Organisation) ? expert : null;

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["name"] = nameof(Name), ["title"] = nameof(ExpertTitle), ["areas"] = nameof(Areas), ["bio"] = nameof(Bio),
    };
}
