using Lucene.Net.Documents;
using Matching.Engine.Records;

namespace Matching.Engine.Index;

/// <summary>
/// How records become Lucene documents. Every kind has the same three searchable fields — title, body,
/// keywords — so one query shape serves all directions; an expert's text is their areas, bio and the results they are on.
/// </summary>
public static class IndexDocuments
{
    public const string Title = "title";
    public const string Body = "body";
    public const string Keywords = "keywords";
    public const string Industry = "industry";
    public const string Organisation = "organisation";

    /// <summary>The searchable fields with their query-time boosts.</summary>
    public static readonly IReadOnlyDictionary<string, float> SearchFields = new Dictionary<string, float>
    {
        [Title] = 1.6f, [Body] = 1.0f, [Keywords] = 1.4f,
    };

    /// <summary>Separator between list items in a text field (a full-width semicolon, which the analyzer drops).</summary>
    public const string ListSeparator = "；";

    public static Document For(ResearchResult r) =>
        Build(r.Id, r.Title, r.Abstract, r.Keywords, r.Industries, r.Organisation);

    public static Document For(TechNeed n) =>
        Build(n.Id, n.Title, n.Description, n.Keywords, n.Industries, n.Organisation);

    public static Document For(Expert e, IEnumerable<ResearchResult> results)
    {
        var own = results.ToList();
        var body = string.Join("\n", new[] { e.Bio }.Concat(own.Select(r => $"{r.Title}：{r.Abstract}")).Where(s => !string.IsNullOrWhiteSpace(s)));
        var keywords = e.Areas.Concat(own.SelectMany(r => r.Keywords)).Distinct().ToList();
        var title = string.Join(ListSeparator, e.Areas.Prepend(e.Name));
        return Build(e.Id, title, body, keywords, own.SelectMany(r => r.Industries).Distinct(), e.Organisation);
    }

    private static Document Build(string id, string title, string? body, IEnumerable<string> keywords, IEnumerable<string> industries, string? organisation)
    {
        var doc = new Document
        {
            new StringField(RecordIndex.IdField, id, Field.Store.YES),
            new TextField(Title, title, Field.Store.YES),
            new TextField(Body, body ?? "", Field.Store.YES),
            new TextField(Keywords, string.Join(ListSeparator, keywords), Field.Store.YES),
        };
        foreach (var industry in industries) doc.Add(new StringField(Industry, industry, Field.Store.YES));
        if (organisation is not null) doc.Add(new StringField(Organisation, organisation, Field.Store.YES));
        return doc;
    }
}
