using System.ComponentModel.DataAnnotations;

namespace Matching.Engine;

/// <summary>Where Matching keeps its data, and the limits it enforces on input.</summary>
public sealed class MatchingOptions
{
    public const string SectionName = "Matching";

    /// <summary>The data directory: database, job storage, index, uploads. Relative paths are from the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where the records live: "sqlite" (data/matching.db, one machine) or "postgres" (several machines).</summary>
    public Storage.DatabaseProvider Database { get; set; } = Storage.DatabaseProvider.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Database"/> is postgres (the database must exist).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Seed the demo data when the database is empty.</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>This process owns the index writers (the job server does); otherwise it reads the index read-only.</summary>
    public bool OwnsIndex { get; set; } = true;

    /// <summary>
    /// The index folder; empty means data/index. A process given a folder of its own (a web node with its own index copy)
    /// owns that copy's writers and catches it up from the change log like the job server does with the shared one.
    /// </summary>
    public string? IndexDirectory { get; set; }

    /// <summary>The resolved index folder.</summary>
    public string IndexPath => string.IsNullOrWhiteSpace(IndexDirectory) ? Path.Combine(DataPath, "index") : Path.GetFullPath(IndexDirectory);

    /// <summary>Candidates retrieved per need and kind (PRODUCT.md: default 200).</summary>
    [Range(1, 2000)]
    public int CandidatesPerNeed { get; set; } = 200;

    /// <summary>Largest import file accepted, in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImportFileBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>
    /// A folder holding the scoring model to serve (ranker.zip, calibration.json, topics.zip, model.json). Empty: the
    /// data directory's models/active when present, else the model shipped next to the binaries.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// The folder of the Chinese sentence encoder (bge-small-zh-v1.5: onnx/model_quantized.onnx and vocab.txt). Empty:
    /// the copy the build puts next to the binaries. Without it Chinese texts get no sentence vectors and their dense
    /// features are missing; the app runs and says so in its log and in /health/details.
    /// </summary>
    public string? ChineseEncoderDirectory { get; set; }

    /// <summary>Where the scoring model is looked for, first match wins.</summary>
    public IReadOnlyList<string> ModelSearchPath =>
        string.IsNullOrWhiteSpace(ModelDirectory)
            ? [Path.Combine(DataPath, "models", "active"), Path.Combine(AppContext.BaseDirectory, "models")]
            : [Path.GetFullPath(ModelDirectory)];

    /// <summary>The resolved, absolute data directory.</summary>
    public string DataPath => Path.GetFullPath(DataDirectory);
}
