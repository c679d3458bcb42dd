using System.Collections.Concurrent;
using Matching.Engine.Features;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;

namespace Matching.Engine.Tests.Scoring;

[Collection(ScoringCollection.Name)]
public class MatchScorerTests(ScoringFixture f)
{
    [Fact]
    public void APair_HasTheSameFeaturesAndScore_AtTrainingAndAtServing()
    {
        var compared = 0;
        foreach (var q in f.Training.Take(12))
        {
            var need = f.Workspace.Store.GetNeed(q.QueryId)!;
            var served = f.Scorer.Score(f.A, need, RecordKind.Result, f.Scorer.Candidates(f.A, need, RecordKind.Result));
            Assert.Equal(q.Candidates.Select(c => c.Id), served.Select(s => s.Candidate.Id));
            var trained = f.A.For(q.Features[0]).Ranker.Score(q.Features);
            for (var i = 0; i < served.Count; i++)
            {
                Assert.Equal(q.Features[i], served[i].Features);
                Assert.Equal(trained[i], served[i].Raw);
                compared++;
            }
            // Topic mixtures and the Chinese sentence vectors reach the features through the stored vectors.
            Assert.Contains(served, s => s.Features[FeatureSchema.IndexOf("has_topic_cosine")] == 1);
            Assert.Contains(served, s => s.Features[FeatureSchema.IndexOf("has_embedding_cosine")] == 1 && s.Features[FeatureSchema.IndexOf("has_passage_cosine")] == 1);
        }
        Assert.True(compared > 100, $"only {compared} pairs compared");
    }

    [Fact]
    public void ThirtyTwoThreads_GiveTheSameListsAsOne()
    {
        var needs = f.Training.Select(q => q.QueryId).Take(16).ToList();
        var expected = needs.ToDictionary(id => id, id => Signature(f.Lists.ForNeed(id, 20)!));
        var mismatches = new ConcurrentBag<string>();
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 32 }, t =>
        {
            foreach (var id in needs.Skip(t % needs.Count).Concat(needs.Take(t % needs.Count)))
                if (Signature(f.Lists.ForNeed(id, 20)!) != expected[id]) mismatches.Add(id);
        });
        Assert.Empty(mismatches);
    }

    [Fact]
    public void ScoresAreCalibrated_AndListsAreSortedByThem()
    {
        var list = f.Lists.ForNeed(f.Training[0].QueryId, 20)!;
        Assert.Equal("A", list.Results[0].Model);
        Assert.All(list.Results.Concat(list.Experts), m => Assert.InRange(m.Score, 0, 1));
        Assert.Equal(list.Results.Select(r => r.Score).OrderDescending(), list.Results.Select(r => r.Score));
        Assert.Equal(list.Experts.Select(r => r.Score).OrderDescending(), list.Experts.Select(r => r.Score));
        Assert.Contains(list.Experts, e => e.BestResult is not null);
    }

    [Fact]
    public async Task AModelSwapUnderLoad_ServesOnlyWholeModels()
    {
        var needs = f.Training.Select(q => q.QueryId).Take(6).ToList();
        f.Models.Swap(f.A);
        var expectedA = needs.ToDictionary(id => id, id => Signature(f.Lists.ForNeed(id, 10)!));
        f.Models.Swap(f.B);
        var expectedB = needs.ToDictionary(id => id, id => Signature(f.Lists.ForNeed(id, 10)!));
        Assert.NotEqual(expectedA, expectedB);

        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var started = 0;
        // Its own thread: the requests below fill the thread pool (each also reads in parallel), and a pooled swapper
        // could start only after them.
        var swapper = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                f.Models.Swap(swaps++ % 2 == 0 ? f.A : f.B);
                // The next swap waits for another request to start, so swaps land while requests are in flight.
                var mark = Volatile.Read(ref started);
                SpinWait.SpinUntil(() => Volatile.Read(ref started) > mark || stop.IsCancellationRequested);
            }
        }, TaskCreationOptions.LongRunning);
        SpinWait.SpinUntil(() => Volatile.Read(ref swaps) > 0);
        var seen = new ConcurrentDictionary<string, int>();
        var torn = new ConcurrentBag<string>();
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 40; i++)
            {
                var id = needs[(t + i) % needs.Count];
                Interlocked.Increment(ref started);
                var list = f.Lists.ForNeed(id, 10)!;
                var versions = list.Results.Concat(list.Experts).Select(m => m.Model).Distinct().ToList();
                var signature = Signature(list);
                seen.AddOrUpdate(versions[0], 1, (_, n) => n + 1);
                if (versions.Count != 1 || signature != (versions[0] == "A" ? expectedA[id] : expectedB[id])) torn.Add($"{id}: {string.Join("+", versions)}");
            }
        });
        stop.Cancel();
        await swapper;
        f.Models.Swap(f.A);
        Assert.Empty(torn);
        Assert.True(swaps > 10, $"only {swaps} swaps happened");
        Assert.True(seen.Count == 2, $"requests saw only {string.Join(", ", seen.Keys)}");
    }

    private static string Signature(NeedMatches m) =>
        string.Join(";", m.Results.Concat(m.Experts).Select(x => $"{x.Id}={x.Score:F4}@{x.Model}"));
}
