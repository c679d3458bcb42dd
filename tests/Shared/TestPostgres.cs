using Matching.Engine.Storage;
using Npgsql;

namespace Matching.Tests.Shared;

/// <summary>
/// The PostgreSQL server the test command starts (scripts/postgres-server.sh exports MATCHING_TEST_POSTGRES). Each
/// caller gets a database of its own, dropped afterwards. Without the server a PostgreSQL test fails with the reason.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "MATCHING_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{Variable} is not set: run the tests with scripts/test.sh, which starts a PostgreSQL server for them");

    /// <summary>A new, empty database on the test server, and how to drop it.</summary>
    public static (MatchingDatabase Database, Action Drop) CreateDatabase()
    {
        var server = ServerConnectionString;
        var name = "matching_test_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            create.ExecuteNonQuery();
        }
        // The whole suite shares one server on two cores: a statement that waits its turn behind another test's
        // burst (a migration's DDL, a database being made) gets two minutes, not Npgsql's 30 seconds.
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name, CommandTimeout = 120 }.ConnectionString;
        return (MatchingDatabase.Postgres(cs), () =>
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(server);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        });
    }

    /// <summary>The connection string of a database made by <see cref="CreateDatabase"/>.</summary>
    public static string ConnectionString(MatchingDatabase database) => database.PostgresConnectionString!;
}
