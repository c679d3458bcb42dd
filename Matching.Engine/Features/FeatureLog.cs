using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Matching.Engine.Features;

/// <summary>
/// A feature vector as it is kept with a stored list entry, a meeting and a judgement: the schema's id (a hash of
/// <see cref="FeatureSchema.Names"/>), a colon, and the floats (little-endian float32) in base64. A vector logged
/// under another schema reads back as null: training then recomputes that row rather than misread it.
/// </summary>
public static class FeatureLog
{
    /// <summary>The first 8 hex digits of SHA-256 over the feature names, one per line.</summary>
    public static readonly string SchemaId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", FeatureSchema.Names))))[..8];

    /// <summary>Longest logged text accepted back (a vector of this schema is far shorter).</summary>
    private const int MaxLength = 4_096;

    public static string Encode(float[] features)
    {
        var bytes = new byte[features.Length * 4];
        for (var i = 0; i < features.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), features[i]);
        return SchemaId + ":" + Convert.ToBase64String(bytes);
    }

    public static string? EncodeOrNull(float[]? features) => features is null ? null : Encode(features);

    /// <summary>The vector, or null when nothing was logged, it was logged under another schema, or the text is malformed.</summary>
    public static float[]? Decode(string? logged)
    {
        if (logged is null || logged.Length > MaxLength || !logged.StartsWith(SchemaId + ":", StringComparison.Ordinal)) return null;
        var bytes = new byte[(logged.Length - SchemaId.Length - 1) * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(logged[(SchemaId.Length + 1)..], bytes, out var written) || written != FeatureSchema.Count * 4) return null;
        var features = new float[FeatureSchema.Count];
        for (var i = 0; i < features.Length; i++) features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return features;
    }
}
