using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Results;

/// <summary>A research result with its organisation and experts; the needs it fits for its organisation and the organisers.</summary>
[AllowAnonymous]
public sealed class DetailModel(MatchLists matches, RecordStore store) : PageModel
{
    public const int MatchCount = 10;

    public ResearchResult? Result { get; private set; }
    public ResultMatches? Matches { get; private set; }
    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<Expert> Experts { get; private set; } = [];
    public bool CanEdit { get; private set; }

    public IActionResult OnGet(string id)
    {
        var viewer = User.ToViewer();
        var result = id.Length <= PageResults.MaxIdLength ? store.GetResult(id) : null;
        Result = result is null ? null : viewer.View(result);
        if (result is null || Result is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        if (viewer.MaySeeMatchesOf(result.Organisation)) Matches = matches.ForResult(id, MatchCount, viewer);
        Organisation = Result.Organisation is { } organisation ? store.GetOrganisation(organisation) : null;
        var found = store.GetExperts(Result.Experts).Select(viewer.View).OfType<Expert>().ToDictionary(e => e.Id);
        Experts = Result.Experts.Where(found.ContainsKey).Select(e => found[e]).ToList();
        CanEdit = viewer.MayEdit(result.Organisation);
        return Page();
    }
}
