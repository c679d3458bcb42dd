using System.Text;
using System.Text.Json;

namespace Matching.Engine.Taxonomy;

/// <summary>What is wrong with an edited taxonomy file.</summary>
public enum TaxonomyProblemKind
{
    /// <summary>Over <see cref="TaxonomyEditor.MaxBytes"/>.</summary>
    TooLarge,
    /// <summary>Not JSON, or not the shape of industries.json; the detail is the parser's message.</summary>
    Syntax,
    /// <summary>No industry system at all.</summary>
    Empty,
    /// <summary>A system, ecosystem or zone without a name; the detail says where.</summary>
    MissingName,
    /// <summary>A system or ecosystem named twice (industry labels must be unique).</summary>
    Duplicate,
    /// <summary>A system without ecosystems.</summary>
    NoEcosystems,
    /// <summary>A synonym line that names only one word (it would be ignored).</summary>
    SingleMember,
    /// <summary>A synonym longer than <see cref="TaxonomyEditor.MaxMemberLength"/>.</summary>
    MemberTooLong,
}

/// <summary>One problem, at a line (1-based) when one can be named; <paramref name="Detail"/> is the offending text.</summary>
public sealed record TaxonomyProblem(int? Line, TaxonomyProblemKind Kind, string Detail);

/// <summary>
/// An administrator's edits of the industry tree and the synonym dictionary: checked with the loaders the engine
/// uses, written whole to the data directory, then swapped into the running process's instances, so the next query and
/// feature use them. A file with any problem is refused and changes nothing. (Other processes on the same data directory
/// read the files when they start.)
/// </summary>
public sealed class TaxonomyEditor(string dataPath, IndustryTaxonomy taxonomy, SynonymDictionary synonyms)
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxMemberLength = 100;
    private const int MaxProblems = 50;

    public string IndustriesText() => TaxonomyFiles.ReadText(dataPath, TaxonomyFiles.IndustriesFile);

    public string SynonymsText() => TaxonomyFiles.ReadText(dataPath, TaxonomyFiles.SynonymsFile);

    /// <summary>Saves and applies an edited industries.json; returns its problems instead when it has any.</summary>
    public IReadOnlyList<TaxonomyProblem> SaveIndustries(string text) => Save<IndustryTaxonomy>(TaxonomyFiles.IndustriesFile, text, CheckIndustries, taxonomy.ReplaceWith);

    /// <summary>Saves and applies an edited synonyms.txt; returns its problems instead when it has any.</summary>
    public IReadOnlyList<TaxonomyProblem> SaveSynonyms(string text) => Save<SynonymDictionary>(TaxonomyFiles.SynonymsFile, text, CheckSynonyms, synonyms.ReplaceWith);

    private delegate IReadOnlyList<TaxonomyProblem> Check<T>(string text, out T? parsed);

    // Checked, then written, then applied: a file on disk is always one the process could load.
    private IReadOnlyList<TaxonomyProblem> Save<T>(string file, string text, Check<T> check, Action<T> apply) where T : class
    {
        var problems = check(text, out var parsed);
        if (problems.Count > 0) return problems;
        TaxonomyFiles.WriteText(dataPath, file, text);
        apply(parsed!);
        return [];
    }

    /// <summary>Checks an industries.json text; <paramref name="parsed"/> is its tree when there is no problem.</summary>
    public static IReadOnlyList<TaxonomyProblem> CheckIndustries(string text, out IndustryTaxonomy? parsed)
    {
        ArgumentNullException.ThrowIfNull(text);
        parsed = null;
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return [new(null, TaxonomyProblemKind.TooLarge, $"{MaxBytes / 1024} KB")];
        TaxonomyFile? file;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            file = JsonSerializer.Deserialize<TaxonomyFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            // The parser counts lines from 0.
            return [new(e.LineNumber is { } line ? (int)line + 1 : null, TaxonomyProblemKind.Syntax, e.Message)];
        }
        if (file?.Systems is not { Count: > 0 }) return [new(null, TaxonomyProblemKind.Empty, "systems")];

        var problems = new List<TaxonomyProblem>();
        var seen = new Dictionary<string, int>();
        void Name(string? name, string where)
        {
            if (string.IsNullOrWhiteSpace(name)) { problems.Add(new(null, TaxonomyProblemKind.MissingName, where)); return; }
            var occurrence = seen[name] = seen.GetValueOrDefault(name) + 1;
            if (occurrence > 1) problems.Add(new(LineOf(text, name, occurrence), TaxonomyProblemKind.Duplicate, name));
        }
        for (var s = 0; s < file.Systems.Count; s++)
        {
            var system = file.Systems[s];
            if (system is null) { problems.Add(new(null, TaxonomyProblemKind.MissingName, $"systems[{s}]")); continue; }
            Name(system.Name, $"systems[{s}]");
            if (system.Ecosystems is not { Count: > 0 })
            {
                problems.Add(new(LineOf(text, system.Name, 1), TaxonomyProblemKind.NoEcosystems, system.Name ?? $"systems[{s}]"));
                continue;
            }
            for (var e = 0; e < system.Ecosystems.Count; e++)
            {
                var ecosystem = system.Ecosystems[e];
                var where = $"systems[{s}].ecosystems[{e}]";
                Name(ecosystem?.Name, where);
                if (ecosystem?.Zones is null) continue;
                for (var z = 0; z < ecosystem.Zones.Count; z++)
                    if (string.IsNullOrWhiteSpace(ecosystem.Zones[z])) problems.Add(new(null, TaxonomyProblemKind.MissingName, $"{where}.zones[{z}]"));
            }
        }
        if (problems.Count > 0) return problems.Take(MaxProblems).ToList();
        // An ecosystem may list no zones; the tree needs a list to copy.
        file = file with
        {
            Systems = file.Systems.Select(s => s with { Ecosystems = s.Ecosystems.Select(e => e with { Zones = e.Zones ?? [] }).ToList() }).ToList(),
        };
        parsed = new IndustryTaxonomy(file);
        return [];
    }

    /// <summary>Checks a synonyms.txt text; <paramref name="parsed"/> is its dictionary when there is no problem.</summary>
    public static IReadOnlyList<TaxonomyProblem> CheckSynonyms(string text, out SynonymDictionary? parsed)
    {
        ArgumentNullException.ThrowIfNull(text);
        parsed = null;
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return [new(null, TaxonomyProblemKind.TooLarge, $"{MaxBytes / 1024} KB")];
        var lines = text.Split('\n');
        var problems = new List<TaxonomyProblem>();
        for (var i = 0; i < lines.Length && problems.Count < MaxProblems; i++)
        {
            var members = SynonymDictionary.Members(lines[i]);
            if (members.Count == 0) continue;
            if (members.FirstOrDefault(m => m.Length > MaxMemberLength) is { } tooLong)
                problems.Add(new(i + 1, TaxonomyProblemKind.MemberTooLong, tooLong[..20] + "…"));
            // The loader itself decides: a line it does not make a group of would be silently ignored.
            else if (new SynonymDictionary([lines[i]]).Count == 0)
                problems.Add(new(i + 1, TaxonomyProblemKind.SingleMember, lines[i].Trim()));
        }
        if (problems.Count > 0) return problems;
        parsed = new SynonymDictionary(lines);
        return [];
    }

    /// <summary>The line of the <paramref name="occurrence"/>-th quoted <paramref name="name"/> in the text, when it is written plainly.</summary>
    private static int? LineOf(string text, string? name, int occurrence)
    {
        if (string.IsNullOrEmpty(name)) return null;
        var quoted = "\"" + name + "\"";
        var at = -1;
        for (var n = 0; n < occurrence; n++)
        {
            at = text.IndexOf(quoted, at + 1, StringComparison.Ordinal);
            if (at < 0) return null;
        }
        return text.AsSpan(0, at).Count('\n') + 1;
    }
}
