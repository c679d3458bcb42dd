using Matching.Engine.Accounts;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Needs;

/// <summary>
/// A need as the viewer may see it; its matches for its enterprise and the organisers. Viewing a need that is not
/// public is written to the audit log.
/// </summary>
[AllowAnonymous]
public sealed class DetailModel(MatchLists matches, RecordStore store, AuditLog audit) : PageModel
{
    public const int MatchCount = 10;

    public TechNeed? Need { get; private set; }
    public NeedMatches? Matches { get; private set; }
    public Organisation? Organisation { get; private set; }
    public bool CanEdit { get; private set; }

    public IActionResult OnGet(string id)
    {
        var viewer = User.ToViewer();
        var need = id.Length <= PageResults.MaxIdLength ? store.GetNeed(id) : null;
        Need = need is null ? null : viewer.View(need);
        if (need is null || Need is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        if (viewer.MaySeeMatchesOf(need)) Matches = matches.ForNeed(id, MatchCount, viewer);
        if (need.Visibility != "public" && viewer.SeesInFull(need)) audit.Record(viewer, AuditLog.Viewed, RecordKind.Need, need.Id, "page");
        // The view hides the enterprise of a need that is not public from those who see only its summary.
        Organisation = Need.Organisation is { } organisation ? store.GetOrganisation(organisation) : null;
        CanEdit = viewer.MayEdit(need.Organisation);
        return Page();
    }
}
