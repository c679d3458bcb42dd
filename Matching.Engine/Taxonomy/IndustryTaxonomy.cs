using System.Text.Json;

namespace Matching.Engine.Taxonomy;

/// <summary>
/// The industry tree (system → ecosystem → zone) shipped as a data file an administrator can edit. Industry labels
/// on records are ecosystem names; <see cref="Distance"/> is their distance in the tree. The running process's tree
/// takes an edit through <see cref="ReplaceWith"/>: one reference swap, so a reader sees the old tree or the new one,
/// never a mix.
/// </summary>
public sealed class IndustryTaxonomy
{
    private Tree _tree;

    public IndustryTaxonomy(TaxonomyFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        _tree = new Tree(file);
    }

    /// <summary>The parsed file.</summary>
    public TaxonomyFile File => Current.File;

    /// <summary>Every industry label that records may carry.</summary>
    public IEnumerable<string> Industries => Current.ZonesOf.Keys;

    /// <summary>Every zone named in the tree.</summary>
    public IEnumerable<string> Zones => Current.ZonesOf.Values.SelectMany(z => z).Distinct();

    /// <summary>True when the label is an ecosystem or system of the tree.</summary>
    public bool IsKnown(string industry) => Current.SystemOf.ContainsKey(industry);

    /// <summary>The English label of an industry, system or zone, or null when the taxonomy gives none.</summary>
    public string? English(string name) => Current.English.GetValueOrDefault(name);

    /// <summary>0 same industry, 1 same system, 2 different systems, null when either is unknown.</summary>
    public int? Distance(string a, string b)
    {
        if (a == b) return 0;
        var tree = Current;
        if (!tree.SystemOf.TryGetValue(a, out var sa) || !tree.SystemOf.TryGetValue(b, out var sb)) return null;
        return sa == sb ? 1 : 2;
    }

    /// <summary>Takes another tree's contents (an administrator's edit, already checked) in one atomic step.</summary>
    public void ReplaceWith(IndustryTaxonomy edited)
    {
        ArgumentNullException.ThrowIfNull(edited);
        Volatile.Write(ref _tree, edited.Current);
    }

    /// <summary>Reads a taxonomy file.</summary>
    public static IndustryTaxonomy Load(Stream json) =>
        new(JsonSerializer.Deserialize<TaxonomyFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException("empty taxonomy file"));

    private Tree Current => Volatile.Read(ref _tree);

    /// <summary>The file and its lookups, built once and never changed.</summary>
    private sealed class Tree
    {
        public Tree(TaxonomyFile file)
        {
            File = file;
            foreach (var system in file.Systems)
            {
                SystemOf[system.Name] = system.Name;
                if (system.En is { Length: > 0 } systemEn) English[system.Name] = systemEn;
                foreach (var ecosystem in system.Ecosystems)
                {
                    SystemOf[ecosystem.Name] = system.Name;
                    if (ecosystem.En is { Length: > 0 } en) English[ecosystem.Name] = en;
                    ZonesOf[ecosystem.Name] = [.. ecosystem.Zones];
                }
            }
            foreach (var (zone, en) in file.ZonesEn ?? new Dictionary<string, string>())
                if (en is { Length: > 0 }) English.TryAdd(zone, en);
        }

        public TaxonomyFile File { get; }
        public Dictionary<string, string> English { get; } = new();
        public Dictionary<string, string> SystemOf { get; } = new();
        public Dictionary<string, List<string>> ZonesOf { get; } = new();
    }
}

/// <summary>
/// The JSON shape of industries.json. Names are Chinese (records carry them); <c>en</c> is each one's English label
/// for the English site, and <c>zonesEn</c> the zones' English names.
/// </summary>
public sealed record TaxonomyFile(IReadOnlyList<TaxonomySystem> Systems, IReadOnlyDictionary<string, string>? ZonesEn = null);

public sealed record TaxonomySystem(string Name, IReadOnlyList<TaxonomyEcosystem> Ecosystems, string? En = null);

public sealed record TaxonomyEcosystem(string Name, IReadOnlyList<string> Zones, string? En = null);
