using System.Text;

namespace Matching.Engine.Import;

/// <summary>
/// Finds a file's encoding: a BOM decides; else strict UTF-8; else GB18030. A file that is mostly valid UTF-8
/// with a few broken rows stays UTF-8, and those rows are rejected, rather than the whole file being read as GB18030
/// and every Chinese character garbled.
/// </summary>
public static class EncodingDetector
{
    static EncodingDetector() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Strict UTF-8: throws on invalid bytes instead of substituting U+FFFD.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>GB18030, strict.</summary>
    public static Encoding StrictGb18030 => Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>Resolves a name given with --encoding ("utf-8", "gb18030", "gbk", "utf-16").</summary>
    public static Encoding Named(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n switch
        {
            "utf-8" or "utf8" => StrictUtf8,
            "gb18030" or "gbk" or "gb2312" => StrictGb18030,
            _ => Encoding.GetEncoding(n, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        };
    }

    /// <summary>The BOM's encoding and its length, or null.</summary>
    public static (Encoding Encoding, int Length)? FromBom(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (StrictUtf8, 3);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (new UnicodeEncoding(false, false, true), 2);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (new UnicodeEncoding(true, false, true), 2);
        return null;
    }

    /// <summary>Chooses UTF-8 or GB18030 from the lines of a file without a BOM.</summary>
    public static Encoding Guess(IEnumerable<byte[]> lines)
    {
        int validMultibyte = 0, invalid = 0;
        foreach (var line in lines)
        {
            if (line.All(b => b < 0x80)) continue;
            if (IsValidUtf8(line)) validMultibyte++;
            else invalid++;
        }
        return invalid == 0 || validMultibyte > invalid ? StrictUtf8 : StrictGb18030;
    }

    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>A display name for reports.</summary>
    public static string DisplayName(Encoding encoding) => encoding.CodePage switch
    {
        65001 => "utf-8",
        54936 => "gb18030",
        1200 => "utf-16le",
        1201 => "utf-16be",
        _ => encoding.WebName,
    };
}
