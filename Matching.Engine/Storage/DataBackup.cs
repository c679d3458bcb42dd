using System.IO.Compression;
using System.Text.Json;
using Dapper;
using Matching.Engine.Taxonomy;

namespace Matching.Engine.Storage;

/// <summary>What a backup holds: when it was taken, the log position of its database snapshot, the active model, and the rows per table.</summary>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, long LastSeq, string? ActiveModel, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Models)
{
    /// <summary>For a PostgreSQL database: whether pg_dump's file is in the backup too, or why not.</summary>
    public string? PostgresDump { get; init; }

    public const int CurrentFormat = 1;
    public const string FileName = "backup.json";
}

/// <summary>
/// Backups of a data directory as one zip file, taken while servers run:
/// <list type="bullet">
/// <item>the database through SQLite's online backup — a consistent snapshot of records, change log, judgements, match
/// lists, vectors, events and the model registry at one moment;</item>
/// <item>the registry's model folders (immutable once registered; copied after the snapshot, so every version it names is
/// there) and the data directory's taxonomy files;</item>
/// <item>not the index, which is derived: restore rebuilds it from the restored database, so it holds exactly the
/// snapshot's records; and not Hangfire's storage, whose work the change log re-creates.</item>
/// </list>
/// Restore only goes into an empty data directory, and checks every table's row count against the manifest.
/// </summary>
public static class DataBackup
{
    private const string DatabaseEntry = "matching.db";
    /// <summary>pg_dump's custom-format file, beside the portable snapshot, in backups of a PostgreSQL database.</summary>
    public const string PostgresDumpEntry = "postgres.dump";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static BackupManifest Create(string dataPath, MatchingDatabase database, string zipFile)
    {
        var scratch = Directory.CreateTempSubdirectory("matching-backup-");
        try
        {
            var snapshot = Path.Combine(scratch.FullName, DatabaseEntry);
            database.BackupTo(snapshot);
            var snapshotDb = new MatchingDatabase(snapshot);
            var (lastSeq, active, rows) = Describe(snapshotDb);
            var modelsRoot = Path.Combine(dataPath, "models");
            var models = ModelFolders(snapshotDb).Where(v => Directory.Exists(Path.Combine(modelsRoot, v))).ToList();
            var manifest = new BackupManifest(BackupManifest.CurrentFormat, DateTimeOffset.UtcNow, lastSeq, active, rows, models);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var target = Path.GetFullPath(zipFile);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            using (var zip = ZipFile.Open(partial, ZipArchiveMode.Create))
            {
                zip.CreateEntryFromFile(snapshot, DatabaseEntry, CompressionLevel.Fastest);
                foreach (var version in models)
                    foreach (var file in Directory.GetFiles(Path.Combine(modelsRoot, version)))
                        zip.CreateEntryFromFile(file, $"models/{version}/{Path.GetFileName(file)}", CompressionLevel.Fastest);
                var taxonomy = TaxonomyFiles.Folder(dataPath);
                if (Directory.Exists(taxonomy))
                    foreach (var file in Directory.GetFiles(taxonomy))
                        zip.CreateEntryFromFile(file, $"taxonomy/{Path.GetFileName(file)}", CompressionLevel.Fastest);
                // From PostgreSQL, also the server's own dump when pg_dump is installed (pg_restore reads it).
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    var (dump, note) = PgDump(database, Path.Combine(scratch.FullName, PostgresDumpEntry));
                    if (dump is not null) zip.CreateEntryFromFile(dump, PostgresDumpEntry, CompressionLevel.NoCompression);
                    manifest = manifest with { PostgresDump = note };
                }
                using var entry = new StreamWriter(zip.CreateEntry(BackupManifest.FileName).Open());
                entry.Write(JsonSerializer.Serialize(manifest, Json));
            }
            File.Move(partial, target, overwrite: true);
            return manifest;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { scratch.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Restores a backup into <paramref name="dataPath"/>, which must be empty or missing, with the database in a SQLite
    /// file there — or, given <paramref name="postgres"/>, into that PostgreSQL database, which must hold no records.
    /// The index is not restored: the caller rebuilds it (the restore verb does, and a server would on start).
    /// </summary>
    public static BackupManifest Restore(string zipFile, string dataPath, MatchingDatabase? postgres = null)
    {
        if (!File.Exists(zipFile)) throw new FileNotFoundException($"no backup at {zipFile}");
        if (Directory.Exists(dataPath) && Directory.EnumerateFileSystemEntries(dataPath).Any())
            throw new InvalidOperationException($"{dataPath} is not empty; restore goes into an empty data directory");
        using var zip = ZipFile.OpenRead(zipFile);
        var manifestEntry = zip.GetEntry(BackupManifest.FileName) ?? throw new InvalidDataException($"{zipFile} has no {BackupManifest.FileName}: not a Matching backup");
        BackupManifest manifest;
        using (var stream = manifestEntry.Open())
            manifest = JsonSerializer.Deserialize<BackupManifest>(stream, Json) ?? throw new InvalidDataException("empty backup manifest");
        if (manifest.Format > BackupManifest.CurrentFormat) throw new InvalidDataException($"backup format {manifest.Format} is newer than this build reads ({BackupManifest.CurrentFormat})");

        var root = Path.GetFullPath(dataPath);
        // Every entry is checked before anything is written: only the kinds a backup writes, never outside the directory.
        var entries = new List<(ZipArchiveEntry Entry, string Path)>();
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName is BackupManifest.FileName or PostgresDumpEntry || entry.FullName.EndsWith('/')) continue;
            var allowed = entry.FullName == DatabaseEntry || entry.FullName.StartsWith("models/", StringComparison.Ordinal) || entry.FullName.StartsWith("taxonomy/", StringComparison.Ordinal);
            var path = Path.GetFullPath(Path.Combine(root, entry.FullName));
            if (!allowed || !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InvalidDataException($"backup entry '{entry.FullName}' is not one a backup writes");
            entries.Add((entry, path));
        }
        if (entries.All(e => e.Entry.FullName != DatabaseEntry)) throw new InvalidDataException($"{zipFile} holds no database");
        Directory.CreateDirectory(root);
        foreach (var (entry, path) in entries)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path);
        }
        var restored = new MatchingDatabase(Path.Combine(root, DatabaseEntry));
        using (var connection = restored.Open())
        {
            var check = connection.ExecuteScalar<string>("PRAGMA integrity_check");
            if (check != "ok") throw new InvalidDataException($"the restored database fails its integrity check: {check}");
        }
        if (postgres is not null)
        {
            // The snapshot goes into the server, and the data directory keeps no database of its own.
            postgres.RestoreFrom(restored);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(root, DatabaseEntry + "*")) File.Delete(file);
            restored = postgres;
        }
        var (lastSeq, active, rows) = Describe(restored);
        var differences = manifest.Rows.Where(r => r.Key != "schema_migrations" && rows.GetValueOrDefault(r.Key, -1) != r.Value).Select(r => $"{r.Key} {rows.GetValueOrDefault(r.Key)} of {r.Value}").ToList();
        if (differences.Count > 0 || lastSeq != manifest.LastSeq || active != manifest.ActiveModel)
            throw new InvalidDataException($"the restored database differs from the backup's manifest: {string.Join(", ", differences.DefaultIfEmpty($"sequence {lastSeq} of {manifest.LastSeq}"))}");
        return manifest;
    }

    /// <summary>Runs pg_dump (custom format) when it is on the path: the file, or null and why not.</summary>
    private static (string? File, string Note) PgDump(MatchingDatabase database, string file)
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(database.PostgresConnectionString);
        var info = new System.Diagnostics.ProcessStartInfo("pg_dump") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-Fc", "-f", file, "-h", cs.Host ?? "localhost", "-p", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", cs.Username ?? "postgres", "--no-owner", cs.Database ?? "postgres" })
            info.ArgumentList.Add(a);
        if (cs.Password is { Length: > 0 } password) info.Environment["PGPASSWORD"] = password;
        try
        {
            using var process = System.Diagnostics.Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && File.Exists(file)
                ? (file, $"{PostgresDumpEntry} (pg_dump custom format)")
                : (null, $"pg_dump failed, the portable snapshot is the backup: {error.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "pg_dump is not installed; the portable snapshot is the backup");
        }
    }

    private static (long LastSeq, string? Active, Dictionary<string, long> Rows) Describe(MatchingDatabase database)
    {
        using var connection = database.Open();
        var tables = (database.Provider == DatabaseProvider.Postgres
            ? connection.Query<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
            : connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).ToList();
        var rows = tables.ToDictionary(t => t, t => connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM \"{t.Replace("\"", "\"\"")}\""));
        var lastSeq = connection.ExecuteScalar<long?>("SELECT MAX(seq) FROM changes") ?? 0;
        var active = tables.Contains("model_versions") ? connection.ExecuteScalar<string?>("SELECT version FROM model_versions WHERE status = 'active'") : null;
        return (lastSeq, active, rows);
    }

    private static IReadOnlyList<string> ModelFolders(MatchingDatabase database)
    {
        using var connection = database.Open();
        return connection.Query<string>("SELECT folder FROM model_versions ORDER BY registered_at").ToList();
    }
}
