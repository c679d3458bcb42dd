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
    /// <summary>Clauses per unit of work when the clauses are scored side by side.</summary>
    private const int ClausesPerTask = 16;

    /// <summary>
    /// Per document (top-level doc id), each clause's score; 0 where the term is not in the field. Clauses are scored
    /// in groups side by side on the machine's cores (each group writes its own columns); the calling thread takes
    /// groups too, so a busy thread pool only makes this sequential.
    /// </summary>
    public static Dictionary<int, float[]> Of(IndexSearcher searcher, TermsQuery query, IEnumerable<int> docs, TermStates? terms = null)
    {
        terms ??= new TermStates();
        var leaves = searcher.IndexReader.Leaves;
        var groups = docs.Distinct().GroupBy(d => ReaderUtil.SubIndex(d, leaves))
            .Select(g => (Leaf: leaves[g.Key], Local: g.Select(d => d - leaves[g.Key].DocBase).Order().ToArray()))
            .Select(g => (g.Leaf, g.Local, Rows: g.Local.Select(_ => new float[query.Clauses.Count]).ToArray()))
            .ToList();
        var clauses = Enumerable.Range(0, query.Clauses.Count).Where(i => query.Clauses[i].Boost > 0).ToList();
        void Score(IEnumerable<int> chunk)
        {
            foreach (var index in chunk)
            {
                var c = query.Clauses[index];
                // A weight per clause; a term missing from a segment gets no scorer there and scores 0.
                var weight = searcher.CreateNormalizedWeight(terms.Query(searcher, new Term(c.Field, c.Term), c.Boost));
                foreach (var (leaf, local, rows) in groups)
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
            }
        }
        var chunks = clauses.Chunk(ClausesPerTask).ToList();
        if (chunks.Count < 2 || Environment.ProcessorCount < 2) Score(clauses);
        else SideBySide.ForEach(chunks, Score);
        var result = new Dictionary<int, float[]>();
        foreach (var (leaf, local, rows) in groups)
            for (var i = 0; i < local.Length; i++) result[leaf.DocBase + local[i]] = rows[i];
        return result;
    }

    /// <summary>
    /// Each clause's highest possible score: its term's idf × the clause's boost × (k1 + 1), what BM25 approaches as
    /// the term fills a document. Their sum bounds a document's score under the query, whichever the list, so a score
    /// over it compares across needs. Lucene's BM25 idf: ln(1 + (N − df + 0.5) / (df + 0.5)).
    /// </summary>
    public static float[] Bounds(IndexSearcher searcher, TermsQuery query, TermStates? terms = null)
    {
        terms ??= new TermStates();
        var documents = searcher.IndexReader.MaxDoc;
        return query.Clauses.Select(c =>
        {
            if (c.Boost <= 0) return 0f;
            var df = terms.Of(searcher, new Term(c.Field, c.Term)).DocFreq;
            var idf = Math.Log(1 + (documents - df + 0.5) / (df + 0.5));
            return (float)(idf * c.Boost * (Index.RecordIndex.K1Of(c.Field) + 1));
        }).ToArray();
    }
}
