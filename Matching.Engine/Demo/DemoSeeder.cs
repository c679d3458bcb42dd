using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Demo;

/// <summary>
/// Seeds the hand-written Chinese demo corpus (shipped inside this assembly) into an empty database. A data
/// directory people use gets the live demo only; the held-out evaluation needs go into evaluation workspaces alone
/// (<paramref name="withHeldOut"/>), so no one sees, matches, meets or retrains on them as if they were real needs.
/// </summary>
public sealed class DemoSeeder(RecordStore store, Importer importer, bool withHeldOut = false)
{
    private const string Prefix = "Matching.Demo.";

    /// <summary>The demo files, in import order.</summary>
    public static readonly IReadOnlyList<(string File, RecordKind Kind)> Files =
    [
        ("organisations.jsonl", RecordKind.Organisation), ("experts.jsonl", RecordKind.Expert), ("results.jsonl", RecordKind.Result),
        ("needs.jsonl", RecordKind.Need), ("judgements.tsv", RecordKind.Judgement),
    ];

    /// <summary>
    /// Needs written later, in enterprises' own words, and judged densely against every result of their industry:
    /// the held-out evaluation set. Their judgements (heldout/judgements.tsv) are never seeded.
    /// </summary>
    public static readonly (string File, RecordKind Kind) HeldOutNeeds = ("heldout.needs.jsonl", RecordKind.Need);

    /// <summary>The held-out judgements of the heldout needs (evaluation only; never trained on).</summary>
    public const string HeldOutJudgements = "heldout.judgements.tsv";

    /// <summary>Imports the demo data when the database holds no records; returns the report, or null when it did nothing.</summary>
    public ImportReport? SeedIfEmpty()
    {
        if (!store.IsEmpty()) return null;
        var report = new ImportReport();
        foreach (var (file, kind) in withHeldOut ? [.. Files, HeldOutNeeds] : Files)
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
