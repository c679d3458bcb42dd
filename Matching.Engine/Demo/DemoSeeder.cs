using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Demo;

/// <summary>Seeds the hand-written Chinese demo corpus (shipped inside this assembly) into an empty database.</summary>
public sealed class DemoSeeder(RecordStore store, Importer importer)
{
    private const string Prefix = "Matching.Demo.";

    /// <summary>The demo files, in import order.</summary>
    public static readonly IReadOnlyList<(string File, RecordKind Kind)> Files =
    [
        ("organisations.jsonl", RecordKind.Organisation), ("experts.jsonl", RecordKind.Expert), ("results.jsonl", RecordKind.Result),
        ("needs.jsonl", RecordKind.Need), ("judgements.tsv", RecordKind.Judgement),
        // Needs written later, in enterprises' own words, and judged densely against every result of their industry;
        // their judgements (heldout/judgements.tsv) are not seeded: they are the held-out evaluation set.
        ("heldout.needs.jsonl", RecordKind.Need),
    ];

    /// <summary>The held-out judgements of the heldout needs (evaluation only; never trained on).</summary>
    public const string HeldOutJudgements = "heldout.judgements.tsv";

    /// <summary>Imports the demo data when the database holds no records; returns the report, or null when it did nothing.</summary>
    public ImportReport? SeedIfEmpty()
    {
        if (!store.IsEmpty()) return null;
        var report = new ImportReport();
        foreach (var (file, kind) in Files)
        {
            using var stream = Open(file);
            report.Files.Add(importer.ImportStream(stream, file, kind));
        }
        return report;
    }

    /// <summary>Opens one demo file (also used by tests and benchmarks).</summary>
    public static Stream Open(string file) =>
        typeof(DemoSeeder).Assembly.GetManifestResourceStream(Prefix + file)
        ?? throw new FileNotFoundException($"demo file {file} is not embedded in Matching.Engine");
}
