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
