using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matching.Engine.Candidates;

/// <summary>
/// The score of every clause of a <see cref="TermsQuery"/> in given documents, read in one pass: each clause's postings
/// skip from one document to the next in doc order. Features take field scores and term presence from it instead of
/// running a filtered query per field (Lucene's own BM25 per clause, so a clause's score is what a search would give).
/// </summary>
public static class ClauseScores
{
    /// <summary>Per document (top-level doc id), each clause's score; 0 where the term is not in the field.</summary>
    public static Dictionary<int, float[]> Of(IndexSearcher searcher, TermsQuery query, IEnumerable<int> docs)
    {
        var weights = Weights(searcher, query);
        var leaves = searcher.IndexReader.Leaves;
        var result = new Dictionary<int, float[]>();
        foreach (var group in docs.Distinct().GroupBy(d => ReaderUtil.SubIndex(d, leaves)))
        {
            var leaf = leaves[group.Key];
            var local = group.Select(d => d - leaf.DocBase).Order().ToArray();
            var rows = local.Select(_ => new float[query.Clauses.Count]).ToArray();
            foreach (var (index, weight) in weights)
            {
                var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
                if (scorer is null) continue;
                for (var i = 0; i < local.Length; i++)
                {
                    var at = scorer.DocID >= local[i] ? scorer.DocID : scorer.Advance(local[i]);
                    if (at == DocIdSetIterator.NO_MORE_DOCS) break;
                    if (at == local[i]) rows[i][index] = scorer.GetScore();
                }
            }
            for (var i = 0; i < local.Length; i++) result[leaf.DocBase + local[i]] = rows[i];
        }
        return result;
    }

    /// <summary>A weight per clause (a term missing from a segment gets no scorer there and scores 0).</summary>
    private static List<(int Index, Weight Weight)> Weights(IndexSearcher searcher, TermsQuery query)
    {
        var weights = new List<(int, Weight)>(query.Clauses.Count);
        for (var i = 0; i < query.Clauses.Count; i++)
        {
            var c = query.Clauses[i];
            if (c.Boost > 0) weights.Add((i, searcher.CreateNormalizedWeight(new TermQuery(new Term(c.Field, c.Term)) { Boost = c.Boost })));
        }
        return weights;
    }
}
