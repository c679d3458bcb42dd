namespace Matching.Engine.Records;

/// <summary>A research result (科技成果) published by a university or institute.</summary>
public sealed record ResearchResult
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Abstract { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string? Organisation { get; init; }
    public IReadOnlyList<string> Experts { get; init; } = [];
    public IReadOnlyList<string> Industries { get; init; } = [];
    public string? Maturity { get; init; }
    public IReadOnlyList<string> Cooperation { get; init; } = [];
    public MoneyRange? Price { get; init; }
    public string? Language { get; init; }
    public string Visibility { get; init; } = "public";
    public string Status { get; init; } = RecordStatus.Active;
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>What a viewer outside the organisation sees of a "summary" result: no abstract, keywords or price.</summary>
    public ResearchResult PublicView() => Visibility == "public" ? this : this with { Abstract = null, Keywords = [], Price = null };
}
