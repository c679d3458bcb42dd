using Matching.Engine.Embeddings;
using Matching.Engine.Records;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Vectors;

public class PassageVectorsTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static VectorModels Models(string topics) => new(VectorModels.MiniLm, 256, topics, null);

    [Fact]
    public void TheVectorJob_StoresOneVectorPerSentenceOfAnEnglishBody_NoneForChinese_AndFillsThemInForAModelThatLacksThem()
    {
        const string english = "Fluid shear stress activates YAP in endothelial cells. Knockdown of YAP blocks the response. The effect is reversible.";
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "r-en", Title = "Shear stress and YAP", Abstract = english, Language = "en" });
            writer.Upsert(new ResearchResult { Id = "r-zh", Title = "柔性OLED驱动芯片", Abstract = "面向柔性显示面板的驱动芯片。支持高刷新率。", Language = "zh" });
            writer.Commit();
        }
        var vectors = new RecordVectors(_data.Database);
        var first = Models("topics:a");
        using (var maintainer = new VectorMaintainer(_data.Store, vectors))
            maintainer.CatchUp(first);

        var stored = vectors.Get(RecordKind.Result, [first.EmbeddingKey, first.PassageKey], ["r-en", "r-zh"]);
        Assert.Equal(["r-en"], stored[first.PassageKey].Keys);
        Assert.Equal(["r-en"], stored[first.EmbeddingKey].Keys);
        var passages = VectorModels.Split(stored[first.PassageKey]["r-en"].Vector, MiniLmEncoder.Dimensions);
        Assert.Equal(3, passages.Length);
        // Each passage is that sentence's own vector, as the encoder gives it.
        using (var encoder = new MiniLmEncoder(256))
        {
            var expected = encoder.Encode(RecordTexts.Passages(english));
            for (var i = 0; i < 3; i++) Assert.True(MiniLmEncoder.Cosine(expected[i], passages[i]) > 0.9999f);
        }
        // The lookup the features use hands them over with the record's other vectors.
        var lookup = first.Lookup(vectors, RecordKind.Result, ["r-en", "r-zh"]);
        Assert.Equal(3, lookup("r-en")!.Passages!.Length);
        Assert.Null(lookup("r-zh")?.Passages);

        // A deployment whose records have sentence vectors from before passages existed: a model that uses them (its
        // own cursor from the start of the log) fills them in, though the whole text's vector is current.
        using (var connection = _data.Database.Open())
            Dapper.SqlMapper.Execute(connection, "DELETE FROM record_vectors WHERE model = @model", new { model = first.PassageKey });
        Assert.Empty(vectors.Get(RecordKind.Result, first.PassageKey, ["r-en"]));
        var second = Models("topics:b");
        using (var maintainer = new VectorMaintainer(_data.Store, vectors))
            maintainer.CatchUp(second);
        Assert.Equal(3, VectorModels.Split(vectors.Get(RecordKind.Result, second.PassageKey, ["r-en"])["r-en"].Vector, MiniLmEncoder.Dimensions).Length);
    }

    [Fact]
    public void AnExpertsProfileVector_IsTheMeanDirectionOfEverySentence_SoTheEndOfALongProfileCounts()
    {
        // A profile far longer than the encoder's 256 tokens: 60 sentences of bio, then a result on another subject.
        var bio = string.Join(" ", Enumerable.Range(1, 60).Select(i => $"Study {i} measured the thermal conductivity of polymer composite sample number {i} at room temperature."));
        const string late = "Deep reinforcement learning schedules charging of electric bus fleets at depots.";
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new Expert { Id = "e-long", Name = "Dr. Long", Areas = ["polymer composites"], Bio = bio });
            writer.Upsert(new ResearchResult { Id = "r-late", Title = "Fleet charging", Abstract = late, Experts = ["e-long"], Language = "en" });
            writer.Commit();
        }
        var vectors = new RecordVectors(_data.Database);
        var models = Models("topics:e");
        using (var maintainer = new VectorMaintainer(_data.Store, vectors))
            maintainer.CatchUp(models);

        var stored = vectors.Get(RecordKind.Expert, models.EmbeddingKey, ["e-long"])["e-long"];
        var profile = stored.Vector;
        // Readers that check a stored vector is current (the reverse dense list) compute the same hash.
        var text = RecordTexts.Of(_data.Store.GetExpert("e-long")!, _data.Store.ResultsOfExperts(["e-long"])["e-long"]);
        Assert.Equal(VectorMaintainer.HashOf(RecordKind.Expert, text), stored.TextHash);
        Assert.NotEqual(VectorMaintainer.HashOf(RecordKind.Result, text), stored.TextHash);
        var passages = VectorModels.Split(vectors.Get(RecordKind.Expert, models.PassageKey, ["e-long"])["e-long"].Vector, MiniLmEncoder.Dimensions);
        var body = RecordTexts.BodyOf(_data.Store.GetExpert("e-long")!, _data.Store.ResultsOfExperts(["e-long"])["e-long"]);
        // Every sentence has its vector (more than an abstract's 40), the result's last.
        Assert.Equal(RecordTexts.PassagesOf(RecordKind.Expert, body).Count, passages.Length);
        Assert.True(passages.Length > RecordTexts.MaxPassages);
        using var encoder = new MiniLmEncoder(256);
        Assert.True(MiniLmEncoder.Cosine(encoder.Encode([$"Fleet charging：{late}"])[0], passages[^1]) > 0.9999f);
        // The profile vector is their normalised mean, not the vector of the first 256 tokens.
        var mean = VectorModels.MeanDirection(passages);
        Assert.True(MiniLmEncoder.Cosine(mean, profile) > 0.9999f);
        var firstTokens = encoder.Encode([RecordTexts.Of(_data.Store.GetExpert("e-long")!, _data.Store.ResultsOfExperts(["e-long"])["e-long"])])[0];
        Assert.True(MiniLmEncoder.Cosine(firstTokens, profile) < 0.9999f);
    }

    [Fact]
    public void ARecordWhoseTextBecomesChinese_LosesItsSentenceVectors_AndKeepsNothingStale()
    {
        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "r-1", Title = "Thin-film encapsulation", Abstract = "Inkjet-printed barrier layers. They block water vapour.", Language = "en" });
            writer.Commit();
        }
        var vectors = new RecordVectors(_data.Database);
        var models = Models("topics:a");
        using var maintainer = new VectorMaintainer(_data.Store, vectors);
        maintainer.CatchUp(models);
        Assert.Equal(2, vectors.Get(RecordKind.Result, [models.EmbeddingKey, models.PassageKey], ["r-1"]).Count(m => m.Value.ContainsKey("r-1")));

        using (var writer = _data.Store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "r-1", Title = "薄膜封装", Abstract = "喷墨打印的阻隔层，阻挡水汽渗透。适用于柔性显示。", Language = "zh" });
            writer.Commit();
        }
        maintainer.CatchUp(models);
        Assert.All(vectors.Get(RecordKind.Result, [models.EmbeddingKey, models.PassageKey], ["r-1"]).Values, m => Assert.Empty(m));
        Assert.Null(models.Lookup(vectors, RecordKind.Result, ["r-1"])("r-1"));
    }

    [Fact]
    public void ARecordEditedFromChineseIntoEnglishAndBack_SwapsItsVectorsBetweenTheEncoders()
    {
        const string chineseTitle = "无色聚酰亚胺薄膜";
        const string chineseAbstract = "面向柔性显示盖板的无色聚酰亚胺薄膜。弯折二十万次无折痕；黄变指数低于二。";
        void Write(string title, string body, string language)
        {
            using var writer = _data.Store.BeginWrite();
            writer.Upsert(new ResearchResult { Id = "r-1", Title = title, Abstract = body, Language = language });
            writer.Commit();
        }
        var vectors = new RecordVectors(_data.Database);
        var models = new VectorModels(VectorModels.MiniLm, 256, "topics:a", null, VectorModels.BgeZh, 256);
        using var maintainer = new VectorMaintainer(_data.Store, vectors);
        int Count(string key) => vectors.Get(RecordKind.Result, key, ["r-1"]).Count;

        Write(chineseTitle, chineseAbstract, "zh");
        maintainer.CatchUp(models);
        Assert.Equal([0, 0, 1, 1], new[] { Count(models.EmbeddingKey), Count(models.PassageKey), Count(models.ChineseKey!), Count(models.ChinesePassageKey!) });
        var chinese = models.Lookup(vectors, RecordKind.Result, ["r-1"])("r-1")!;
        Assert.Equal(BgeZhEncoder.Dimensions, chinese.Embedding!.Length);
        Assert.Equal(3, chinese.Passages!.Length);
        // The stored vector is the encoder's own for the record's text (a document: no query instruction).
        using (var encoder = BgeZhEncoder.TryOpen(out var missing, maxTokens: 256) ?? throw new InvalidOperationException(missing))
            Assert.True(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(encoder.Encode([RecordTexts.Of(_data.Store.GetResult("r-1")!)])[0], chinese.Embedding) > 0.9999f);

        Write("Colourless polyimide film", "A colourless polyimide film for foldable cover windows. It survives 200,000 folds.", "en");
        maintainer.CatchUp(models);
        Assert.Equal([1, 1, 0, 0], new[] { Count(models.EmbeddingKey), Count(models.PassageKey), Count(models.ChineseKey!), Count(models.ChinesePassageKey!) });
        Assert.Equal(MiniLmEncoder.Dimensions, models.Lookup(vectors, RecordKind.Result, ["r-1"])("r-1")!.Embedding!.Length);

        Write(chineseTitle, chineseAbstract, "zh");
        maintainer.CatchUp(models);
        Assert.Equal([0, 0, 1, 1], new[] { Count(models.EmbeddingKey), Count(models.PassageKey), Count(models.ChineseKey!), Count(models.ChinesePassageKey!) });
        Assert.Equal(chinese.Embedding, models.Lookup(vectors, RecordKind.Result, ["r-1"])("r-1")!.Embedding);
    }
}
