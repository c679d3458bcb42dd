using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Developers;

/// <summary>
/// The API described for people: every route under /api with its methods and summary, grouped as the OpenAPI document
/// groups them, and how to authenticate. The machine-readable document stays at /openapi/v1.json.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(EndpointDataSource endpoints) : PageModel
{
    public sealed record Route(string Methods, string Pattern, string? Summary);

    public IReadOnlyList<(string Group, IReadOnlyList<Route> Routes)> Groups { get; private set; } = [];

    public void OnGet()
    {
        Groups = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .Select(e => (Tag: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>()?.Tags.FirstOrDefault() ?? "API",
                Route: new Route(string.Join(" ", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]), "/" + e.RoutePattern.RawText!.TrimStart('/'),
                    e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IEndpointSummaryMetadata>()?.Summary)))
            .GroupBy(x => x.Tag).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<Route>)g.Select(x => x.Route).OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Methods, StringComparer.Ordinal).ToList()))
            .ToList();
    }
}
