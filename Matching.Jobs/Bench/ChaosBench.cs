using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Matching.Engine;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Text;
using Matching.Jobs.Jobs;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench chaos: a real job server (`serve`, a child process) is killed with SIGKILL at random moments while it imports
/// and indexes 5,000 records, and restarted, again and again. Each round enqueues the import of the same ids with new
/// text, so every round has import, index, vector and match work to be killed in. After the last kill the server runs
/// until the log is done, is stopped with SIGTERM, and the data directory is checked: every accepted row in the database
/// once, CheckIndex clean after every kill, and the index holding exactly the database's live records. Then one segment
/// file gets flipped bytes, and the time the server takes to notice and rebuild is printed.
/// </summary>
internal static class ChaosBench
{
    public static int Run(int kills, int records, int seed, double maxDelaySeconds, bool keep, string? postgres = null)
    {
        var root = Directory.CreateTempSubdirectory("matching-chaos-");
        var data = Path.Combine(root.FullName, "data");
        var rng = new Random(seed);
        Console.WriteLine($"chaos: {kills} kills over a {records:N0}-record import, data in {data}");
        var source = Path.Combine(root.FullName, "results.jsonl");
        SyntheticResults.Write(source, records, seed);
        var lines = File.ReadAllLines(source);

        // On PostgreSQL (--postgres): a scratch database on that server holds the records and the job storage.
        string? scratchDatabase = null;
        var environment = new Dictionary<string, string> { ["Jobs__QueuePollMilliseconds"] = "100" };
        MatchingDatabase database;
        if (postgres is not null)
        {
            scratchDatabase = "matching_chaos_" + Guid.NewGuid().ToString("N")[..8];
            Admin(postgres, $"CREATE DATABASE {scratchDatabase}");
            var cs = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = scratchDatabase }.ConnectionString;
            environment["Matching__Database"] = "Postgres";
            environment["Matching__PostgresConnectionString"] = cs;
            database = MatchingDatabase.Postgres(cs);
            Console.WriteLine($"chaos: on PostgreSQL, database {scratchDatabase}");
        }
        else database = new MatchingDatabase(Path.Combine(data, "matching.db"));
        var server = new ServeProcess(data, root.FullName, environment);
        var checkFailures = 0;
        var imports = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            server.Start();
            JobStorage storage = database.Provider == DatabaseProvider.Postgres
                ? new Hangfire.PostgreSql.PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(database.PostgresConnectionString!, new Hangfire.PostgreSql.PostgreSqlStorageOptions { SchemaName = "hangfire" }),
                    new Hangfire.PostgreSql.PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false })
                : new Hangfire.Storage.SQLite.SQLiteStorage(Path.Combine(data, "hangfire.db"), new Hangfire.Storage.SQLite.SQLiteStorageOptions());
            // The job client serialises as the server does.
            Matching.Jobs.DependencyInjection.ConfigureStorage(GlobalConfiguration.Configuration, new MatchingOptions
            {
                DataDirectory = data, Database = database.Provider, PostgresConnectionString = database.PostgresConnectionString,
            }, new JobsOptions(), data);
            var client = new BackgroundJobClient(storage);
            var runs = new ImportRuns(database);
            for (var round = 1; round <= kills; round++)
            {
                if (!server.Running) server.Start();
                var importId = $"chaos-{round:D2}";
                var folder = ImportJob.UploadFolder(data, importId);
                Directory.CreateDirectory(folder);
                File.WriteAllLines(Path.Combine(folder, "results.jsonl"), lines.Select(l => l.Replace("\"title\":\"", $"\"title\":\"第{round}轮 ", StringComparison.Ordinal)));
                runs.Create(importId, ["results.jsonl"]);
                runs.SetJob(importId, client.Enqueue<ImportJob>(j => j.Run(importId, null, null, CancellationToken.None)));
                imports.Add(importId);
                var delay = TimeSpan.FromSeconds(0.2 + rng.NextDouble() * (maxDelaySeconds - 0.2));
                Thread.Sleep(delay);
                var stage = Stage(runs, importId, database);
                server.Kill();
                var clean = IndexSet.Kinds.All(k => !Directory.Exists(IndexSet.PathOf(Path.Combine(data, "index"), k)) || RecordIndex.Check(IndexSet.PathOf(Path.Combine(data, "index"), k), out _));
                if (!clean) checkFailures++;
                Console.WriteLine($"  kill {round,2} after {delay.TotalSeconds:F1} s ({stage}){(clean ? "" : " — CheckIndex FAILED")}");
            }

            // The last start: the log is worked off, whatever Hangfire's storage says.
            server.Start();
            var done = WaitUntil(TimeSpan.FromMinutes(15), () => imports.All(id => runs.Get(id)?.Status == ImportRuns.Succeeded) && IndexCaughtUp(data, database));
            server.Stop();
            if (!done) Console.WriteLine("chaos: the server did not finish the log within 15 minutes");

            // Every accepted row is in the database once; the index holds exactly the live records.
            var ids = lines.Select((_, i) => $"bench-{i:D6}").ToHashSet();
            var store = new RecordStore(database);
            var present = store.ExistingIds(RecordKind.Result, ids.ToList());
            var accepted = imports.Select(id => runs.Get(id)?.Report?.Files.Sum(f => f.Accepted) ?? 0).ToList();
            var lost = ids.Count - present.Count + accepted.Count(a => a != records);
            long duplicates;
            using (var connection = database.Open())
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT COUNT(*) FROM (SELECT id FROM results GROUP BY id HAVING COUNT(*) > 1) d";
                duplicates = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            using var indexes = IndexSet.OpenWriters(Path.Combine(data, "index"), new MatchingAnalyzer());
            var check = new IndexMaintainer(store, indexes).Verify(repair: false, catchUp: false);
            var behind = store.LastSeq() - indexes.AppliedSeq;
            duplicates += check.Duplicates;
            var mismatch = check.Missing + check.Extra + (behind > 0 ? 1 : 0);
            checkFailures += IndexSet.Kinds.Count(k => !RecordIndex.Check(IndexSet.PathOf(Path.Combine(data, "index"), k), out _));
            Console.WriteLine($"chaos: {imports.Count} imports of {records:N0} rows finished; {present.Count:N0} of {ids.Count:N0} ids in the database; index at {indexes.AppliedSeq} of {store.LastSeq()} " +
                $"({check.Missing} missing, {check.Extra} extra, {check.Duplicates} duplicated); {clock.Elapsed.TotalSeconds:N0} s");
            Console.WriteLine($"chaos-bench kills={kills} lost={lost} duplicates={duplicates} index_mismatch={mismatch} checkindex_failures={checkFailures}");
            indexes.Dispose();

            // A segment file with flipped bytes: detected when the server starts, the index rebuilt from the database.
            var segment = Directory.GetFiles(IndexSet.PathOf(Path.Combine(data, "index"), RecordKind.Result))
                .Where(f => Path.GetExtension(f) is ".cfs" or ".fdt" or ".tim" or ".doc").OrderByDescending(f => new FileInfo(f).Length).First();
            FlipBytes(segment, rng);
            var rebuild = Stopwatch.StartNew();
            server.Start();
            var rebuilt = WaitUntil(TimeSpan.FromMinutes(10), () => IndexCaughtUp(data, database) && Directory.GetDirectories(Path.Combine(data, "index"), "results.corrupt-*").Length > 0);
            rebuild.Stop();
            server.Stop();
            var results = store.ActiveIds(RecordKind.Result).Count;
            Console.WriteLine($"chaos-bench corrupt_segment={Path.GetFileName(segment)} detected={(rebuilt ? 1 : 0)} rebuild_s={rebuild.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} documents={results}");
            return lost + duplicates + mismatch + checkFailures == 0 && rebuilt ? 0 : 1;
        }
        finally
        {
            server.Kill();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (scratchDatabase is not null)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                if (!keep) Admin(postgres!, $"DROP DATABASE IF EXISTS {scratchDatabase} WITH (FORCE)");
            }
            if (!keep) try { root.Delete(recursive: true); } catch (IOException) { }
            else Console.WriteLine($"chaos: kept {root.FullName}");
        }
    }

    private static void Admin(string connectionString, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>What was under way when the kill came: the import's state and the index's distance from the log.</summary>
    private static string Stage(ImportRuns runs, string importId, MatchingDatabase database)
    {
        var status = runs.Get(importId)?.Status ?? "?";
        return $"import {status}, log at {new RecordStore(database).LastSeq():N0}";
    }

    private static bool IndexCaughtUp(string data, MatchingDatabase database)
    {
        try
        {
            using var indexes = IndexSet.OpenReaders(Path.Combine(data, "index"));
            return indexes.AppliedSeq >= new RecordStore(database).LastSeq();
        }
        catch (Exception e) when (e is IOException or Lucene.Net.Index.IndexNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool WaitUntil(TimeSpan timeout, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(250);
        }
        return false;
    }

    private static void FlipBytes(string file, Random rng)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        for (var i = 0; i < 64; i++)
        {
            stream.Position = rng.NextInt64(Math.Min(64, stream.Length / 2), stream.Length - 16);
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)~b);
        }
    }
}
