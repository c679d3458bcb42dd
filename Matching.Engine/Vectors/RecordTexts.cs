using Matching.Engine.Records;

namespace Matching.Engine.Vectors;

/// <summary>
/// The text a record is turned into vectors from: its title, body and keywords, as the index's whole-text field
/// holds them. Training (benchmarks stored as results, queries as needs) and serving both go through here, so a
/// stored vector and a cached benchmark vector of the same text are the same vector.
/// </summary>
public static partial class RecordTexts
{
    public static string Of(ResearchResult r) => Join(r.Title, r.Abstract, r.Keywords);

    public static string Of(TechNeed n) => Join(n.Title, n.Description, n.Keywords);

    /// <summary>An expert's name, areas and bio, and the titles and abstracts of their results (as indexed).</summary>
    public static string Of(Expert e, IEnumerable<ResearchResult> results)
    {
        var own = results.Where(r => r.Status == RecordStatus.Active).ToList();
        return Join(string.Join("；", e.Areas.Prepend(e.Name)), BodyOf(e, own), e.Areas.Concat(own.SelectMany(r => r.Keywords)).Distinct().ToList());
    }

    /// <summary>Most sentences of a body that get their own vector (abstracts rarely have more).</summary>
    public const int MaxPassages = 40;

    /// <summary>
    /// Most sentences of an expert's profile (bio and every result) that get their own vector: the profile's vector is
    /// their mean, so it covers a long profile, not its first few hundred tokens. 400 sentences is a 30,000-character
    /// profile; what is beyond it is left out of the vectors (not of the index).
    /// </summary>
    public const int MaxExpertPassages = 400;

    /// <summary>The sentences of a record's body that get vectors: an expert's up to <see cref="MaxExpertPassages"/>, others' up to <see cref="MaxPassages"/>.</summary>
    public static IReadOnlyList<string> PassagesOf(RecordKind kind, string body) => Passages(body, kind == RecordKind.Expert ? MaxExpertPassages : MaxPassages);

    /// <summary>The body a record's sentence vectors are computed from: a result's abstract, an expert's bio and results.</summary>
    public static string BodyOf(ResearchResult r) => r.Abstract ?? "";

    public static string BodyOf(Expert e, IEnumerable<ResearchResult> results) =>
        string.Join("\n", new[] { e.Bio }.Concat(results.Where(r => r.Status == RecordStatus.Active).Select(r => $"{r.Title}：{r.Abstract}")).Where(s => !string.IsNullOrWhiteSpace(s)));

    /// <summary>
    /// A body's sentences, each a passage with its own vector, at most <paramref name="max"/>. English text splits
    /// after ., ! or ? where the next sentence starts with a capital or a bracket; mainly Chinese text after 。！？；
    /// (a patent's or an abstract's clauses are often ；-separated) and at line breaks, a fragment under
    /// <see cref="MinChinesePassage"/> characters joining the sentence before it.
    /// </summary>
    public static IReadOnlyList<string> Passages(string body, int max = MaxPassages)
    {
        if (!VectorModels.IsChinese(body))
            return SentenceEnd().Split(body).Select(s => s.Trim()).Where(s => s.Length > 0).Take(max).ToList();
        var passages = new List<string>();
        foreach (var piece in ChineseSentenceEnd().Split(body).Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            if (passages.Count > 0 && (piece.Length < MinChinesePassage || passages[^1].Length < MinChinesePassage)) passages[^1] += piece;
            else if (passages.Count == max) break;
            else passages.Add(piece);
        }
        return passages;
    }

    /// <summary>Chinese fragments shorter than this ("1)", "其中") are not passages of their own.</summary>
    public const int MinChinesePassage = 8;

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z(\[])", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SentenceEnd();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[。！？；!?;])|[\r\n]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ChineseSentenceEnd();

    private static string Join(string title, string? body, IReadOnlyList<string> keywords) =>
        string.Join(" ", new[] { title, body, string.Join("；", keywords) }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
