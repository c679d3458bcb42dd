using Matching.Engine.Accounts;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Mine;

/// <summary>
/// An organisation's own records: an enterprise's needs, a university's results and experts, in every state, with
/// publish, edit, withdraw and restore, and for experts the PIPL export and erase.
/// </summary>
public sealed class IndexModel(RecordStore store, PersonalData personal) : PageModel
{
    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<TechNeed> Needs { get; private set; } = [];
    public IReadOnlyList<ResearchResult> Results { get; private set; } = [];
    public IReadOnlyList<Expert> Experts { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Publishes(string kind) => Kinds.TryGetValue(kind, out var recordKind) && User.ToViewer().MayPublish(recordKind);

    public IActionResult OnGet()
    {
        Load();
        return Page();
    }

    /// <summary>Withdraws a record (kept, out of matching) or restores it.</summary>
    public IActionResult OnPostStatus(string kind, string id, bool restore)
    {
        var viewer = User.ToViewer();
        if (!Kinds.TryGetValue(kind, out var recordKind) || id.Length > Engine.Import.ImportLimits.Id) return BadRequest();
        var organisation = recordKind switch
        {
            RecordKind.Need => store.GetNeed(id)?.Organisation,
            RecordKind.Result => store.GetResult(id)?.Organisation,
            _ => store.GetExpert(id)?.Organisation,
        };
        if (organisation is null || !viewer.MayEdit(organisation)) return NotFound();
        RecordForm.Save(store, w => w.SetStatus(recordKind, id, restore ? RecordStatus.Active : RecordStatus.Withdrawn));
        Message = restore ? Text.T("已恢复：{0}", id) : Text.T("已撤回：{0}（保留在库中，不再参与匹配）", id);
        Load();
        return Page();
    }

    /// <summary>Erases an expert for good, on their request (PIPL).</summary>
    public IActionResult OnPostErase(string id, string? confirm)
    {
        var viewer = User.ToViewer();
        if (id.Length > Engine.Import.ImportLimits.Id || store.GetExpert(id) is not { } expert || !viewer.MayEdit(expert.Organisation)) return NotFound();
        if (confirm != expert.Name)
            Message = Text.T("请输入专家姓名以确认删除。");
        else
        {
            personal.Erase(id, viewer);
            Message = Text.T("已彻底删除该专家的个人信息。");
        }
        Load();
        return Page();
    }

    private static readonly Dictionary<string, RecordKind> Kinds = new() { ["need"] = RecordKind.Need, ["result"] = RecordKind.Result, ["expert"] = RecordKind.Expert };

    private void Load()
    {
        var viewer = User.ToViewer();
        if (viewer.OrganisationId is not { } org) return;
        Organisation = store.GetOrganisation(org);
        var query = new ListQuery { Organisation = org, Status = "all", PageSize = ListQuery.MaxPageSize, Sort = "-updated" };
        Needs = store.ListNeeds(query).Items;
        Results = store.ListResults(query).Items;
        Experts = store.ListExperts(query).Items;
    }
}
