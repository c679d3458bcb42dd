using System.Net;
using System.Text;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Matching.Engine.Text;

namespace Matching.Engine.Candidates;

/// <summary>
/// Highlighted snippets from Lucene's Highlighter. The formatter wraps hits in two private-use sentinels, which
/// are then split into spans and HTML-encoded, so stored text (HTML included) is only ever shown as text.
/// </summary>
public sealed class SnippetBuilder(MatchingAnalyzer analyzer)
{
    private const char Open = '\uE000', Close = '\uE001';

    /// <summary>Characters per body fragment.</summary>
    public int FragmentSize { get; init; } = 90;

    /// <summary>The best passages of <paramref name="text"/> for the query, or its opening when nothing matches.</summary>
    public IReadOnlyList<Snippet> Build(Query query, string field, string? text, int maxFragments)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var clean = text.Replace(Open, ' ').Replace(Close, ' ');
        // Any query term counts, whichever field it was searched in. The queries are disjunctions of terms, so plain
        // term scoring marks the same words as span scoring does, without building an in-memory index of every text
        // (a third faster per re-match, bench jobs).
        var scorer = new QueryTermScorer(query);
        var highlighter = new Highlighter(new SentinelFormatter(), scorer)
        {
            TextFragmenter = maxFragments == 0 ? new NullFragmenter() : new SimpleFragmenter(FragmentSize),
        };
        string[] fragments;
        using (var tokens = analyzer.GetTokenStream(field, clean))
        {
            // Unmerged, best first, then shown in reading order.
            fragments = highlighter.GetBestTextFragments(tokens, clean, false, Math.Max(1, maxFragments))
                .Where(f => f is not null && f.Score > 0)
                .OrderBy(f => f.FragNum)
                .Select(f => f.ToString())
                .ToArray();
        }
        if (fragments.Length == 0)
            fragments = [clean.Length <= FragmentSize || maxFragments == 0 ? clean : clean[..FragmentSize] + "…"];
        return fragments.Select(f => ToSnippet(field, f.Trim())).ToList();
    }

    private static Snippet ToSnippet(string field, string marked)
    {
        var spans = new List<SnippetSpan>();
        var html = new StringBuilder();
        var current = new StringBuilder();
        var hit = false;
        foreach (var c in marked)
        {
            if (c is Open or Close)
            {
                Emit();
                hit = c == Open;
                continue;
            }
            current.Append(c);
        }
        Emit();
        return new Snippet(field, spans, html.ToString());

        void Emit()
        {
            if (current.Length == 0) return;
            var s = current.ToString();
            spans.Add(new SnippetSpan(s, hit));
            html.Append(hit ? $"<mark>{WebUtility.HtmlEncode(s)}</mark>" : WebUtility.HtmlEncode(s));
            current.Clear();
        }
    }

    private sealed class SentinelFormatter : IFormatter
    {
        public string HighlightTerm(string originalText, TokenGroup tokenGroup) =>
            tokenGroup.TotalScore > 0 ? Open + originalText + Close : originalText;
    }
}
