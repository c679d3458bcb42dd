namespace Matching.Engine.Taxonomy;

/// <summary>
/// The taxonomy and synonym files live in the data directory (taxonomy/industries.json, taxonomy/synonyms.txt) so an
/// administrator can edit them; the shipped defaults are copied there on first start.
/// </summary>
public static class TaxonomyFiles
{
    private const string Prefix = "Matching.Taxonomy.";
    public const string IndustriesFile = "industries.json";
    public const string SynonymsFile = "synonyms.txt";

    public static string Folder(string dataPath) => Path.Combine(dataPath, "taxonomy");

    public static IndustryTaxonomy LoadTaxonomy(string dataPath)
    {
        using var stream = File.OpenRead(Ensure(dataPath, IndustriesFile));
        return IndustryTaxonomy.Load(stream);
    }

    public static SynonymDictionary LoadSynonyms(string dataPath) =>
        new(File.ReadAllLines(Ensure(dataPath, SynonymsFile)));

    /// <summary>The shipped synonym dictionary (for tools that run without a data directory).</summary>
    public static SynonymDictionary DefaultSynonyms()
    {
        using var reader = new StreamReader(Default(SynonymsFile));
        return new SynonymDictionary(reader.ReadToEnd().Split('\n'));
    }

    /// <summary>The shipped industry tree.</summary>
    public static IndustryTaxonomy DefaultTaxonomy()
    {
        using var stream = Default(IndustriesFile);
        return IndustryTaxonomy.Load(stream);
    }

    /// <summary>A file's text as the process loads it: the data directory's copy (made from the default on first use).</summary>
    public static string ReadText(string dataPath, string file) => File.ReadAllText(Ensure(dataPath, file));

    /// <summary>Replaces a file whole: written beside it, then moved over it, so a reader never meets half a file.</summary>
    public static void WriteText(string dataPath, string file, string text)
    {
        Directory.CreateDirectory(Folder(dataPath));
        var path = Path.Combine(Folder(dataPath), file);
        var staging = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(staging, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(staging, path, overwrite: true);
    }

    /// <summary>The shipped default of a file.</summary>
    public static Stream Default(string file) =>
        typeof(TaxonomyFiles).Assembly.GetManifestResourceStream(Prefix + file) ?? throw new FileNotFoundException(file);

    private static string Ensure(string dataPath, string file)
    {
        var path = Path.Combine(Folder(dataPath), file);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Folder(dataPath));
        using var source = Default(file);
        using (var target = File.Create(path + ".tmp")) source.CopyTo(target);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
