using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Needs;

/// <summary>A need (its public view only) with the results and experts that fit it best.</summary>
public sealed class DetailModel(MatchLists matches, RecordStore store) : PageModel
{
    public const int MatchCount = 10;

    public NeedMatches? Matches { get; private set; }
    public Organisation? Organisation { get; private set; }

    public IActionResult OnGet(string id)
    {
        Matches = id.Length <= PageResults.MaxIdLength ? matches.ForNeed(id, MatchCount) : null;
        if (Matches is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        // ForNeed returns the public view, so a hidden enterprise stays hidden here too.
        Organisation = Matches.Need.Organisation is { } organisation ? store.GetOrganisation(organisation) : null;
        return Page();
    }
}
