using Matching.Engine.Text;

namespace Matching.Engine.Taxonomy;

/// <summary>
/// Query-time synonym groups (新型显示 ↔ OLED ↔ 显示面板). Matching is on folded, lower-cased text, so a group fires
/// for traditional and full-width spellings too.
/// </summary>
public sealed class SynonymDictionary
{
    private readonly List<string[]> _groups = [];

    public SynonymDictionary(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var members = line.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Normalise).Where(m => m.Length > 0).Distinct().ToArray();
            if (members.Length > 1) _groups.Add(members);
        }
    }

    /// <summary>Number of groups.</summary>
    public int Count => _groups.Count;

    /// <summary>The members of every group that <paramref name="text"/> mentions, minus what it already says.</summary>
    public IReadOnlyList<string> Expansions(string text)
    {
        var folded = Normalise(text);
        var added = new List<string>();
        foreach (var group in _groups)
        {
            if (!group.Any(m => Contains(folded, m))) continue;
            added.AddRange(group.Where(m => !Contains(folded, m)));
        }
        return added.Distinct().ToList();
    }

    private static string Normalise(string s) => TextFolding.Fold(s).ToLowerInvariant();

    // Short Latin members (IC, AI) must stand alone, or "IC" would fire inside "ICU" and "AI" inside "DAIRY".
    private static bool Contains(string text, string member)
    {
        if (!member.All(char.IsAsciiLetterOrDigit)) return text.Contains(member, StringComparison.Ordinal);
        for (var i = text.IndexOf(member, StringComparison.Ordinal); i >= 0; i = text.IndexOf(member, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1]);
            var after = i + member.Length == text.Length || !char.IsAsciiLetterOrDigit(text[i + member.Length]);
            if (before && after) return true;
        }
        return false;
    }
}
