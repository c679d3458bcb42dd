using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;

namespace Matching.Engine.Tests.Scoring;

[Collection(ScoringCollection.Name)]
public class ExplainerTests(ScoringFixture f)
{
    /// <summary>
    /// The reasons name the features that moved the score: putting another candidate's values into the top reason's
    /// features changes the score, and changing features the ranker gave no contribution to changes nothing.
    /// </summary>
    [Fact]
    public void TheExplanation_NamesTheFeaturesThatMovedTheScore()
    {
        var checkedPairs = 0;
        foreach (var q in f.Training.Take(10))
        {
            var need = f.Workspace.Store.GetNeed(q.QueryId)!;
            var scored = f.Scorer.Score(f.A, need, RecordKind.Result, f.Scorer.Candidates(f.A, need, RecordKind.Result));
            var top = scored.MaxBy(s => s.Raw)!;
            var bottom = scored.MinBy(s => s.Raw)!;
            var contributions = f.A.For(top.Features).Ranker.Contributions(top.Features);
            var reasons = f.Explainer.Reasons(need, RecordKind.Result, top.Candidate.Id, top.Features, contributions, []);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Zh) || string.IsNullOrWhiteSpace(r.En)));
            Assert.Equal(reasons.Select(r => Math.Abs(r.Contribution)).OrderDescending(), reasons.Select(r => Math.Abs(r.Contribution)));
            // A sentence never praises what pulled the score down.
            Assert.All(reasons.Where(r => r.Contribution < 0), r => Assert.DoesNotContain("高度", r.Zh));

            var moved = Replace(top.Features, bottom.Features, reasons[0].Features);
            if (!moved.SequenceEqual(top.Features))
            {
                Assert.NotEqual(top.Raw, f.A.For(top.Features).Ranker.Score([moved])[0]);
                checkedPairs++;
            }

            // Features with no contribution on this pair's path: any other values leave the score as it was.
            var unused = FeatureSchema.Names.Where((_, i) => contributions[i] == 0).ToList();
            var noise = top.Features.Select(v => v + 1000f).ToArray();
            var still = Replace(top.Features, noise, unused);
            Assert.Equal(top.Raw, f.A.For(top.Features).Ranker.Score([still])[0], 4);
        }
        Assert.True(checkedPairs >= 5, $"only {checkedPairs} pairs had a top reason to move");
    }

    [Fact]
    public void AnyPair_CanBeExplained_InsideOrOutsideTheCandidateList()
    {
        var need = f.Workspace.Store.GetNeed("n-display-01")!;
        var listed = f.Explainer.Explain(need.Id, f.Retriever.ForNeed(need, RecordKind.Result, 5, 0)[0].Id)!;
        Assert.True(listed.InCandidateList);
        Assert.NotEmpty(listed.MatchedTerms);
        Assert.InRange(listed.Score, 0, 1);

        // A short display need retrieves few results; a food result is outside its list, and still scored and explained.
        var narrow = new TechNeed { Id = "n-test-narrow", Title = "Micro LED 巨量转移", Industries = ["新型显示"], Language = "zh" };
        using (var writer = f.Workspace.Store.BeginWrite())
        {
            writer.Upsert(narrow);
            writer.Commit();
        }
        var retrieved = f.Retriever.ForNeed(narrow, RecordKind.Result, MatchScorer.K, 0).Select(c => c.Id).ToHashSet();
        var outside = f.Workspace.Store.ActiveIds(RecordKind.Result).First(id => !retrieved.Contains(id) && f.Workspace.Store.GetResult(id)!.Industries.Contains("绿色食品"));
        var far = f.Explainer.Explain(narrow.Id, outside)!;
        Assert.Equal(MatchScorer.K + 1, far.Rank);
        Assert.False(far.InCandidateList);
        Assert.True(far.Score <= f.Explainer.Explain(narrow.Id, retrieved.First())!.Score);
        Assert.NotEmpty(far.Reasons);
        Assert.Equal(2f, far.Features["industry_distance"]);
        Assert.Equal(0f, far.Features["bm25"]);

        var expert = f.Explainer.Explain(need.Id, "e-display-04")!;
        Assert.Equal("expert", expert.Kind);
        Assert.NotNull(expert.ClosestResult);
        Assert.Null(f.Explainer.Explain(need.Id, "no-such-record"));
        Assert.Null(f.Explainer.Explain("no-such-need", "r-agri-01"));
    }

    [Fact]
    public void AHiddenNeed_IsNotQuotedInItsExplanations()
    {
        var hidden = f.Workspace.Store.ListNeeds(new Storage.ListQuery { PageSize = 200 }).Items.First(n => n.Visibility == "organisers");
        var candidate = f.Retriever.ForNeed(hidden, RecordKind.Result, 1, 0)[0];
        var explanation = f.Explainer.Explain(hidden.Id, candidate.Id)!;
        Assert.Empty(explanation.MatchedTerms);
        var text = string.Join("\n", explanation.Reasons.Select(r => r.Zh + r.En));
        foreach (var keyword in hidden.Keywords) Assert.DoesNotContain(keyword, text);
    }

    private static float[] Replace(float[] features, float[] from, IEnumerable<string> names)
    {
        var copy = (float[])features.Clone();
        foreach (var n in names) copy[FeatureSchema.IndexOf(n)] = from[FeatureSchema.IndexOf(n)];
        return copy;
    }

    /// <summary>
    /// The reasons the match job stores with a list's first entries are the ones an explanation of that pair gives
    /// (same features, same contributions), so the need page and "why this pair?" never disagree.
    /// </summary>
    [Fact]
    public void StoredReasons_AreTheExplanationsReasons()
    {
        var lists = new Matching.Engine.Matches.MatchLists(f.Workspace.Store, f.Workspace.Retriever, f.Models, f.Scorer, explainer: f.Explainer);
        var compared = 0;
        foreach (var q in f.Training.Take(5))
        {
            var need = f.Workspace.Store.GetNeed(q.QueryId)!;
            var stored = lists.Compute(f.A, need);
            Assert.All(stored.Results.Take(Matching.Engine.Matches.MatchLists.SnippetDepth), m => Assert.NotNull(m.Reasons));
            Assert.All(stored.Results.Skip(Matching.Engine.Matches.MatchLists.SnippetDepth), m => Assert.Null(m.Reasons));
            foreach (var entry in stored.Results.Take(3).Concat(stored.Experts.Take(2)))
            {
                var explanation = f.Explainer.Explain(need.Id, entry.CandidateId)!;
                Assert.Equal(explanation.Reasons.Select(r => (r.Topic, r.Zh)), entry.Reasons!.Select(r => (r.Topic, r.Zh)));
                compared++;
            }
            // The page shows them with the list.
            var shown = lists.ForNeed(need.Id, 5)!;
            Assert.All(shown.Results, m => Assert.NotEmpty(m.Reasons));
        }
        Assert.Equal(25, compared);
    }
}
