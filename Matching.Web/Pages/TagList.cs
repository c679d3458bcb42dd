namespace Matching.Web.Pages;

/// <summary>The tags under a title: maturity, industries (or an expert's areas) and cooperation modes.</summary>
public sealed record TagList(string? Maturity, IReadOnlyList<string> Industries, IReadOnlyList<string> Cooperation)
{
    public bool IsEmpty => Maturity is null && Industries.Count == 0 && Cooperation.Count == 0;
}
