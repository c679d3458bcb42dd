using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.States;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Bench;
using Matching.Jobs.Jobs;
using Matching.Tests.Shared;

namespace Matching.Jobs.Tests.Cli;

/// <summary>
/// PostgreSQL goes away for 20 seconds while a job server (`serve`, a child process) imports: no job is lost, and all
/// finish once it is back — including the ones that were mid-flight, which the storage would otherwise hand out again
/// only after its 30-minute invisibility timeout.
/// </summary>
public sealed class PostgresOutageTests() : CliScratch("matching-outage-")
{
    private const int Imports = 10, Rows = 2_000;

    [Fact]
    public void PostgresStoppedFor20Seconds_WhileJobsRun_LosesNoJob_AndAllFinishAfterItReturns()
    {
        using var postgres = new OwnPostgres();
        var environment = new Dictionary<string, string>
        {
            ["Matching__Database"] = "Postgres", ["Matching__PostgresConnectionString"] = postgres.ConnectionString,
            ["Jobs__QueuePollMilliseconds"] = "100", ["Jobs__ImportHeartbeatTimeoutSeconds"] = "10", ["Matching__SeedDemoData"] = "false",
        };
        using var server = new ServeProcess(Data, Root, environment);
        server.Start();
        var database = MatchingDatabase.Postgres(postgres.ConnectionString);
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        var storage = new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(postgres.ConnectionString, options), options);
        var jobs = new BackgroundJobClient(storage);
        var runs = new ImportRuns(database);
        var imports = new List<(string Import, string Job)>();
        for (var n = 0; n < Imports; n++)
        {
            var importId = $"outage-{n:D2}";
            var folder = ImportJob.UploadFolder(Data, importId);
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "results.jsonl"), Enumerable.Range(0, Rows).Select(i =>
                $$"""{"id":"O{{n:D2}}-{{i:D4}}","title":"第{{n}}批第{{i}}号：高速列车轴箱轴承状态监测","abstract":"振动与温度融合的轴承早期故障诊断。","keywords":["轨道交通","故障诊断"],"language":"zh"}"""));
            runs.Create(importId, ["results.jsonl"]);
            var job = jobs.Enqueue<ImportJob>(j => j.Run(importId, null, null, CancellationToken.None));
            runs.SetJob(importId, job);
            imports.Add((importId, job));
        }

        // The database goes away while the first imports run, and comes back 20 seconds later.
        Assert.True(Poll.Until(() => runs.Get(imports[0].Import)!.Status != ImportRuns.Queued, TimeSpan.FromSeconds(60)), "no import started");
        postgres.Stop();
        // The outage lasts 20 seconds (the figure); the server must not exit meanwhile.
        Assert.False(server.WaitForExit(TimeSpan.FromSeconds(20)), "the job server died while the database was away");
        postgres.Start();
        Npgsql.NpgsqlConnection.ClearAllPools(); // this test's own pooled connections died with the server

        if (!Poll.Until(() => imports.All(x => runs.Get(x.Import)!.Status == ImportRuns.Succeeded), TimeSpan.FromMinutes(4)))
            Assert.Fail("not every import finished after the database returned: " + string.Join(", ", imports.Select(x => $"{x.Import} {runs.Get(x.Import)!.Status}")));
        Assert.True(server.Running);
        server.Stop();

        var store = new RecordStore(database);
        Assert.Equal(Imports * Rows, store.ActiveIds(RecordKind.Result).Count);
        Assert.All(imports, x => Assert.Equal(Rows, runs.Get(x.Import)!.Report!.Files.Sum(f => f.Accepted)));
        // No job lost: every job the imports were given ended in a final state, none stuck as processing.
        var monitoring = storage.GetMonitoringApi();
        var processing = monitoring.ProcessingJobs(0, 20).Select(j => $"{j.Key} {j.Value.Job?.Type.Name}.{j.Value.Job?.Method.Name} on {j.Value.ServerId} since {j.Value.StartedAt:O}").ToList();
        Assert.True(processing.Count == 0, "still processing after the server stopped: " + string.Join("; ", processing));
        Assert.Equal(0, monitoring.EnqueuedCount("default"));
    }
}
