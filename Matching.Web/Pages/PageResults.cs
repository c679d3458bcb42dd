using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages;

public static class PageResults
{
    /// <summary>Longest record id the detail pages look up; anything longer cannot exist.</summary>
    public const int MaxIdLength = 200;

    /// <summary>Renders the page itself with a status code, so a missing record gets a 404 that still reads as a page.</summary>
    public static PageResult PageWithStatus(this PageModel model, int statusCode)
    {
        var result = model.Page();
        result.StatusCode = statusCode;
        return result;
    }
}
