using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matching.Engine.Candidates;

/// <summary>One clause of a <see cref="TermsQuery"/>: a term in a field, with its boost; Group is the term's position.</summary>
public readonly record struct TermClause(string Field, string Term, float Boost, int Group);

/// <summary>
/// A bag-of-terms BM25 query: weighted terms, each searched in several fields with a field boost. A document's score
/// is the sum of its clause scores. <see cref="ToLucene"/> is the flat BooleanQuery that searches it;
/// <see cref="ClauseScores"/> reads each clause's score in given documents.
/// </summary>
public sealed class TermsQuery
{
    public TermsQuery(IReadOnlyDictionary<string, float> weights, IReadOnlyDictionary<string, float> fields)
    {
        Weights = weights;
        Terms = weights.Keys.ToList();
        var clauses = new List<TermClause>(Terms.Count * fields.Count);
        for (var g = 0; g < Terms.Count; g++)
            foreach (var (field, boost) in fields)
                clauses.Add(new TermClause(field, Terms[g], weights[Terms[g]] * boost, g));
        Clauses = clauses;
    }

    private TermsQuery(IReadOnlyList<TermClause> clauses)
    {
        Clauses = clauses;
        Terms = clauses.Select(c => c.Term).Distinct().ToList();
        Weights = Terms.ToDictionary(t => t, _ => 1f);
    }

    /// <summary>
    /// The top-level (field, term) clauses of a flat BooleanQuery of term queries — what the candidate step runs —
    /// with their boosts, so <see cref="ClauseScores"/> reads the score a search would give.
    /// </summary>
    public static TermsQuery Of(Query query)
    {
        var clauses = new List<TermClause>();
        if (query is BooleanQuery boolean)
            foreach (var clause in boolean.Clauses)
                if (clause.Query is TermQuery { Term: var term } t)
                    clauses.Add(new TermClause(term.Field, term.Text, t.Boost * boolean.Boost, clauses.Count));
        return new TermsQuery(clauses);
    }

    /// <summary>The query's terms, strongest first, with their weights.</summary>
    public IReadOnlyList<string> Terms { get; }
    public IReadOnlyDictionary<string, float> Weights { get; }
    public IReadOnlyList<TermClause> Clauses { get; }

    public Query ToLucene()
    {
        var query = new BooleanQuery();
        foreach (var c in Clauses) query.Add(new TermQuery(new Term(c.Field, c.Term)) { Boost = c.Boost }, Occur.SHOULD);
        return query;
    }
}
