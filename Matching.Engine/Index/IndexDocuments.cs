using Lucene.Net.Documents;
using Matching.Engine.Records;

namespace Matching.Engine.Index;

/// <summary>
/// How records become Lucene documents. Every kind has the same fields — title, body (stored, for snippets),
/// keywords, and "all" (title, body and keywords analysed together) — so one query shape serves all directions; an
/// expert's text is their areas, bio and the results they are on.
/// </summary>
public static class IndexDocuments
{
    public const string Title = "title";
    public const string Body = "body";
    /// <summary>Title, body and keywords as one field: the field candidates are retrieved on (BM25 over the whole text).</summary>
    public const string All = "all";
    public const string Keywords = "keywords";
    /// <summary>The whole text as overlapping CJK character pairs (<see cref="Text.CjkBigrams"/>): a feature's field, not searched for candidates.</summary>
    public const string Bigrams = "bigrams";
    public const string Industry = "industry";
    public const string Organisation = "organisation";

    /// <summary>The fields a term is searched in, with their boosts (tuned on SciFact's train split; see QueryBuilder).</summary>
    public static readonly IReadOnlyDictionary<string, float> SearchFields = new Dictionary<string, float>
    {
        [All] = 1.0f, [Title] = 0.3f, [Keywords] = 0.3f,
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
        var (title, body, keywords) = ExpertText(e, own);
        return Build(e.Id, title, body, keywords, own.SelectMany(r => r.Industries).Distinct(), e.Organisation);
    }

    /// <summary>An expert's indexed title (name and areas), body (bio, then each result's title and abstract) and keywords.</summary>
    public static (string Title, string Body, IReadOnlyList<string> Keywords) ExpertText(Expert e, IReadOnlyList<ResearchResult> results) =>
        (string.Join(ListSeparator, e.Areas.Prepend(e.Name)),
         string.Join("\n", new[] { e.Bio }.Concat(results.Select(r => $"{r.Title}：{r.Abstract}")).Where(s => !string.IsNullOrWhiteSpace(s))),
         e.Areas.Concat(results.SelectMany(r => r.Keywords)).Distinct().ToList());

    private static Document Build(string id, string title, string? body, IEnumerable<string> keywords, IEnumerable<string> industries, string? organisation)
    {
        var keywordText = string.Join(ListSeparator, keywords);
        var doc = new Document
        {
            new StringField(RecordIndex.IdField, id, Field.Store.YES),
            new TextField(Title, title, Field.Store.YES),
            // The body is analysed once, inside "all"; it is stored for snippets, which re-analyse it.
            new StoredField(Body, body ?? ""),
            new TextField(Keywords, keywordText, Field.Store.YES),
            new TextField(All, string.Join("\n", title, body ?? "", keywordText), Field.Store.NO),
            new TextField(Bigrams, string.Join("\n", title, body ?? "", keywordText), Field.Store.NO),
        };
        foreach (var industry in industries) doc.Add(new StringField(Industry, industry, Field.Store.YES));
        if (organisation is not null) doc.Add(new StringField(Organisation, organisation, Field.Store.YES));
        return doc;
    }
}
