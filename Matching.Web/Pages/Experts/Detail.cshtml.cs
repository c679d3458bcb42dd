using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Experts;

/// <summary>An expert's profile, the results they are on, and the needs they fit.</summary>
public sealed class DetailModel(RecordStore store, MatchLists matches) : PageModel
{
    public Expert? Expert { get; private set; }
    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<ListEntry> Results { get; private set; } = [];
    public IReadOnlyList<MatchItem> Needs { get; private set; } = [];

    public IActionResult OnGet(string id)
    {
        Expert = id.Length <= PageResults.MaxIdLength ? store.GetExpert(id) : null;
        if (Expert is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var results = store.ResultsOfExperts([Expert.Id])[Expert.Id].OrderBy(r => r.Status != RecordStatus.Active).ThenBy(r => r.Title).ToList();
        var organisations = store.GetOrganisations(results.Select(r => r.Organisation).Append(Expert.Organisation).OfType<string>().Distinct().ToList());
        var names = organisations.ToDictionary(o => o.Id, o => o.Name);
        Organisation = organisations.FirstOrDefault(o => o.Id == Expert.Organisation);
        Results = results.Select(r => ListEntry.From(r, names)).ToList();
        Needs = matches.ForExpert(Expert.Id, 10)?.Needs ?? [];
        return Page();
    }
}
