using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Matching.Engine.Storage;

/// <summary>
/// Opens connections to the records database. SQLite in WAL mode by default; the SQL is kept to what SQLite and
/// PostgreSQL both accept (upsert with ON CONFLICT, RETURNING), so a later provider only changes this class and
/// the migration scripts. See docs/decisions/0002-data-access-dapper.md.
/// </summary>
public sealed class MatchingDatabase
{
    private readonly string _connectionString;

    public MatchingDatabase(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        DatabaseFile = Path.GetFullPath(databaseFile);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabaseFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string DatabaseFile { get; }

    /// <summary>Opens a connection; the caller disposes it.</summary>
    public DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL persists in the file; busy_timeout and synchronous are per connection. FULL keeps a committed
        // transaction through a power cut as well as a killed process.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Writes a consistent copy of the database to <paramref name="targetFile"/> (SQLite online backup).</summary>
    public void BackupTo(string targetFile)
    {
        using var source = (SqliteConnection)Open();
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = targetFile, Pooling = false }.ToString());
        target.Open();
        source.BackupDatabase(target);
    }
}
