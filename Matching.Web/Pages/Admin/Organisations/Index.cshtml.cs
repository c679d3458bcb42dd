using System.Globalization;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin.Organisations;

/// <summary>Organisations, searchable by id, name or alias, filtered by kind and status, a page at a time.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class IndexModel(RecordStore store) : PageModel
{
    public const int PageSize = 30;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>"active" (default) or "all".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    // "page" is a route value in Razor Pages (the page's path), so the number is read from the query string only.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public Page<Organisation> Organisations { get; private set; } = new([], 1, PageSize, 0);
    public IReadOnlyDictionary<string, string> ParentNames { get; private set; } = new Dictionary<string, string>();

    public void OnGet()
    {
        Q = Q?.Trim() is { Length: > 0 } q ? q[..Math.Min(q.Length, Display.MaxQueryLength)] : null;
        Kind = Vocabulary.OrganisationKinds.Contains(Kind) ? Kind : null;
        Status = Status == "all" ? "all" : RecordStatus.Active;
        Organisations = store.ListOrganisations(new ListQuery
        {
            NameContains = Q, Kind = Kind, Status = Status, Sort = "name", Page = Math.Max(1, PageNumber), PageSize = PageSize,
        });
        var parents = Organisations.Items.Select(o => o.Parent).OfType<string>().Distinct().ToList();
        ParentNames = store.GetOrganisations(parents).ToDictionary(o => o.Id, o => o.Name);
    }

    public int Pages => (int)Math.Max(1, (Organisations.Total + PageSize - 1) / PageSize);

    public Pager Pager => new(Organisations.PageNumber, Pages, p => "/admin/organisations?" + string.Join("&",
        new[] { ("q", Q), ("kind", Kind), ("status", Status == "all" ? "all" : null), ("page", p.ToString(CultureInfo.InvariantCulture)) }
            .Where(x => x.Item2 is not null).Select(x => $"{x.Item1}={Uri.EscapeDataString(x.Item2!)}")));
}
