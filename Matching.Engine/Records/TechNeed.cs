namespace Matching.Engine.Records;

/// <summary>An enterprise technology need (企业技术需求).</summary>
public sealed record TechNeed
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string? Organisation { get; init; }
    public IReadOnlyList<string> Industries { get; init; } = [];
    public string? Zone { get; init; }
    public string? Maturity { get; init; }
    public IReadOnlyList<string> Cooperation { get; init; } = [];
    public MoneyRange? Budget { get; init; }
    public DateOnly? Deadline { get; init; }
    public string Visibility { get; init; } = "public";
    public string? Language { get; init; }
    public string Status { get; init; } = RecordStatus.Active;
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Open means active and not past its deadline.</summary>
    public bool IsOpen(DateOnly today) =>
        Status == RecordStatus.Active && (Deadline is null || Deadline.Value >= today);

    /// <summary>
    /// What a viewer outside the enterprise and the organisers may see (<see cref="Accounts.Viewer"/>): "summary"
    /// keeps the title and the public fields; "organisers" hides the title too (such a need is normally not shown
    /// to them at all).
    /// </summary>
    public TechNeed PublicView() => Visibility switch
    {
        "public" => this,
        "summary" => this with { Description = null, Keywords = [], Organisation = null, Budget = null },
        _ => this with { Title = "（仅组织方可见的需求）", Description = null, Keywords = [], Organisation = null, Budget = null, Zone = null },
    };
}
