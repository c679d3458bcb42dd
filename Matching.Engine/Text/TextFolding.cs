using ICU4N.Text;

namespace Matching.Engine.Text;

/// <summary>
/// Character folding applied before Chinese segmentation: full-width ASCII to half-width (ＯＬＥＤ → OLED,
/// U+3000 → space) and traditional to simplified characters (顯示 → 显示). Every UTF-16 unit maps to exactly one
/// unit, so offsets in the folded text are offsets in the original and highlights land on the stored text.
/// </summary>
public static class TextFolding
{
    private static readonly Lazy<char[]> Table = new(BuildTable, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Folds one string; returns the same instance when nothing changes.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var table = Table.Value;
        char[]? folded = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var f = table[c];
            if (f == c) continue;
            folded ??= text.ToCharArray();
            folded[i] = f;
        }
        return folded is null ? text : new string(folded);
    }

    /// <summary>Folds a character in place.</summary>
    public static char Fold(char c) => Table.Value[c];

    private static char[] BuildTable()
    {
        var table = new char[char.MaxValue + 1];
        for (var i = 0; i < table.Length; i++) table[i] = (char)i;
        for (var c = 0xFF01; c <= 0xFF5E; c++) table[c] = (char)(c - 0xFEE0);
        table[0x3000] = ' ';

        // ICU's Traditional-Simplified transform, applied one character at a time and kept only where it maps a
        // character to a single character, so the folding stays length-preserving.
        var transliterator = Transliterator.GetInstance("Traditional-Simplified");
        Span<char> one = stackalloc char[1];
        for (var c = 0x3400; c <= 0x9FFF; c++)
        {
            if (c is > 0x4DBF and < 0x4E00) continue;
            one[0] = (char)c;
            var simplified = transliterator.Transliterate(new string(one));
            if (simplified.Length == 1 && simplified[0] != c) table[c] = simplified[0];
        }
        return table;
    }
}
