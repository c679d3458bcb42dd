namespace Matching.Web.Pages;

/// <summary>Paging links: the current page, the page count and how to link to a page.</summary>
public sealed record Pager(int Current, int Pages, Func<int, string> Href)
{
    /// <summary>The page numbers to show: first, last and two either side of the current one; null marks a gap.</summary>
    public IEnumerable<int?> Window()
    {
        int? previous = null;
        for (var p = 1; p <= Pages; p++)
        {
            if (p != 1 && p != Pages && Math.Abs(p - Current) > 2) continue;
            if (previous is { } q && p - q > 1) yield return null;
            yield return p;
            previous = p;
        }
    }
}
