using System.Reflection;
using Dapper;

namespace Matching.Engine.Storage;

/// <summary>Applies the embedded SQL migrations (Storage/Migrations/NNNN_name.sql) in order, each in its own transaction.</summary>
public static class Migrator
{
    private const string Prefix = "Matching.Migrations.";

    /// <summary>Applies every migration not applied yet; returns how many ran.</summary>
    public static int Migrate(MatchingDatabase database)
    {
        using var connection = database.Open();
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
            """);
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var ran = 0;
        foreach (var (version, name, sql) in Scripts())
        {
            if (applied.Contains(version)) continue;
            using var tx = connection.BeginTransaction();
            connection.Execute(sql, transaction: tx);
            connection.Execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = DateTimeOffset.UtcNow.ToString("O") }, tx);
            tx.Commit();
            ran++;
        }
        return ran;
    }

    private static IEnumerable<(long Version, string Name, string Sql)> Scripts()
    {
        var assembly = typeof(Migrator).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = resource[Prefix.Length..];
            var version = long.Parse(file[..file.IndexOf('_')]);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, Path.GetFileNameWithoutExtension(file), reader.ReadToEnd());
        }
    }
}
