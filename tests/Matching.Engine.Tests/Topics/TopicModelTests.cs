using Matching.Engine.Demo;
using Matching.Engine.Records;
using Matching.Engine.Topics;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Topics;

public class TopicModelTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private List<string> Texts()
    {
        _data.SeedDemo();
        return _data.Store.GetResults(_data.Store.ActiveIds(RecordKind.Result)).Select(RecordTexts.Of).ToList();
    }

    /// <summary>Training computes mixtures with the fitted model, serving with the saved one: they must agree.</summary>
    [Fact]
    public void Mixtures_AreTheSame_AfterSaveAndLoad_AndWhateverTheBatch()
    {
        var texts = Texts();
        var model = TopicModel.Fit(texts, TempDataDirectory.Analyzer, new TopicHyperParameters { Topics = 8, Iterations = 30 });
        var fitted = model.Transform(texts);
        var file = Path.Combine(_data.Path, "topics.zip");
        model.Save(file);
        var loaded = TopicModel.Load(file, TempDataDirectory.Analyzer);
        Assert.Equal(8, loaded.Topics);
        var again = loaded.Transform(texts);
        for (var i = 0; i < texts.Count; i++) Assert.Equal(fitted[i], again[i]);
        // One text alone gets the mixture it got in the batch.
        Assert.Equal(fitted[7], loaded.Transform([texts[7]])[0]);
        Assert.All(fitted, v => Assert.InRange(v.Sum(), 0.99f, 1.01f));
    }
}
