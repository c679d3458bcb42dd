using Matching.Engine.Features;
using Matching.Engine.Scoring;

namespace Matching.Engine.Tests.Scoring;

public class RankerModelTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "ranker-" + Guid.NewGuid().ToString("N")[..8] + ".zip");

    public void Dispose() => File.Delete(_file);

    /// <summary>Synthetic groups where the label follows feature 3 (bm25_all) and the rest is noise.</summary>
    private static List<RankingRow> Rows(int seed)
    {
        var rng = new Random(seed);
        var rows = new List<RankingRow>();
        for (var g = 0; g < 60; g++)
            for (var i = 0; i < 20; i++)
            {
                var f = Enumerable.Range(0, FeatureSchema.Count).Select(_ => (float)rng.NextDouble()).ToArray();
                rows.Add(new RankingRow { GroupId = "q" + g, Features = f, Label = f[3] > 0.8f ? 2 : f[3] > 0.5f ? 1 : 0 });
            }
        return rows;
    }

    private static readonly RankerHyperParameters Small = new() { Trees = 40, Leaves = 8, MinimumExamplesPerLeaf = 5 };

    [Fact]
    public void Training_IsDeterministic_AndLearnsTheSignal()
    {
        var rows = Rows(1);
        var a = RankerModel.Train(rows, Small);
        var b = RankerModel.Train(rows, Small);
        var probe = Rows(2).Take(50).Select(r => r.Features).ToList();
        Assert.Equal(a.Score(probe), b.Score(probe));

        var scores = a.Score(probe);
        var high = probe.Select((f, i) => (f, s: scores[i])).Where(x => x.f[3] > 0.8f).Average(x => x.s);
        var low = probe.Select((f, i) => (f, s: scores[i])).Where(x => x.f[3] < 0.5f).Average(x => x.s);
        Assert.True(high > low, $"mean score {high} for relevant-looking rows, {low} for the rest");
    }

    [Fact]
    public void ThirtyTwoThreads_ScoreExactlyAsOneThreadDoes_AndASavedModelScoresTheSame()
    {
        var model = RankerModel.Train(Rows(3), Small);
        model.Save(_file);
        var loaded = RankerModel.Load(_file);
        var batches = Enumerable.Range(0, 32).Select(i => Rows(100 + i).Take(25).Select(r => r.Features).ToList()).ToList();
        var sequential = batches.Select(model.Score).ToList();
        var parallel = new float[32][];
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 32 }, i => parallel[i] = loaded.Score(batches[i]));
        for (var i = 0; i < 32; i++) Assert.Equal(sequential[i], parallel[i]);
    }
}
