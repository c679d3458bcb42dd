using System.Text.Json;

namespace Matching.Engine.Taxonomy;

/// <summary>
/// The industry tree (system → ecosystem → zone) shipped as a data file an administrator can edit. Industry labels
/// on records are ecosystem names; <see cref="Distance"/> is their distance in the tree.
/// </summary>
public sealed class IndustryTaxonomy
{
    private readonly Dictionary<string, string> _systemOf = new();
    private readonly Dictionary<string, List<string>> _zonesOf = new();

    public IndustryTaxonomy(TaxonomyFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        foreach (var system in file.Systems)
        {
            _systemOf[system.Name] = system.Name;
            foreach (var ecosystem in system.Ecosystems)
            {
                _systemOf[ecosystem.Name] = system.Name;
                _zonesOf[ecosystem.Name] = [.. ecosystem.Zones];
            }
        }
    }

    /// <summary>The parsed file.</summary>
    public TaxonomyFile File { get; }

    /// <summary>Every industry label that records may carry.</summary>
    public IEnumerable<string> Industries => _zonesOf.Keys;

    /// <summary>Every zone named in the tree.</summary>
    public IEnumerable<string> Zones => _zonesOf.Values.SelectMany(z => z).Distinct();

    /// <summary>True when the label is an ecosystem or system of the tree.</summary>
    public bool IsKnown(string industry) => _systemOf.ContainsKey(industry);

    /// <summary>0 same industry, 1 same system, 2 different systems, null when either is unknown.</summary>
    public int? Distance(string a, string b)
    {
        if (a == b) return 0;
        if (!_systemOf.TryGetValue(a, out var sa) || !_systemOf.TryGetValue(b, out var sb)) return null;
        return sa == sb ? 1 : 2;
    }

    /// <summary>Reads a taxonomy file.</summary>
    public static IndustryTaxonomy Load(Stream json) =>
        new(JsonSerializer.Deserialize<TaxonomyFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException("empty taxonomy file"));
}

/// <summary>The JSON shape of industries.json.</summary>
public sealed record TaxonomyFile(IReadOnlyList<TaxonomySystem> Systems);

public sealed record TaxonomySystem(string Name, IReadOnlyList<TaxonomyEcosystem> Ecosystems);

public sealed record TaxonomyEcosystem(string Name, IReadOnlyList<string> Zones);
