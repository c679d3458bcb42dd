using Matching.Engine.Text;

namespace Matching.Engine.Taxonomy;

/// <summary>
/// Query-time synonym groups (新型显示 ↔ OLED ↔ 显示面板). Matching is on folded, lower-cased text, so a group fires
/// for traditional and full-width spellings too. The running process's dictionary takes an edit through
/// <see cref="ReplaceWith"/>: one reference swap, so a query sees the old groups or the new ones, never a mix.
/// </summary>
public sealed class SynonymDictionary
{
    private string[][] _groups;

    public SynonymDictionary(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var groups = new List<string[]>();
        foreach (var raw in lines)
        {
            var members = Members(raw).Select(Normalise).Where(m => m.Length > 0).Distinct().ToArray();
            if (members.Length > 1) groups.Add(members);
        }
        _groups = [.. groups];
    }

    /// <summary>Number of groups.</summary>
    public int Count => Volatile.Read(ref _groups).Length;

    /// <summary>The members a line of the file names: none for a blank line or a comment.</summary>
    public static IReadOnlyList<string> Members(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        return trimmed.Length == 0 || trimmed.StartsWith('#') ? [] : trimmed.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Takes another dictionary's groups (an administrator's edit, already checked) in one atomic step.</summary>
    public void ReplaceWith(SynonymDictionary edited)
    {
        ArgumentNullException.ThrowIfNull(edited);
        Volatile.Write(ref _groups, Volatile.Read(ref edited._groups));
    }

    /// <summary>The members of every group that <paramref name="text"/> mentions, minus what it already says.</summary>
    public IReadOnlyList<string> Expansions(string text)
    {
        var folded = Normalise(text);
        var added = new List<string>();
        foreach (var group in Volatile.Read(ref _groups))
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
