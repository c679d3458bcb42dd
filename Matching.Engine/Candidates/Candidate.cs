using Matching.Engine.Records;

namespace Matching.Engine.Candidates;

/// <summary>One retrieved candidate: BM25 score, its rank, the score over the list's best, and highlighted snippets.</summary>
public sealed record Candidate(string Id, RecordKind Kind, float Score, int Rank, double NormalisedScore, IReadOnlyList<Snippet> Snippets);

/// <summary>A highlighted passage of one field, as structured spans and as encoded HTML (hits in &lt;mark&gt;).</summary>
public sealed record Snippet(string Field, IReadOnlyList<SnippetSpan> Spans, string Html)
{
    /// <summary>The plain text of the passage.</summary>
    public string Text => string.Concat(Spans.Select(s => s.Text));
}

/// <summary>A run of snippet text; <see cref="Hit"/> marks a matched term.</summary>
public sealed record SnippetSpan(string Text, bool Hit);
