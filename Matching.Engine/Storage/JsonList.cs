using System.Text.Encodings.Web;
using System.Text.Json;

namespace Matching.Engine.Storage;

/// <summary>Lists stored as JSON arrays in text columns; the same encoding is used for filters on them.</summary>
internal static class JsonList
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(IReadOnlyList<string>? values) => JsonSerializer.Serialize(values ?? [], Options);

    public static IReadOnlyList<string> Read(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    /// <summary>A LIKE pattern that finds one element of such an array ("%\"新型显示\"%"), with LIKE wildcards escaped.</summary>
    public static string ElementPattern(string value)
    {
        var encoded = JsonSerializer.Serialize(value, Options);
        return "%" + encoded.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
    }
}
