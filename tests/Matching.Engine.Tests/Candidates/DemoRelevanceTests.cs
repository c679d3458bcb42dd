using Matching.Engine.Records;
using Xunit.Abstractions;

namespace Matching.Engine.Tests.Candidates;

/// <summary>
/// BM25 candidates against the demo judgements, which were written by reading the texts before any ranking existed.
/// The five needs checked are fixed in advance — the first need of each industry — not picked by their outcome.
/// </summary>
public class DemoRelevanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    public static readonly string[] FirstNeedOfEachIndustry = ["n-display-01", "n-bio-01", "n-rail-01", "n-ai-01", "n-agri-01"];

    [Fact]
    public void TopThreeCandidates_IncludeAGoodMatch_ForTheFirstNeedOfEachIndustry()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var retriever = _data.Retriever();
        var judgements = _data.Store.Judgements().ToLookup(j => j.NeedId);

        int needs = 0, hits = 0;
        var failed = new List<string>();
        foreach (var need in _data.Store.GetNeeds(_data.Store.ActiveIds(RecordKind.Need)).OrderBy(n => n.Id))
        {
            var good = judgements[need.Id].Where(j => j.Grade >= 2).Select(j => j.CandidateId).ToHashSet();
            if (good.Count == 0) continue;
            var top = retriever.ForNeed(need, RecordKind.Result, 3, 0).Concat(retriever.ForNeed(need, RecordKind.Expert, 3, 0))
                .OrderByDescending(c => c.NormalisedScore).ThenBy(c => c.Rank).Take(3).Select(c => c.Id).ToList();
            needs++;
            if (top.Any(good.Contains)) hits++;
            else failed.Add(need.Id);
            if (FirstNeedOfEachIndustry.Contains(need.Id))
                Assert.True(top.Any(good.Contains), $"{need.Id}: top 3 {string.Join(", ", top)} holds none of {string.Join(", ", good)}");
        }
        output.WriteLine($"demo needs whose top 3 holds a grade 2-3 candidate: {hits}/{needs} ({100.0 * hits / needs:F0}%); misses: {string.Join(", ", failed)}");
    }

    [Fact]
    public void MatchesForADemoNeed_HaveAtLeastTenCandidates_WithSnippets()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var need = _data.Store.GetNeed("n-display-01")!;
        var results = _data.Retriever().ForNeed(need, RecordKind.Result, 20);
        Assert.True(results.Count >= 10);
        Assert.All(results.Take(10), c => Assert.Contains(c.Snippets, s => s.Spans.Any(x => x.Hit)));
        Assert.Equal(1.0, results[0].NormalisedScore);
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }
}
