using Matching.Engine.Evaluation;

namespace Matching.Engine.Tests.Evaluation;

public class ReverseRankingTests
{
    // Two documents: d1 is relevant to q1 (grade 1) and q2 (grade 2); d2 to q3 only. d3 is judged 0 by q1.
    private static readonly Dictionary<string, IReadOnlyDictionary<string, int>> Qrels = new()
    {
        ["q1"] = new Dictionary<string, int> { ["d1"] = 1, ["d3"] = 0 },
        ["q2"] = new Dictionary<string, int> { ["d1"] = 2 },
        ["q3"] = new Dictionary<string, int> { ["d2"] = 1 },
    };

    [Fact]
    public void EachDocumentRanksTheQueries_ByTheirScoresOfIt()
    {
        // d1's queries by score: q2 (grade 2), q3 (not relevant), q1 (grade 1). d2 is retrieved only by q1 and q2,
        // which are not relevant to it, so its relevant q3 is never ranked.
        var pairs = new ReverseRanking.Pair[]
        {
            new("q1", "d1", 0.2), new("q2", "d1", 0.9), new("q3", "d1", 0.5),
            new("q1", "d2", 0.7), new("q2", "d2", 0.1),
        };
        var ndcg = ReverseRanking.Ndcg(pairs, Qrels);

        Assert.Equal(2, ndcg.Count); // d1, d2 — d3 has no relevant query
        var ideal = 3 + 1 / Math.Log2(3);
        Assert.Equal((3 + 1 / Math.Log2(4)) / ideal, ndcg[0], 6);
        Assert.Equal(0, ndcg[1]);
    }

    [Fact]
    public void TiesGoByQueryId_AndUnjudgedQueriesAreLeftOut()
    {
        // q1 and q2 tie on d1: q1 comes first by id. A query outside the qrels (q9) does not take a place.
        var pairs = new ReverseRanking.Pair[] { new("q9", "d1", 5), new("q2", "d1", 0.5), new("q1", "d1", 0.5) };
        var ndcg = ReverseRanking.Ndcg(pairs, Qrels);

        var ideal = 3 + 1 / Math.Log2(3);
        Assert.Equal((1 + 3 / Math.Log2(3)) / ideal, ndcg[0], 6);
    }
}
