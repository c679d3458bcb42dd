using Matching.Engine.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Matching.Engine.Topics;

/// <summary>Named, seeded hyper-parameters of the topic model.</summary>
public sealed record TopicHyperParameters
{
    public int Seed { get; init; } = 42;
    public int Topics { get; init; } = 32;
    public int Iterations { get; init; } = 200;
    /// <summary>Words kept in the vocabulary (most frequent first); rarer words are ignored.</summary>
    public int Vocabulary { get; init; } = 20_000;
    public int MaxTokensPerDocument { get; init; } = 512;
}

/// <summary>
/// An LDA topic model (ML.NET <c>LatentDirichletAllocation</c>) over the analysed terms of a corpus: the same
/// SmartCn, folding and stop-word analysis the index uses, so Chinese and English texts both get a topic mixture.
/// Topic cosine is the Chinese side's semantic signal, since the sentence encoder cannot read Chinese.
/// Inference resets the sampler for every document, so a text's mixture does not depend on what it is batched with:
/// training rows and serving rows see the same vector.
/// </summary>
public sealed class TopicModel
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
    }

    private const string Output = "Topics";
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly MatchingAnalyzer _analyzer;
    // The native LDA state is shared by every cursor of the transformer; one inference at a time.
    private readonly Lock _gate = new();

    private TopicModel(MLContext ml, ITransformer model, MatchingAnalyzer analyzer, int topics)
    {
        _ml = ml;
        _model = model;
        _analyzer = analyzer;
        Topics = topics;
    }

    public int Topics { get; }

    public static TopicModel Fit(IEnumerable<string> texts, MatchingAnalyzer analyzer, TopicHyperParameters hp)
    {
        var ml = new MLContext(seed: hp.Seed);
        var rows = texts.Select(t => new Row { Text = Words(analyzer, t) }).Where(r => r.Text.Length > 0).ToList();
        if (rows.Count < 2) throw new InvalidOperationException("a topic model needs at least two texts with words");
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Words", nameof(Row.Text), separators: [' '])
            .Append(ml.Transforms.Conversion.MapValueToKey("Words", maximumNumberOfKeys: hp.Vocabulary))
            .Append(ml.Transforms.Text.ProduceNgrams("Counts", "Words", ngramLength: 1, useAllLengths: false, maximumNgramsCount: hp.Vocabulary))
            .Append(ml.Transforms.Text.LatentDirichletAllocation(Output, "Counts", numberOfTopics: hp.Topics,
                maximumNumberOfIterations: hp.Iterations, maximumTokenCountPerDocument: hp.MaxTokensPerDocument,
                numberOfThreads: 1, resetRandomGenerator: true));
        var fitted = NativeOutput.Run(() => pipeline.Fit(data));
        // The fitted transformer infers with the sampler state training left behind; a saved and loaded one starts
        // from the saved tables. Serving always runs a loaded model, so training gets the loaded form too: the same
        // text then has the same mixture on both sides (tested).
        using var buffer = new MemoryStream();
        ml.Model.Save(fitted, data.Schema, buffer);
        buffer.Position = 0;
        return new TopicModel(ml, NativeOutput.Run(() => ml.Model.Load(buffer, out _)), analyzer, hp.Topics);
    }

    /// <summary>Topic mixtures (summing to 1, or all zero for a text with no known word), one per text, in order.</summary>
    public float[][] Transform(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) return [];
        var rows = texts.Select(t => new Row { Text = Words(_analyzer, t) }).ToList();
        lock (_gate)
        {
            // The transform is lazy: the native sampler runs as the column is read.
            return NativeOutput.Run(() => _model.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<VBuffer<float>>(Output).Select(v => Dense(v, Topics)).ToArray());
        }
    }

    public void Save(string path)
    {
        var schema = _ml.Data.LoadFromEnumerable(Array.Empty<Row>()).Schema;
        _ml.Model.Save(_model, schema, path);
    }

    public static TopicModel Load(string path, MatchingAnalyzer analyzer)
    {
        var ml = new MLContext(seed: 42);
        // Loading builds the native sampler, which prints too.
        var (model, outputType) = NativeOutput.Run(() =>
        {
            var loaded = ml.Model.Load(path, out _);
            return (loaded, loaded.GetOutputSchema(ml.Data.LoadFromEnumerable(Array.Empty<Row>()).Schema)[Output].Type);
        });
        var topics = outputType is VectorDataViewType { Size: > 0 } vector ? vector.Size : throw new InvalidDataException($"{path} is not a topic model");
        return new TopicModel(ml, model, analyzer, topics);
    }

    /// <summary>The analysed terms of a text, space-separated (SmartCn terms never contain spaces).</summary>
    private static string Words(MatchingAnalyzer analyzer, string text) =>
        string.Join(' ', analyzer.Terms(text ?? "", "all").Where(t => t.Length > 1 || t[0] > '\u3000'));

    private static float[] Dense(VBuffer<float> v, int length)
    {
        var dense = new float[length];
        v.CopyTo(dense);
        return dense;
    }
}
