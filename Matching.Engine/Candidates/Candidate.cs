using Matching.Engine.Records;

namespace Matching.Engine.Candidates;

/// <summary>
/// One retrieved candidate: BM25 score, its rank (K + 1 when the BM25 top K missed it), the score over the list's best,
/// highlighted snippets, and its rank in the dense list (0 when the dense list did not find it).
/// </summary>
public sealed record Candidate(string Id, RecordKind Kind, float Score, int Rank, double NormalisedScore, IReadOnlyList<Snippet> Snippets, int DenseRank = 0)
{
    /// <summary>Found by the dense list alone: the BM25 top K missed it.</summary>
    public bool DenseOnly(int k) => DenseRank > 0 && Rank > k;
}

/// <summary>A highlighted passage of one field, as structured spans and as encoded HTML (hits in &lt;mark&gt;).</summary>
public sealed record Snippet(string Field, IReadOnlyList<SnippetSpan> Spans, string Html)
{
    /// <summary>The plain text of the passage.</summary>
    public string Text => string.Concat(Spans.Select(s => s.Text));
}

/// <summary>A run of snippet text; <see cref="Hit"/> marks a matched term.</summary>
public sealed record SnippetSpan(string Text, bool Hit);
