namespace Matching.Engine.Records;

/// <summary>A university, institute, enterprise or agency. Aliases and the parent make 川大 and 四川大学 one.</summary>
public sealed record Organisation
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Kind { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public string? Parent { get; init; }
    public string? Region { get; init; }
    public string? Zone { get; init; }
    public string Status { get; init; } = RecordStatus.Active;
    public DateTimeOffset? UpdatedAt { get; init; }
}
