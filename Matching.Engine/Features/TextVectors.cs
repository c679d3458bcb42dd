namespace Matching.Engine.Features;

/// <summary>A record's text as vectors: its sentence embedding (English) and its topic mixture; either may be unknown.</summary>
public sealed record TextVectors(float[]? Embedding, float[]? Topics);
