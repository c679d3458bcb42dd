using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Matching.Engine.Storage;

/// <summary>Where the records live: one SQLite file (one machine) or a PostgreSQL database (several).</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Opens connections to the records database: SQLite in WAL mode, or PostgreSQL. The SQL is kept to what both accept
/// (upsert with ON CONFLICT, RETURNING, LIMIT/OFFSET); the migration scripts are written once, in SQLite's types, and
/// <see cref="Migrator"/> maps the types for PostgreSQL. See docs/decisions/0002-data-access-dapper.md and 0010.
/// </summary>
public sealed partial class MatchingDatabase
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    /// <summary>A SQLite database in <paramref name="databaseFile"/>.</summary>
    public MatchingDatabase(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        Provider = DatabaseProvider.Sqlite;
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

    private MatchingDatabase(NpgsqlDataSource source)
    {
        Provider = DatabaseProvider.Postgres;
        _postgres = source;
        _connectionString = source.ConnectionString;
    }

    /// <summary>A PostgreSQL database (Npgsql connection string; the database must exist, the schema is migrated).</summary>
    public static MatchingDatabase Postgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // A server restarting drops pooled connections; the pool notices instead of handing out dead ones.
        if (builder.ConnectionLifetime == 0) builder.ConnectionLifetime = 300;
        return new MatchingDatabase(NpgsqlDataSource.Create(builder.ConnectionString));
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The SQLite file; null for PostgreSQL.</summary>
    public string? DatabaseFile { get; }

    /// <summary>Where the data is, for logs (a PostgreSQL password is never shown).</summary>
    public string Description => Provider == DatabaseProvider.Sqlite
        ? DatabaseFile!
        : new NpgsqlConnectionStringBuilder(_connectionString) is var b ? $"PostgreSQL {b.Host}:{b.Port}/{b.Database}" : "";

    /// <summary>The Npgsql connection string (PostgreSQL only), for job storage on the same server.</summary>
    public string? PostgresConnectionString => Provider == DatabaseProvider.Postgres ? _connectionString : null;

    /// <summary>Opens a connection; the caller disposes it.</summary>
    public DbConnection Open()
    {
        if (_postgres is not null) return _postgres.OpenConnection();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL persists in the file; busy_timeout and synchronous are per connection. FULL keeps a committed
        // transaction through a power cut as well as a killed process.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// The one spelling the providers need differently: a list parameter. Dapper expands <c>IN @ids</c> for SQLite but
    /// hands PostgreSQL an array, which is written <c>= ANY(@ids)</c>.
    /// </summary>
    public string Sql(string sql) => Provider == DatabaseProvider.Postgres ? InList().Replace(sql, "= ANY(@$1)") : sql;

    /// <summary>
    /// Like <see cref="Sql"/>, for lists bound as one parameter each (<see cref="List{T}"/>): on SQLite <c>IN @ids</c>
    /// reads the values from one JSON array (json_each) instead of one bound parameter per value, which took a third
    /// off reading the stored vectors of a need's 300 candidates (bench match); PostgreSQL takes an array.
    /// </summary>
    public string SqlOfLists(string sql) =>
        Provider == DatabaseProvider.Postgres ? InList().Replace(sql, "= ANY(@$1)") : InList().Replace(sql, "IN (SELECT value FROM json_each(@$1))");

    /// <summary>A list as the one parameter <see cref="SqlOfLists"/> reads: a JSON array of the values on SQLite, an array on PostgreSQL.</summary>
    public object List<T>(IEnumerable<T> values) =>
        Provider == DatabaseProvider.Postgres ? values.ToArray() : System.Text.Json.JsonSerializer.Serialize(values);

    [System.Text.RegularExpressions.GeneratedRegex(@"\bIN\s+@(\w+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex InList();

    /// <summary>
    /// Serialises writers of the change log until <paramref name="tx"/> ends, so sequence numbers are committed in the
    /// order they are taken and a reader at position N never misses a smaller one committed later. SQLite has one
    /// writer at a time already; PostgreSQL takes a transaction-scoped advisory lock.
    /// </summary>
    public void LockChangeLog(DbConnection connection, DbTransaction tx)
    {
        if (Provider == DatabaseProvider.Postgres) connection.Execute("SELECT pg_advisory_xact_lock(7243001)", transaction: tx);
    }

    /// <summary>
    /// Fills this PostgreSQL database, which must have no records yet, from a SQLite snapshot written by
    /// <see cref="BackupTo"/>: the schema is migrated, every table copied in one transaction, and identity sequences
    /// moved past the copied keys.
    /// </summary>
    public void RestoreFrom(MatchingDatabase snapshot)
    {
        if (Provider != DatabaseProvider.Postgres || snapshot.Provider != DatabaseProvider.Sqlite) throw new InvalidOperationException("restores a SQLite snapshot into PostgreSQL");
        Migrator.Migrate(this);
        using var to = Open();
        if (to.ExecuteScalar<long>("SELECT (SELECT COUNT(*) FROM changes) + (SELECT COUNT(*) FROM organisations)") > 0)
            throw new InvalidOperationException("the PostgreSQL database already holds records; restore goes into an empty one");
        using var write = to.BeginTransaction();
        using var from = snapshot.Open();
        var tables = from.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").ToList();
        foreach (var table in tables)
        {
            var columns = from.Query<string>($"SELECT name FROM pragma_table_info('{table}')").ToList();
            var list = string.Join(", ", columns);
            var types = to.Query<(string Column, string Type)>("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = @table", new { table }, write)
                .ToDictionary(c => c.Column, c => c.Type);
            using var read = from.CreateCommand();
            read.CommandText = $"SELECT {list} FROM {table}";
            using var reader = read.ExecuteReader();
            using var command = to.CreateCommand();
            command.Transaction = write;
            command.CommandText = $"INSERT INTO {table} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
            var parameters = columns.Select((c, i) =>
            {
                var p = (NpgsqlParameter)command.CreateParameter();
                p.ParameterName = "@p" + i;
                p.NpgsqlDbType = types.GetValueOrDefault(c) switch
                {
                    "bigint" => NpgsqlTypes.NpgsqlDbType.Bigint,
                    "double precision" => NpgsqlTypes.NpgsqlDbType.Double,
                    "bytea" => NpgsqlTypes.NpgsqlDbType.Bytea,
                    _ => NpgsqlTypes.NpgsqlDbType.Text,
                };
                command.Parameters.Add(p);
                return p;
            }).ToList();
            while (reader.Read())
            {
                // SQLite keeps a whole number in a REAL or NUMERIC column as an integer: convert to the column's type.
                for (var i = 0; i < parameters.Count; i++)
                    parameters[i].Value = reader.GetValue(i) is var value && value is DBNull ? value : parameters[i].NpgsqlDbType switch
                    {
                        NpgsqlTypes.NpgsqlDbType.Double => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
                        NpgsqlTypes.NpgsqlDbType.Bigint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
                        NpgsqlTypes.NpgsqlDbType.Text => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
                        _ => value,
                    };
                command.ExecuteNonQuery();
            }
            foreach (var identity in to.Query<string>(
                         "SELECT column_name FROM information_schema.columns WHERE table_name = @table AND is_identity = 'YES'", new { table }, write))
                to.Execute($"SELECT setval(pg_get_serial_sequence('{table}', '{identity}'), GREATEST(1, (SELECT COALESCE(MAX({identity}), 0) FROM {table})))", transaction: write);
        }
        write.Commit();
    }

    /// <summary>
    /// Writes a consistent copy of the whole database to the SQLite file <paramref name="targetFile"/>: SQLite's online
    /// backup, or for PostgreSQL every table read in one repeatable-read snapshot into a migrated SQLite file.
    /// </summary>
    public void BackupTo(string targetFile)
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            using var source = (SqliteConnection)Open();
            using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = targetFile, Pooling = false }.ToString());
            target.Open();
            source.BackupDatabase(target);
            return;
        }
        var copy = new MatchingDatabase(targetFile);
        Migrator.Migrate(copy);
        using var from = Open();
        using var snapshot = from.BeginTransaction(IsolationLevel.RepeatableRead);
        using var to = copy.Open();
        using var write = to.BeginTransaction();
        var tables = to.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", transaction: write).ToList();
        foreach (var table in tables)
        {
            var columns = to.Query<string>($"SELECT name FROM pragma_table_info('{table}')", transaction: write).ToList();
            var list = string.Join(", ", columns);
            var insert = $"INSERT INTO {table} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
            using var read = from.CreateCommand();
            read.Transaction = snapshot;
            read.CommandText = $"SELECT {list} FROM {table}";
            using var reader = read.ExecuteReader();
            using var command = to.CreateCommand();
            command.Transaction = write;
            command.CommandText = insert;
            var parameters = columns.Select((_, i) => { var p = command.CreateParameter(); p.ParameterName = "@p" + i; command.Parameters.Add(p); return p; }).ToList();
            while (reader.Read())
            {
                for (var i = 0; i < parameters.Count; i++) parameters[i].Value = reader.GetValue(i);
                command.ExecuteNonQuery();
            }
        }
        write.Commit();
        SqliteConnection.ClearPool((SqliteConnection)to);
    }
}
