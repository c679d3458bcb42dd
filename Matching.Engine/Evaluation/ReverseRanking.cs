namespace Matching.Engine.Evaluation;

/// <summary>
/// A benchmark read the other way round (results → needs, what a university sees): for every document with a relevant
/// query, the queries ordered by one score of each (query, document) pair. This is where a score that does not mean the
/// same for two needs shows: a forward list only compares candidates of one query, a reverse list compares one
/// candidate's scores for many queries. Only pairs that some query's candidate list holds are scored; the rest rank
/// below every scored one (the same for every score compared), then by query id.
/// </summary>
public static class ReverseRanking
{
    /// <summary>One scored (query, document) pair.</summary>
    public readonly record struct Pair(string QueryId, string DocumentId, double Score);

    /// <summary>
    /// nDCG@<paramref name="k"/> of each document with a relevant query in <paramref name="qrels"/> (query → document →
    /// grade), in ordinal document-id order, so that two scores' figures pair up for a bootstrap. Its queries are ranked
    /// by score, ties by query id; a document none of its relevant queries retrieved scores 0.
    /// </summary>
    public static List<double> Ndcg(IEnumerable<Pair> pairs, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, int k = 10)
    {
        var relevant = new SortedDictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (query, judged) in qrels)
            foreach (var (document, grade) in judged)
                if (grade > 0)
                {
                    if (!relevant.TryGetValue(document, out var byQuery)) relevant[document] = byQuery = [];
                    byQuery[query] = grade;
                }
        var scored = pairs.Where(p => relevant.ContainsKey(p.DocumentId) && qrels.ContainsKey(p.QueryId))
            .GroupBy(p => p.DocumentId).ToDictionary(g => g.Key, g => g.DistinctBy(p => p.QueryId).ToList());
        var result = new List<double>(relevant.Count);
        foreach (var (document, judged) in relevant)
        {
            var ranked = scored.TryGetValue(document, out var list)
                ? list.OrderByDescending(p => p.Score).ThenBy(p => p.QueryId, StringComparer.Ordinal).Take(k).Select(p => p.QueryId).ToList()
                : [];
            result.Add(RankingMetrics.Ndcg(ranked, judged, k));
        }
        return result;
    }
}
