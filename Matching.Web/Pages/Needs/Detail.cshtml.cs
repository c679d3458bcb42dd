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
    public string? Message { get; private set; }

    /// <summary>Thumbs up or down on one of the need's matches: a judgement for the next training run (up 2, down 0).</summary>
    public IActionResult OnPostFeedback(string id, string? candidateId, bool helpful)
    {
        var viewer = User.ToViewer();
        if (id.Length > PageResults.MaxIdLength || store.GetNeed(id) is not { } need || !viewer.MaySeeMatchesOf(need)) return NotFound();
        candidateId ??= "";
        if (candidateId.Length > PageResults.MaxIdLength || (store.GetResult(candidateId) is null && store.GetExpert(candidateId) is null)) return BadRequest();
        using (var writer = store.BeginWrite())
        {
            writer.Upsert(matches.Feedback(id, candidateId, helpful ? Apis.RecordEndpoints.FeedbackUp : Apis.RecordEndpoints.FeedbackDown));
            writer.Commit();
        }
        Message = helpful ? Text.T("已记录：这条匹配有用。模型下次训练时会参考。") : Text.T("已记录：这条匹配不相关。模型下次训练时会参考。");
        return OnGet(id);
    }

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
