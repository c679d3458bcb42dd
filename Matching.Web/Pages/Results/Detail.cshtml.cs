using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Results;

/// <summary>A research result with its organisation, its experts and the needs it fits best.</summary>
public sealed class DetailModel(MatchLists matches, RecordStore store) : PageModel
{
    public const int MatchCount = 10;

    public ResultMatches? Matches { get; private set; }
    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<Expert> Experts { get; private set; } = [];

    public IActionResult OnGet(string id)
    {
        Matches = id.Length <= PageResults.MaxIdLength ? matches.ForResult(id, MatchCount) : null;
        if (Matches is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var result = Matches.Result;
        Organisation = result.Organisation is { } organisation ? store.GetOrganisation(organisation) : null;
        var found = store.GetExperts(result.Experts).ToDictionary(e => e.Id);
        Experts = result.Experts.Where(found.ContainsKey).Select(e => found[e]).ToList();
        return Page();
    }
}
