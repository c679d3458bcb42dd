using Matching.Engine.Accounts;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin.Organisations;

/// <summary>
/// Merges a duplicate organisation into the one that stays (<see cref="RecordWriter.MergeOrganisation"/>). "Preview"
/// runs the same merge in a transaction that is rolled back, so what it shows is exactly what "Merge" will do.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class MergeModel(RecordStore store, AuditLog audit) : PageModel
{
    /// <summary>The duplicate: an id, a name or an alias.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Duplicate { get; set; }

    /// <summary>The organisation that stays: an id, a name or an alias.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Survivor { get; set; }

    public IReadOnlyList<(string Id, string Name, string? Kind)> Organisations { get; private set; } = [];
    public Organisation? DuplicateOrganisation { get; private set; }
    public Organisation? SurvivorOrganisation { get; private set; }

    /// <summary>What the merge moves (a preview) or moved (done).</summary>
    public OrganisationMerge? Outcome { get; private set; }
    public bool Done { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() => Organisations = store.OrganisationChoices();

    public IActionResult OnPostPreview() => Run(commit: false);

    public IActionResult OnPostMerge() => Run(commit: true);

    private PageResult Run(bool commit)
    {
        Organisations = store.OrganisationChoices();
        var duplicate = Resolve(Duplicate);
        var survivor = Resolve(Survivor);
        if (duplicate is null || survivor is null)
        {
            Error = Text.T("找不到机构“{0}”", RowParser.Printable((duplicate is null ? Duplicate : Survivor) ?? ""));
            return Page();
        }
        DuplicateOrganisation = store.GetOrganisation(duplicate);
        SurvivorOrganisation = store.GetOrganisation(survivor);
        try
        {
            using var writer = store.BeginWrite();
            Outcome = writer.MergeOrganisation(duplicate, survivor);
            // A preview is the same merge, rolled back when the writer is disposed.
            if (commit) writer.Commit();
        }
        catch (MergeRefusedException e)
        {
            Error = Describe(e.Refusal) + (e.Refusal == MergeRefusal.MembersDoNotFit ? "（" + e.Message + "）" : "");
            Outcome = null;
            return Page();
        }
        if (commit)
        {
            Done = true;
            audit.Record(User.ToViewer(), AuditLog.Merged, RecordKind.Organisation, survivor,
                $"{duplicate} → {survivor}: {Outcome.Results} results, {Outcome.Experts} experts, {Outcome.Needs} needs, {Outcome.Users} users, {Outcome.Keys} keys");
        }
        Duplicate = duplicate;
        Survivor = survivor;
        return Page();
    }

    private string? Resolve(string? reference) =>
        string.IsNullOrWhiteSpace(reference) || reference.Length > ImportLimits.Name ? null : store.ResolveOrganisation(reference.Trim());

    private static string Describe(MergeRefusal refusal) => refusal switch
    {
        MergeRefusal.SameOrganisation => Text.T("重复机构和保留机构是同一个机构"),
        MergeRefusal.UnknownOrganisation => Text.T("找不到这个机构"),
        MergeRefusal.SurvivorNotActive => Text.T("保留的机构已撤回，请合并到有效的机构"),
        MergeRefusal.KindsDiffer => Text.T("两个机构类型不同（成员角色不同），不能合并"),
        MergeRefusal.MembersDoNotFit => Text.T("重复机构的部分用户或密钥的角色与保留机构的类型不符，请先调整"),
        MergeRefusal.TooManyAliases => Text.T("合并后保留机构的别名将超过上限"),
        _ => refusal.ToString(),
    };
}
