using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Experts;

/// <summary>An expert's profile and the results they are on; the needs they fit for their organisation and the organisers.</summary>
[AllowAnonymous]
public sealed class DetailModel(RecordStore store, MatchLists matches) : PageModel
{
    public Expert? Expert { get; private set; }
    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<ListEntry> Results { get; private set; } = [];
    /// <summary>Null when the viewer may not see which needs the expert fits.</summary>
    public IReadOnlyList<MatchItem>? Needs { get; private set; }

    public IActionResult OnGet(string id)
    {
        var viewer = User.ToViewer();
        var expert = id.Length <= PageResults.MaxIdLength ? store.GetExpert(id) : null;
        Expert = expert is null ? null : viewer.View(expert);
        if (Expert is null) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var results = store.ResultsOfExperts([Expert.Id])[Expert.Id].Select(viewer.View).OfType<ResearchResult>().OrderBy(r => r.Status != RecordStatus.Active).ThenBy(r => r.Title).ToList();
        var organisations = store.GetOrganisations(results.Select(r => r.Organisation).Append(Expert.Organisation).OfType<string>().Distinct().ToList());
        var names = organisations.ToDictionary(o => o.Id, o => o.Name);
        Organisation = organisations.FirstOrDefault(o => o.Id == Expert.Organisation);
        Results = results.Select(r => ListEntry.From(r, names)).ToList();
        if (viewer.MaySeeMatchesOf(Expert.Organisation)) Needs = matches.ForExpert(Expert.Id, 10, viewer)?.Needs ?? [];
        return Page();
    }
}
