using Matching.Engine.Storage;

namespace Matching.Web.Apis;

/// <summary>Query-string parameters shared by every list endpoint.</summary>
public sealed record ListParameters(
    int? Page, int? PageSize, string? Sort, string? Industry, string? Maturity, string? Region, string? Cooperation,
    string? Organisation, string? Kind, string? Status, string? Q)
{
    public ListQuery ToQuery() => new()
    {
        Page = Page ?? 1,
        PageSize = PageSize ?? 20,
        Sort = Sort ?? "-updated",
        Industry = Industry, Maturity = Maturity, Region = Region, Cooperation = Cooperation,
        Organisation = Organisation, Kind = Kind,
        Status = Status ?? "active",
    };
}

/// <summary>One page of a list, as the API returns it.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);
