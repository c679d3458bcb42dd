namespace Matching.Engine.Features;

/// <summary>
/// A record's text as vectors: its sentence embedding (English), its topic mixture, and the embeddings of its body's
/// sentences (English results and experts: a claim often matches one sentence of an abstract); any may be unknown.
/// </summary>
public sealed record TextVectors(float[]? Embedding, float[]? Topics, float[][]? Passages = null);
