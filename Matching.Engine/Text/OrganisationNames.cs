namespace Matching.Engine.Text;

/// <summary>The folded key under which organisation names and aliases are looked up.</summary>
public static class OrganisationNames
{
    /// <summary>Folded, lower-cased, without spaces and brackets: "四川大學 " and "四川大学" give one key.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var folded = TextFolding.Fold(name.Trim());
        var chars = folded.Where(c => !char.IsWhiteSpace(c) && c is not ('(' or ')' or '（' or '）' or '·' or '.'))
            .Select(char.ToLowerInvariant).ToArray();
        return new string(chars);
    }
}
