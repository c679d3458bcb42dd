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

    /// <summary>Characters a body passage aims at (whole clauses, so a little more or less).</summary>
    public int FragmentSize { get; init; } = 90;

    /// <summary>
    /// The best passages of <paramref name="text"/> for the query, or its opening when nothing matches. A passage is
    /// whole clauses: the text is cut only after 。！？；; or a line break (or, in a long sentence, after ，、：),
    /// never inside a number or a Latin word, so "透光率≥90%，" stays together and no passage starts with punctuation.
    /// <paramref name="maxFragments"/> 0 highlights the whole text (a title).
    /// </summary>
    public IReadOnlyList<Snippet> Build(Query query, string field, string? text, int maxFragments)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var clean = text.Replace(Open, ' ').Replace(Close, ' ').Trim();
        // Any query term counts, whichever field it was searched in. The queries are disjunctions of terms, so plain
        // term scoring marks the same words as span scoring does, without building an in-memory index of every text.
        var scorer = new QueryTermScorer(query);
        var highlighter = new Highlighter(new SentinelFormatter(), scorer) { TextFragmenter = new NullFragmenter() };
        (string Marked, float Score) Mark(string passage)
        {
            using var tokens = analyzer.GetTokenStream(field, passage);
            var best = highlighter.GetBestTextFragments(tokens, passage, false, 1).FirstOrDefault(f => f is not null);
            return best is null ? (passage, 0) : (best.ToString(), best.Score);
        }
        if (maxFragments == 0) return [ToSnippet(field, Mark(clean).Marked.Trim())];

        var passages = Passages(clean, FragmentSize);
        var marked = passages.Select((p, i) => (Index: i, Mark: Mark(p))).ToList();
        var chosen = marked.Where(m => m.Mark.Score > 0).OrderByDescending(m => m.Mark.Score).ThenBy(m => m.Index).Take(maxFragments)
            .OrderBy(m => m.Index).Select(m => m.Mark.Marked).ToList();
        if (chosen.Count == 0) chosen = [passages.Count == 1 ? passages[0] : passages[0] + "…"];
        return chosen.Select(f => ToSnippet(field, f.Trim())).ToList();
    }

    /// <summary>Ends of a sentence or clause; after a soft one a long sentence may be cut.</summary>
    private const string HardBreaks = "。！？；;!?\n", SoftBreaks = "，,、：:";

    /// <summary>
    /// The text as consecutive passages of whole clauses, each about <paramref name="size"/> characters: clauses are
    /// packed while they fit; a clause longer than that is cut after a soft break, and one with none at a space or,
    /// failing that, after <paramref name="size"/> characters moved on past any digit, Latin letter or unit sign.
    /// </summary>
    internal static List<string> Passages(string text, int size)
    {
        var clauses = Split(text, HardBreaks).SelectMany(c => c.Length <= size * 3 / 2 ? [c] : Split(c, SoftBreaks)).SelectMany(c => Hard(c, size)).ToList();
        var passages = new List<string>();
        var current = new StringBuilder();
        foreach (var clause in clauses)
        {
            if (current.Length > 0 && current.Length + clause.Length > size)
            {
                passages.Add(current.ToString().Trim());
                current.Clear();
            }
            current.Append(clause);
        }
        if (current.Length > 0) passages.Add(current.ToString().Trim());
        return passages.Where(p => p.Length > 0).ToList();

        static IEnumerable<string> Split(string s, string breaks)
        {
            var start = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (!breaks.Contains(s[i])) continue;
                // Punctuation that follows a break (」）” or more of the same) stays with the clause it closes.
                var end = i + 1;
                while (end < s.Length && (breaks.Contains(s[end]) || "」）)”’】".Contains(s[end]))) end++;
                yield return s[start..end];
                start = end;
                i = end - 1;
            }
            if (start < s.Length) yield return s[start..];
        }

        static IEnumerable<string> Hard(string s, int size)
        {
            while (s.Length > size * 2)
            {
                var cut = size;
                while (cut < s.Length && Joined(s[cut - 1]) && Joined(s[cut])) cut++;
                yield return s[..cut];
                s = s[cut..];
            }
            yield return s;
        }

        // Characters a cut may not fall between: a number with its unit or sign, a Latin word.
        static bool Joined(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '%' or '‰' or '≥' or '≤' or '±' or '~' or '-' or '_' or '/' || c == '°';
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
