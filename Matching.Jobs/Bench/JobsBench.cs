using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Matching.Engine;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Cli;
using Matching.Jobs.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Matching.Jobs.Bench;

/// <summary>
/// bench jobs: throughput of small match jobs (re-match one need and store its lists) through a job server in this
/// process, on SQLite (records and job storage in files) and on PostgreSQL (both on the server), over the demo data
/// with the shipped model. The same jobs, the same workers; the median of several runs is printed.
/// </summary>
internal static class JobsBench
{
    public static int Run(int jobs, int runs, int workers, string? postgres)
    {
        postgres ??= Environment.GetEnvironmentVariable("MATCHING_TEST_POSTGRES");
        var sqlite = Measure("sqlite", jobs, runs, workers, null);
        double? pg = null;
        if (string.IsNullOrWhiteSpace(postgres))
            Console.WriteLine("jobs: no PostgreSQL (give --postgres or source scripts/postgres-server.sh first); its figure is left out");
        else
        {
            var database = "matching_bench_" + Guid.NewGuid().ToString("N")[..8];
            Admin(postgres, $"CREATE DATABASE {database}");
            try { pg = Measure("postgres", jobs, runs, workers, new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString); }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                Admin(postgres, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }
        }
        Console.WriteLine($"jobs-bench sqlite_jobs_per_s={sqlite.ToString("F1", CultureInfo.InvariantCulture)} postgres_jobs_per_s={pg?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"} jobs={jobs} workers={workers} runs={runs}");
        return 0;
    }

    private static double Measure(string name, int jobs, int runs, int workers, string? postgres)
    {
        var root = Directory.CreateTempSubdirectory("matching-jobs-bench-");
        try
        {
            var builder = CliHost.Builder(Path.Combine(root.FullName, "data"));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Configuration["Jobs:WorkerCount"] = workers.ToString(CultureInfo.InvariantCulture);
            builder.Configuration["Jobs:QueuePollMilliseconds"] = "100";
            builder.Configuration["Learning:NightlyRetrain"] = "false";
            if (postgres is not null)
            {
                builder.Configuration["Matching:Database"] = "Postgres";
                builder.Configuration["Matching:PostgresConnectionString"] = postgres;
            }
            builder.AddMatchingEngine();
            builder.AddMatchingJobs(runServer: true);
            using var host = builder.Build();
            host.Start();
            var lists = host.Services.GetRequiredService<MatchLists>();
            var clock = Stopwatch.StartNew();
            while (lists.ServingVersion is null && clock.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(100);
            if (lists.ServingVersion is null) throw new TimeoutException("the first full match pass did not finish");
            var store = host.Services.GetRequiredService<RecordStore>();
            var needs = store.ActiveIds(RecordKind.Need);
            var client = host.Services.GetRequiredService<IBackgroundJobClient>();
            var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
            // The same work without the job system, on one thread: what the storage's own queries cost.
            var maintainer = host.Services.GetRequiredService<MatchMaintainer>();
            var direct = Stopwatch.StartNew();
            for (var i = 0; i < Math.Min(jobs, 200); i++) maintainer.RematchNeed(needs[i % needs.Count]);
            Console.WriteLine($"jobs {name} direct: {Math.Min(jobs, 200) / direct.Elapsed.TotalSeconds:F1} re-matches/s on one thread, without the queue");
            var rates = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var before = monitoring.SucceededListCount();
                var timer = Stopwatch.StartNew();
                for (var i = 0; i < jobs; i++)
                {
                    var need = needs[i % needs.Count];
                    client.Enqueue<MatchJob>(j => j.Need(need));
                }
                while (monitoring.SucceededListCount() - before < jobs && timer.Elapsed < TimeSpan.FromMinutes(10)) Thread.Sleep(20);
                timer.Stop();
                rates.Add(jobs / timer.Elapsed.TotalSeconds);
                Console.WriteLine($"jobs {name} run {run + 1}: {jobs} jobs in {timer.Elapsed.TotalSeconds:F2} s ({rates[^1]:F1}/s)");
            }
            host.StopAsync().GetAwaiter().GetResult();
            rates.Sort();
            return rates[rates.Count / 2];
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { root.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static void Admin(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
