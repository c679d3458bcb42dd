using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Topics;

namespace Matching.Engine.Vectors;

/// <summary>
/// The models that turn texts into vectors for one scoring model: the sentence encoder (by name and length) and the
/// topic model. A serving bundle has one; a training workspace builds one before its ranker exists.
/// </summary>
public sealed record VectorModels(string EmbeddingModel, int EmbeddingMaxTokens, string TopicKey, TopicModel? Topics)
{
    public const string MiniLm = "minilm-l6";

    /// <summary>The record_vectors model name of the sentence vectors.</summary>
    public string EmbeddingKey => $"{EmbeddingModel}-{EmbeddingMaxTokens}";

    /// <summary>The record_vectors model name of the body's sentence vectors (one blob of sentences × dimensions).</summary>
    public string PassageKey => EmbeddingKey + ":passages";

    public static VectorModels Of(ModelBundle bundle) =>
        new(bundle.Manifest.EmbeddingModel, bundle.Manifest.EmbeddingMaxTokens, bundle.Manifest.TopicKey, bundle.Topics);

    /// <summary>The stored vectors of records of one kind, as a lookup for the feature extractor.</summary>
    public Func<string, TextVectors?> Lookup(RecordVectors vectors, RecordKind kind, IReadOnlyCollection<string> ids)
    {
        // Read on first use, so a caller can hand the lookup to work that runs beside other reads.
        var loaded = new Lazy<IReadOnlyDictionary<string, Dictionary<string, StoredVector>>>(() =>
            vectors.Get(kind, Topics is null ? [EmbeddingKey, PassageKey] : [EmbeddingKey, PassageKey, TopicKey], ids));
        return id =>
        {
            var all = loaded.Value;
            var e = all[EmbeddingKey].GetValueOrDefault(id);
            var t = all.GetValueOrDefault(TopicKey)?.GetValueOrDefault(id);
            var p = all[PassageKey].GetValueOrDefault(id);
            return e is null && t is null && p is null ? null : new TextVectors(e?.Vector, t?.Vector, p is null ? null : Split(p.Vector, e?.Vector.Length ?? Embeddings.MiniLmEncoder.Dimensions));
        };
    }

    /// <summary>Passage vectors stored one after another in one blob, split back into vectors.</summary>
    public static float[][] Split(float[] joined, int dimensions) => joined.Chunk(dimensions).ToArray();

    /// <summary>Passage vectors as the one blob they are stored in.</summary>
    public static float[] Join(IEnumerable<float[]> passages) => passages.SelectMany(v => v).ToArray();
}
