namespace Matching.Engine.Records;

/// <summary>An expert; for matching, their profile also includes the results they are on.</summary>
public sealed record Expert
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Organisation { get; init; }
    public string? Title { get; init; }
    public IReadOnlyList<string> Areas { get; init; } = [];
    public string? Bio { get; init; }
    /// <summary>The expert consented to a public profile (PIPL); without it only their organisation and the organisers see them.</summary>
    public bool PublicProfile { get; init; }
    public string Status { get; init; } = RecordStatus.Active;
    public DateTimeOffset? UpdatedAt { get; init; }
}
