using System.Globalization;
using Matching.Engine.Candidates;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages;

/// <summary>
/// The home page: text search over needs, results and experts, or browse lists with filters and paging, each as the
/// viewer may see them. A record seen by its public fields only is found by its title, not by its hidden text.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(RecordStore store, CandidateRetriever retriever, MatchLists matches, IndustryTaxonomy taxonomy) : PageModel
{
    public const int PageSize = 20, OverviewSize = 8, SearchDepth = 200, SearchPreview = 5, MaxPage = 10_000;
    private static readonly string[] Tabs = ["needs", "results", "experts"];

    [BindProperty(SupportsGet = true, Name = "q")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "tab")] public string? Tab { get; set; }
    [BindProperty(SupportsGet = true, Name = "industry")] public string? Industry { get; set; }
    [BindProperty(SupportsGet = true, Name = "maturity")] public string? Maturity { get; set; }
    [BindProperty(SupportsGet = true, Name = "cooperation")] public string? Cooperation { get; set; }
    [BindProperty(SupportsGet = true, Name = "region")] public string? Region { get; set; }
    // "page" is a route value in Razor Pages (the page's path), so the number is read from the query string only.
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public string? Error { get; private set; }
    public IReadOnlyList<SearchSection> Hits { get; private set; } = [];
    /// <summary>Search hits per tab, up to <see cref="SearchDepth"/>.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; private set; } = new Dictionary<string, int>();
    public IReadOnlyList<ListSection> Lists { get; private set; } = [];
    public IReadOnlyList<string> Industries => taxonomy.Industries.ToList();
    public IReadOnlyList<string> Regions { get; private set; } = [];
    public bool Searching => Query is not null;

    public IActionResult OnGet()
    {
        Query = string.IsNullOrWhiteSpace(Query) ? null : Query.Trim();
        Tab = Tabs.Contains(Tab) ? Tab : null;
        PageNumber = Math.Clamp(PageNumber, 1, MaxPage);
        Industry = Known(Industry, taxonomy.Industries);
        Maturity = Known(Maturity, Vocabulary.Maturities);
        Cooperation = Known(Cooperation, Vocabulary.CooperationModes);
        Regions = store.Regions();
        Region = Known(Region, Regions);
        if (Query is { Length: > Display.MaxQueryLength })
        {
            Error = Text.T("搜索内容不能超过 {0} 个字符，请缩短后重试。", Display.MaxQueryLength);
            return this.PageWithStatus(StatusCodes.Status400BadRequest);
        }
        if (Searching) Search(); else Browse();
        return Page();
    }

    /// <summary>A link to this page with some query values replaced (null removes one); page 1 is left out.</summary>
    public string Link(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = Query, ["tab"] = Tab, ["industry"] = Industry, ["maturity"] = Maturity,
            ["cooperation"] = Cooperation, ["region"] = Region,
        };
        foreach (var (key, value) in changes) values[key] = value;
        var pairs = values.Where(v => !string.IsNullOrEmpty(v.Value) && !(v.Key == "page" && v.Value == "1"))
            .Select(v => KeyValuePair.Create(v.Key, v.Value));
        return "/" + QueryString.Create(pairs);
    }

    public Pager PagerFor(int pages) => new(PageNumber, pages, p => Link(("page", p.ToString(CultureInfo.InvariantCulture))));

    private void Search()
    {
        var sections = new List<SearchSection>();
        var counts = new Dictionary<string, int>();
        foreach (var tab in Tabs)
        {
            var shown = Tab is null || Tab == tab;
            var skip = Tab is null ? 0 : (PageNumber - 1) * PageSize;
            var take = Tab is null ? SearchPreview : PageSize;
            var candidates = Visible(KindOf(tab), retriever.Search(Query!, KindOf(tab), SearchDepth, withSnippets: shown ? Math.Min(SearchDepth, skip + take) : 0));
            counts[tab] = candidates.Count;
            if (!shown) continue;
            // Describe numbers its items from 1; on later pages the rank continues from the pages before.
            var items = matches.Describe(candidates.Skip(skip).Take(take).ToList(), User.ToViewer()).Select(i => i with { Rank = skip + i.Rank }).ToList();
            sections.Add(new SearchSection(tab, items, candidates.Count, (candidates.Count + PageSize - 1) / PageSize));
        }
        Hits = sections;
        Counts = counts;
    }

    /// <summary>The hits the viewer may see, and of those seen by their public fields only, the ones found by title.</summary>
    private List<Engine.Candidates.Candidate> Visible(RecordKind kind, IReadOnlyList<Engine.Candidates.Candidate> hits)
    {
        var viewer = User.ToViewer();
        var ids = hits.Select(h => h.Id).ToList();
        var (visible, partial) = kind switch
        {
            RecordKind.Need => Split(store.GetNeeds(ids), n => n.Id, viewer.View, viewer.SeesInFull),
            RecordKind.Result => Split(store.GetResults(ids), r => r.Id, viewer.View, viewer.SeesInFull),
            _ => Split(store.GetExperts(ids), e => e.Id, viewer.View, _ => true),
        };
        var byTitle = retriever.TitleMatches(Query!, kind, partial);
        return hits.Where(h => visible.Contains(h.Id) && (!partial.Contains(h.Id) || byTitle.Contains(h.Id))).ToList();

        static (HashSet<string> Visible, HashSet<string> Partial) Split<T>(IEnumerable<T> records, Func<T, string> id, Func<T, T?> view, Func<T, bool> full) where T : class
        {
            var seen = records.Where(r => view(r) is not null).ToList();
            return (seen.Select(id).ToHashSet(), seen.Where(r => !full(r)).Select(id).ToHashSet());
        }
    }

    private void Browse()
    {
        var viewer = User.ToViewer();
        var query = new ListQuery
        {
            Viewer = viewer,
            Industry = Industry, Maturity = Maturity, Cooperation = Cooperation, Region = Region,
            Page = Tab is null ? 1 : PageNumber, PageSize = Tab is null ? OverviewSize : PageSize,
        };
        Lists = (Tab is null ? ["needs", "results"] : new[] { Tab }).Select(tab => tab switch
        {
            "needs" => Section(tab, Shown(store.ListNeeds(query), viewer.View), n => n.Organisation, ListEntry.From),
            "results" => Section(tab, Shown(store.ListResults(query), viewer.View), r => r.Organisation, ListEntry.From),
            // Experts carry no industry, maturity or cooperation columns; only the region applies.
            _ => Section(tab, store.ListExperts(query with { Industry = null, Maturity = null, Cooperation = null }), e => e.Organisation, ListEntry.From),
        }).ToList();
    }

    /// <summary>A page's items as the viewer sees them (the query already left out what they may not see).</summary>
    private static Page<T> Shown<T>(Page<T> page, Func<T, T?> view) where T : class =>
        page with { Items = page.Items.Select(view).OfType<T>().ToList() };

    private ListSection Section<T>(string tab, Page<T> page, Func<T, string?> organisation, Func<T, IReadOnlyDictionary<string, string>, ListEntry> entry)
    {
        var ids = page.Items.Select(organisation).OfType<string>().Distinct().ToList();
        var names = store.GetOrganisations(ids).ToDictionary(o => o.Id, o => o.Name);
        var pages = (int)Math.Max(1, (page.Total + page.PageSize - 1) / page.PageSize);
        return new ListSection(tab, page.Items.Select(i => entry(i, names)).ToList(), page.Total, pages);
    }

    // The region filter matches organisations' regions, so the choices are the regions organisations have.
    private static string? Known(string? value, IEnumerable<string> allowed) =>
        value is not null && allowed.Contains(value) ? value : null;

    public static RecordKind KindOf(string tab) => tab switch
    {
        "needs" => RecordKind.Need,
        "results" => RecordKind.Result,
        _ => RecordKind.Expert,
    };

    public static string Label(string tab) => tab switch { "needs" => Text.T("需求"), "results" => Text.T("成果"), _ => Text.T("专家") };
}

/// <summary>Search hits of one kind: the items shown, how many were found (up to the search depth) and the page count.</summary>
public sealed record SearchSection(string Tab, IReadOnlyList<MatchItem> Items, int Total, int Pages);

/// <summary>One page of a browse list.</summary>
public sealed record ListSection(string Tab, IReadOnlyList<ListEntry> Items, long Total, int Pages);
