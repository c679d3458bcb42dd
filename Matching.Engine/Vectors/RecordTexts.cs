using Matching.Engine.Records;

namespace Matching.Engine.Vectors;

/// <summary>
/// The text a record is turned into vectors from: its title, body and keywords, as the index's whole-text field
/// holds them. Training (benchmarks stored as results, queries as needs) and serving both go through here, so a
/// stored vector and a cached benchmark vector of the same text are the same vector.
/// </summary>
public static class RecordTexts
{
    public static string Of(ResearchResult r) => Join(r.Title, r.Abstract, r.Keywords);

    public static string Of(TechNeed n) => Join(n.Title, n.Description, n.Keywords);

    /// <summary>An expert's name, areas and bio, and the titles and abstracts of their results (as indexed).</summary>
    public static string Of(Expert e, IEnumerable<ResearchResult> results)
    {
        var own = results.Where(r => r.Status == RecordStatus.Active).ToList();
        var body = string.Join("\n", new[] { e.Bio }.Concat(own.Select(r => $"{r.Title}：{r.Abstract}")).Where(s => !string.IsNullOrWhiteSpace(s)));
        return Join(string.Join("；", e.Areas.Prepend(e.Name)), body, e.Areas.Concat(own.SelectMany(r => r.Keywords)).Distinct().ToList());
    }

    private static string Join(string title, string? body, IReadOnlyList<string> keywords) =>
        string.Join(" ", new[] { title, body, string.Join("；", keywords) }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
