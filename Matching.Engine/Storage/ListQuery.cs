namespace Matching.Engine.Storage;

/// <summary>Filters, sorting and paging for record lists. Unknown sort keys are refused, never passed to SQL.</summary>
public sealed record ListQuery
{
    public string? Industry { get; init; }
    public string? Maturity { get; init; }
    public string? Region { get; init; }
    public string? Cooperation { get; init; }
    public string? Organisation { get; init; }
    public string? Kind { get; init; }
    /// <summary>Organisations whose id, name or an alias contains this text (case-insensitive for Latin letters).</summary>
    public string? NameContains { get; init; }
    /// <summary>"active" (default), "withdrawn", "closed" or "all".</summary>
    public string Status { get; init; } = "active";
    /// <summary>"updated", "created", "title", "id" or "name", with a leading '-' for descending.</summary>
    public string Sort { get; init; } = "-updated";
    /// <summary>
    /// Who lists: records they may not see are left out in the query (so counts and pages are theirs). Null lists
    /// everything (the engine's own callers); callers show each item through <see cref="Accounts.Viewer"/>'s View.
    /// </summary>
    public Accounts.Viewer? Viewer { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;

    public const int MaxPageSize = 200;

    public static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>
    {
        ["updated"] = "updated_at", ["created"] = "created_at", ["title"] = "title", ["name"] = "name", ["id"] = "id",
    };
}

/// <summary>One page of a list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

/// <summary>One entry of the change log.</summary>
public sealed record Change(long Seq, string Entity, string EntityId, string Op);
