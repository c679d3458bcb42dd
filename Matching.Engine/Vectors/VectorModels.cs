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

    public static VectorModels Of(ModelBundle bundle) =>
        new(bundle.Manifest.EmbeddingModel, bundle.Manifest.EmbeddingMaxTokens, bundle.Manifest.TopicKey, bundle.Topics);

    /// <summary>The stored vectors of records of one kind, as a lookup for the feature extractor.</summary>
    public Func<string, TextVectors?> Lookup(RecordVectors vectors, RecordKind kind, IReadOnlyCollection<string> ids)
    {
        // Read on first use, so a caller can hand the lookup to work that runs beside other reads.
        var loaded = new Lazy<(IReadOnlyDictionary<string, StoredVector> Embeddings, IReadOnlyDictionary<string, StoredVector> Topics)>(() =>
        {
            var both = vectors.Get(kind, Topics is null ? [EmbeddingKey] : [EmbeddingKey, TopicKey], ids);
            return (both[EmbeddingKey], both.GetValueOrDefault(TopicKey) ?? new Dictionary<string, StoredVector>());
        });
        return id => loaded.Value.Embeddings.TryGetValue(id, out var e) | loaded.Value.Topics.TryGetValue(id, out var t) ? new TextVectors(e?.Vector, t?.Vector) : null;
    }
}
