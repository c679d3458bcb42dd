using Matching.Engine.Embeddings;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Topics;

namespace Matching.Engine.Vectors;

/// <summary>
/// The models that turn texts into vectors for one scoring model: the English sentence encoder (by name and length),
/// the Chinese one (when the model was trained with it), and the topic model. Which encoder a text gets follows its
/// CJK share (<see cref="IsChinese"/>), everywhere: the vector job, training, evaluation. A serving bundle has one;
/// a training workspace builds one before its ranker exists.
/// </summary>
public sealed record VectorModels(string EmbeddingModel, int EmbeddingMaxTokens, string TopicKey, TopicModel? Topics,
    string? ChineseModel = null, int ChineseMaxTokens = 256)
{
    public const string MiniLm = "minilm-l6";
    public const string BgeZh = "bge-small-zh-v1.5";

    /// <summary>The record_vectors model name of the English sentence vectors.</summary>
    public string EmbeddingKey => $"{EmbeddingModel}-{EmbeddingMaxTokens}";

    /// <summary>The record_vectors model name of the body's sentence vectors (one blob of sentences × dimensions).</summary>
    public string PassageKey => EmbeddingKey + ":passages";

    /// <summary>The record_vectors model name of the Chinese sentence vectors, or null without a Chinese encoder.</summary>
    public string? ChineseKey => ChineseModel is null ? null : $"{ChineseModel}-{ChineseMaxTokens}";

    /// <summary>The record_vectors model name of the Chinese body's sentence vectors.</summary>
    public string? ChinesePassageKey => ChineseKey is null ? null : ChineseKey + ":passages";

    /// <summary>The sentence-vector key of a text: the Chinese encoder's when it is mainly Chinese and the model has one.</summary>
    public string? KeyFor(string text) => IsChinese(text) ? ChineseKey : EmbeddingKey;

    /// <summary>Whether a text is encoded by the Chinese encoder: at least half its letters CJK (the share that picks the Chinese ranker).</summary>
    public static bool IsChinese(string text) => FeatureExtractor.CjkShare(text) >= ModelBundle.ChineseShare;

    public static VectorModels Of(ModelBundle bundle) =>
        new(bundle.Manifest.EmbeddingModel, bundle.Manifest.EmbeddingMaxTokens, bundle.Manifest.TopicKey, bundle.Topics,
            bundle.Manifest.ChineseEmbeddingModel, bundle.Manifest.ChineseEmbeddingMaxTokens);

    /// <summary>Every record_vectors model name this bundle reads.</summary>
    private IReadOnlyList<string> Keys() =>
        new[] { EmbeddingKey, PassageKey, ChineseKey, ChinesePassageKey, Topics is null ? null : TopicKey }.OfType<string>().ToList();

    /// <summary>
    /// The stored vectors of records of one kind, as a lookup for the feature extractor. A record has the sentence
    /// vectors of one encoder (the vector job deletes the other's when its language changes); the lookup gives
    /// whichever it has, so a cosine compares two vectors of the same encoder or is missing (lengths differ).
    /// </summary>
    public Func<string, TextVectors?> Lookup(RecordVectors vectors, RecordKind kind, IReadOnlyCollection<string> ids)
    {
        // Read on first use, so a caller can hand the lookup to work that runs beside other reads.
        var loaded = new Lazy<IReadOnlyDictionary<string, Dictionary<string, StoredVector>>>(() => vectors.Get(kind, Keys(), ids));
        return id =>
        {
            var all = loaded.Value;
            StoredVector? Of(string? key) => key is null ? null : all.GetValueOrDefault(key)?.GetValueOrDefault(id);
            var chinese = Of(ChineseKey);
            var e = chinese ?? Of(EmbeddingKey);
            var p = chinese is not null ? Of(ChinesePassageKey) : Of(PassageKey);
            var t = Of(TopicKey);
            var dimensions = e?.Vector.Length ?? (chinese is not null ? BgeZhEncoder.Dimensions : MiniLmEncoder.Dimensions);
            return e is null && t is null && p is null ? null : new TextVectors(e?.Vector, t?.Vector, p is null ? null : Split(p.Vector, dimensions));
        };
    }

    /// <summary>Passage vectors stored one after another in one blob, split back into vectors.</summary>
    public static float[][] Split(float[] joined, int dimensions) => joined.Chunk(dimensions).ToArray();

    /// <summary>Passage vectors as the one blob they are stored in.</summary>
    public static float[] Join(IEnumerable<float[]> passages) => passages.SelectMany(v => v).ToArray();

    /// <summary>The L2-normalised mean of unit vectors (their common direction); the first when they cancel out.</summary>
    public static float[] MeanDirection(IReadOnlyList<float[]> vectors)
    {
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors)
            for (var i = 0; i < mean.Length; i++) mean[i] += v[i];
        var norm = MathF.Sqrt(mean.Sum(x => x * x));
        if (norm < 1e-6f) return vectors[0];
        for (var i = 0; i < mean.Length; i++) mean[i] /= norm;
        return mean;
    }
}

/// <summary>
/// The encoders and candidate depth a model is trained with, written into its manifest and read back by serving and
/// evaluation: the same lengths and pooling everywhere. Chinese is bge-small-zh-v1.5 unless turned off (null), and a
/// dense list of <see cref="DenseK"/> joins the BM25 candidates (0: BM25 only).
/// </summary>
public sealed record EncoderSettings(int EnglishMaxTokens = 256, string? ChineseModel = VectorModels.BgeZh, int ChineseMaxTokens = EncoderSettings.DefaultChineseMaxTokens,
    int DenseK = MatchScorer.DenseK)
{
    /// <summary>Tokens per Chinese text: a patent abstract or a need's description fits, and two cores encode over 60 texts a second.</summary>
    public const int DefaultChineseMaxTokens = 256;

    /// <summary>The settings a model was trained with (models before the Chinese encoder have none, and no dense list).</summary>
    public static EncoderSettings Of(ModelManifest manifest) =>
        new(manifest.EmbeddingMaxTokens, manifest.ChineseEmbeddingModel, manifest.ChineseEmbeddingMaxTokens, manifest.DenseCandidates);

    /// <summary>The vector models of a workspace that has no model version yet (its topics are its own).</summary>
    public VectorModels Models(string topicKey, TopicModel? topics) =>
        new(VectorModels.MiniLm, EnglishMaxTokens, topicKey, topics, ChineseModel, ChineseMaxTokens);
}
