using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.States;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Bench;
using Matching.Jobs.Jobs;
using Matching.Tests.Shared;

namespace Matching.Jobs.Tests.Cli;

/// <summary>
/// Scale-out on one machine over one PostgreSQL database: two job servers share the queue (each import runs once, on
/// one of them, and both take some), one owns the shared index's writers, and a third process with an index copy of
/// its own catches that copy up from the change log to exactly the database's records.
/// </summary>
public sealed class ScaleOutTests() : CliScratch("matching-scale-")
{
    private const int Imports = 30, Rows = 200;

    [Fact]
    public void TwoServersOnOnePostgres_ShareTheWork_RunNothingTwice_AndAThirdIndexCopyCatchesUp()
    {
        var (database, drop) = TestPostgres.CreateDatabase();
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Matching__Database"] = "Postgres", ["Matching__PostgresConnectionString"] = database.PostgresConnectionString!,
                ["Jobs__QueuePollMilliseconds"] = "100",
            };
            using var first = new ServeProcess(Data, Root, environment);
            first.Start(); // migrates, seeds the demo data, takes the index writers
            using var second = new ServeProcess(Data, Path.Combine(Root, "second"), environment);
            Directory.CreateDirectory(Path.Combine(Root, "second"));
            second.Start(); // same data directory: reads the index, serves every queue but "index"
            var ownIndex = Path.Combine(Root, "own-index");
            using var third = new ServeProcess(Path.Combine(Root, "third-data"), Path.Combine(Root, "third"),
                new Dictionary<string, string>(environment) { ["Matching__IndexDirectory"] = ownIndex, ["Jobs__Queues__0"] = "events" });
            Directory.CreateDirectory(Path.Combine(Root, "third"));
            third.Start();

            var storage = new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(database.PostgresConnectionString!, new PostgreSqlStorageOptions { SchemaName = "hangfire" }),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false });
            var jobs = new BackgroundJobClient(storage);
            var runs = new ImportRuns(database);
            var ids = new List<(string Import, string Job)>();
            for (var n = 0; n < Imports; n++)
            {
                var importId = $"share-{n:D2}";
                var folder = ImportJob.UploadFolder(Data, importId);
                Directory.CreateDirectory(folder);
                File.WriteAllLines(Path.Combine(folder, "results.jsonl"), Enumerable.Range(0, Rows).Select(i =>
                    $$"""{"id":"S{{n:D2}}-{{i:D4}}","title":"第{{n}}批第{{i}}号：氢燃料电池双极板涂层","abstract":"金属双极板导电耐蚀涂层，接触电阻低于10 mΩ·cm²。","keywords":["燃料电池","双极板"],"language":"zh"}"""));
                runs.Create(importId, ["results.jsonl"]);
                var job = jobs.Enqueue<ImportJob>(j => j.Run(importId, null, null, CancellationToken.None));
                runs.SetJob(importId, job);
                ids.Add((importId, job));
            }
            Assert.True(Poll.Until(() => ids.All(x => runs.Get(x.Import)!.Status == ImportRuns.Succeeded), TimeSpan.FromMinutes(3)), "the imports did not all finish");

            // Each import job was processed once, and both servers of the shared data directory took some.
            var monitoring = storage.GetMonitoringApi();
            var servers = new List<string>();
            foreach (var (_, job) in ids)
            {
                var processing = monitoring.JobDetails(job).History.Where(h => h.StateName == ProcessingState.StateName).ToList();
                Assert.Single(processing);
                servers.Add(processing[0].Data["ServerId"]);
            }
            var byServer = servers.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(byServer.Count >= 2, $"one server did all the work: {string.Join(", ", byServer.Select(b => $"{b.Key} {b.Value}"))}");
            var store = new RecordStore(database);
            Assert.Equal(Imports * Rows, store.ActiveIds(RecordKind.Result).Count(id => id.StartsWith('S')));

            // The shared index and the third process's own copy both reach the log and hold exactly the live records.
            Assert.True(Poll.Until(() => Poll.IndexCaughtUp(Path.Combine(Data, "index"), store) && Poll.IndexCaughtUp(ownIndex, store), TimeSpan.FromMinutes(2)), "an index did not catch up");
            third.Stop();
            first.Stop();
            second.Stop();
            foreach (var root in new[] { Path.Combine(Data, "index"), ownIndex })
            {
                using var indexes = IndexSet.OpenWriters(root, new Engine.Text.MatchingAnalyzer());
                var check = new IndexMaintainer(store, indexes).Verify(repair: false, catchUp: false);
                Assert.True(check.Clean, $"{root}: {check}");
            }
        }
        finally
        {
            drop();
        }
    }
}
