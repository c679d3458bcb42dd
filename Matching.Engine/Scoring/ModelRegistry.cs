using System.Text.Json;
using Dapper;
using Matching.Engine.Storage;
using Matching.Engine.Text;

namespace Matching.Engine.Scoring;

/// <summary>A registered model version: its folder, when it was trained, its metrics and its status.</summary>
public sealed record ModelVersion(string Version, string Folder, DateTimeOffset? TrainedAt, IReadOnlyDictionary<string, double> Metrics, string Status, string? Note);

/// <summary>One entry of the registry's history.</summary>
public sealed record ModelEvent(string Version, string Action, string? Note, DateTimeOffset At);

/// <summary>
/// The model registry: versions copied into the data directory (data/models/{version}) with the metrics from their
/// manifest, exactly one of them active, and a history of registrations, promotions and rollbacks. The models shipped
/// in models/ become the first version of an empty registry. Serving processes load the active version and follow
/// promotions (see EngineStartup).
/// </summary>
public sealed class ModelRegistry(MatchingDatabase database, MatchingAnalyzer analyzer, string dataPath)
{
    public const string Candidate = "candidate", Active = "active", Retired = "retired", Rejected = "rejected";

    public string Root => Path.Combine(dataPath, "models");

    /// <summary>The notes the registry writes for the shipped model's registration and promotion (pages translate them).</summary>
    public const string ShippedNote = "shipped with the build", ShippedPromotionNote = "the shipped model";

    /// <summary>Registers the shipped models as the active first version when the registry is empty; returns it, or null.</summary>
    public ModelVersion? EnsureShipped(string shippedFolder)
    {
        if (List().Count > 0 || !ModelBundle.Exists(shippedFolder)) return null;
        var version = Register(shippedFolder, ShippedNote);
        Promote(version.Version, ShippedPromotionNote);
        return ActiveVersion();
    }

    /// <summary>
    /// Copies a model folder into the registry as a candidate. The folder must load with this build (features as the
    /// code computes them); a version already registered is refused.
    /// </summary>
    public ModelVersion Register(string folder, string? note = null)
    {
        var bundle = ModelBundle.Load(folder, analyzer);
        var version = bundle.Version;
        if (string.IsNullOrWhiteSpace(version) || version.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || version is "." or ".." || version.Length > 64)
            throw new InvalidDataException($"model version '{version}' cannot name a folder");
        if (Find(version) is not null) throw new InvalidOperationException($"model {version} is registered already");
        var target = Path.Combine(Root, version);
        var staging = target + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(staging, target);
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var at = DateTimeOffset.UtcNow.ToString("O");
        connection.Execute("""
            INSERT INTO model_versions (version, folder, trained_at, metrics, status, note, registered_at)
            VALUES (@version, @folder, @trainedAt, @metrics, 'candidate', @note, @at)
            """, new { version, folder = version, trainedAt = bundle.Manifest.TrainedAt == default ? null : bundle.Manifest.TrainedAt.ToString("O"),
            metrics = JsonSerializer.Serialize(bundle.Manifest.Metrics), note, at }, tx);
        connection.Execute("INSERT INTO model_history (version, action, note, at) VALUES (@version, 'registered', @note, @at)", new { version, note, at }, tx);
        tx.Commit();
        return Find(version)!;
    }

    /// <summary>Makes a registered version the active one; the one before it is retired.</summary>
    public void Promote(string version, string? note = null)
    {
        if (Find(version) is null) throw new KeyNotFoundException($"no model {version} in the registry");
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var at = DateTimeOffset.UtcNow.ToString("O");
        connection.Execute("UPDATE model_versions SET status = 'retired' WHERE status = 'active' AND version <> @version", new { version }, tx);
        connection.Execute("UPDATE model_versions SET status = 'active' WHERE version = @version", new { version }, tx);
        connection.Execute("INSERT INTO model_history (version, action, note, at) VALUES (@version, 'promoted', @note, @at)", new { version, note, at }, tx);
        tx.Commit();
    }

    /// <summary>Records that a candidate was not promoted, and why (its figures against the active model's).</summary>
    public void Reject(string version, string note)
    {
        if (Find(version) is not { Status: Candidate }) throw new InvalidOperationException($"model {version} is not a candidate");
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        connection.Execute("UPDATE model_versions SET status = 'rejected', note = @note WHERE version = @version", new { version, note }, tx);
        connection.Execute("INSERT INTO model_history (version, action, note, at) VALUES (@version, 'rejected', @note, @at)",
            new { version, note, at = DateTimeOffset.UtcNow.ToString("O") }, tx);
        tx.Commit();
    }

    /// <summary>Goes back to the version that was active before the current one; returns it, or null when there is none.</summary>
    public ModelVersion? Rollback(string? note = null)
    {
        var current = ActiveVersion();
        if (current is null) return null;
        using var connection = database.Open();
        var previous = connection.Query<string>("""
            SELECT h.version FROM model_history h JOIN model_versions v ON v.version = h.version
            WHERE h.action IN ('promoted', 'rolled back') AND h.version <> @current ORDER BY h.id DESC LIMIT 1
            """, new { current = current.Version }).FirstOrDefault();
        if (previous is null) return null;
        using var tx = connection.BeginTransaction();
        var at = DateTimeOffset.UtcNow.ToString("O");
        connection.Execute("UPDATE model_versions SET status = 'retired' WHERE version = @current", new { current = current.Version }, tx);
        connection.Execute("UPDATE model_versions SET status = 'active' WHERE version = @previous", new { previous }, tx);
        connection.Execute("INSERT INTO model_history (version, action, note, at) VALUES (@previous, 'rolled back', @note, @at)",
            new { previous, note = note ?? $"from {current.Version}", at }, tx);
        tx.Commit();
        return Find(previous);
    }

    /// <summary>
    /// Where a process looks for its model, in order: Matching:ModelDirectory when set (and nothing else), else the
    /// registry's active version, then the fixed search path (data/models/active, the shipped models/).
    /// </summary>
    public IReadOnlyList<string> ServingFolders(MatchingOptions options) =>
        string.IsNullOrWhiteSpace(options.ModelDirectory) && ActiveFolder() is { } active ? [active, .. options.ModelSearchPath] : options.ModelSearchPath;

    public ModelVersion? ActiveVersion() => List().FirstOrDefault(v => v.Status == Active);

    /// <summary>The active version's folder, when there is one.</summary>
    public string? ActiveFolder() => ActiveVersion() is { } v ? Path.Combine(Root, v.Folder) : null;

    public ModelVersion? Find(string version) => List().FirstOrDefault(v => v.Version == version);

    public IReadOnlyList<ModelVersion> List()
    {
        using var connection = database.Open();
        return connection.Query<(string Version, string Folder, string? TrainedAt, string Metrics, string Status, string? Note)>(
                "SELECT version, folder, trained_at, metrics, status, note FROM model_versions ORDER BY registered_at, version")
            .Select(r => new ModelVersion(r.Version, r.Folder, r.TrainedAt is null ? null : DateTimeOffset.Parse(r.TrainedAt, System.Globalization.CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<Dictionary<string, double>>(r.Metrics) ?? [], r.Status, r.Note))
            .ToList();
    }

    public IReadOnlyList<ModelEvent> History()
    {
        using var connection = database.Open();
        return connection.Query<(string Version, string Action, string? Note, string At)>("SELECT version, action, note, at FROM model_history ORDER BY id")
            .Select(r => new ModelEvent(r.Version, r.Action, r.Note, DateTimeOffset.Parse(r.At, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }
}
