using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matching.Engine.Candidates;

/// <summary>
/// The term statistics of one match (Lucene's TermContext: each segment's term state and the document frequency),
/// kept per index reader and shared by the match's queries. The candidate query, its common-term pruning and the
/// feature clauses look up the same (field, term) pairs, and each lookup is a seek in every segment's term
/// dictionary: about 3 ms for a long need over 100,000 results, paid once instead of three times. Statistics are
/// exact for the reader they were built on; a searcher on another reader (the index refreshed between the candidate
/// step and the features) gets its own, and Lucene's TermQuery itself rebuilds a state built on another reader.
/// Thread safe: the states are read-only once built, as Lucene's concurrent search shares them.
/// </summary>
public sealed class TermStates
{
    private readonly ConditionalWeakTable<IndexReaderContext, ConcurrentDictionary<Term, TermContext>> _byReader = new();

    /// <summary>The statistics of <paramref name="term"/> in the searcher's reader, built on first use.</summary>
    public TermContext Of(IndexSearcher searcher, Term term)
    {
        var context = searcher.TopReaderContext;
        return _byReader.GetValue(context, _ => new ConcurrentDictionary<Term, TermContext>())
            .GetOrAdd(term, t => TermContext.Build(context, t));
    }

    /// <summary>A term query that uses the shared statistics.</summary>
    public TermQuery Query(IndexSearcher searcher, Term term, float boost) => new(term, Of(searcher, term)) { Boost = boost };

    /// <summary>
    /// Builds the statistics of every term of a flat query (or of the given terms) side by side on the machine's cores,
    /// for a large index, where the seeks add up; the calling thread takes terms too.
    /// </summary>
    public void Prepare(IndexSearcher searcher, IReadOnlyCollection<Term> terms)
    {
        if (terms.Count < 32 || searcher.IndexReader.MaxDoc < LeafParallelSearch.FromDocuments || Environment.ProcessorCount < 2)
            return;
        SideBySide.ForEach(terms.ToList(), t => Of(searcher, t));
    }

    /// <summary>The top-level term clauses of a flat BooleanQuery bound to the shared statistics; other queries as they are.</summary>
    public Query Bind(IndexSearcher searcher, Query query)
    {
        if (query is not BooleanQuery boolean) return query;
        Prepare(searcher, boolean.Clauses.Select(c => c.Query).OfType<TermQuery>().Select(q => q.Term).ToList());
        var bound = new BooleanQuery(boolean.CoordDisabled) { Boost = boolean.Boost, MinimumNumberShouldMatch = boolean.MinimumNumberShouldMatch };
        foreach (var clause in boolean.Clauses)
            bound.Add(clause.Query is TermQuery t ? Query(searcher, t.Term, t.Boost) : clause.Query, clause.Occur);
        return bound;
    }
}
