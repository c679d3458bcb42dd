using System.Diagnostics;
using Hangfire;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Bench;
using Matching.Jobs.Jobs;
using Matching.Engine;
using Microsoft.Extensions.DependencyInjection;

using Matching.Tests.Shared;

namespace Matching.Jobs.Tests.Cli;

/// <summary>
/// A real job server (`serve`, a child process) stopped with SIGTERM while it imports: a job that cannot finish within
/// the grace period is cancelled through its token, goes back to the queue and runs again on the next start; a short
/// one finishes; either way every row lands once. And a job run twice leaves the database as running it once.
/// </summary>
public sealed class ServeLifecycleTests() : CliScratch("matching-serve-")
{
    private const int LongRows = 50_000, ShortRows = 300;

    [Fact]
    public void Sigterm_CancelsALongImportThatRunsAgainOnRestart_LetsAShortOneFinish_AndEveryRowLandsOnce()
    {
        var environment = new Dictionary<string, string>
        {
            ["Jobs__StopTimeoutSeconds"] = "1", ["Jobs__QueuePollMilliseconds"] = "100", ["Matching__SeedDemoData"] = "false",
        };
        using var server = new ServeProcess(Data, Root, environment);
        server.Start();
        var database = new MatchingDatabase(Path.Combine(Data, "matching.db"));
        var store = new RecordStore(database);
        var runs = new ImportRuns(database);
        var jobs = new BackgroundJobClient(new Hangfire.Storage.SQLite.SQLiteStorage(Path.Combine(Data, "hangfire.db"), new Hangfire.Storage.SQLite.SQLiteStorageOptions()));
        Matching.Jobs.DependencyInjection.ConfigureStorage(GlobalConfiguration.Configuration, new Engine.MatchingOptions { DataDirectory = Data }, new JobsOptions(), Data);

        // A long import, stopped once some of its batches are committed: cancelled after the 1 s grace, back in the queue.
        Enqueue(jobs, runs, "long", "L", LongRows);
        Assert.True(Poll.Until(() => runs.Get("long")!.Status == ImportRuns.Running && store.LastSeq() > 2_000, TimeSpan.FromSeconds(90)), "the long import never got going");
        Assert.True(server.Stop(TimeSpan.FromSeconds(60)), "the server did not exit on SIGTERM");
        Assert.Equal(0, server.ExitCode);
        var stopped = runs.Get("long")!;
        Assert.Null(stopped.FinishedAt);
        Assert.Equal(ImportRuns.Queued, stopped.Status);
        var partial = store.ActiveIds(RecordKind.Result).Count;
        Assert.InRange(partial, 1, LongRows - 1);

        // Restarted: the long import runs again; a short one enqueued meanwhile finishes within the grace period of the next SIGTERM.
        server.Start();
        Assert.True(Poll.Until(() => runs.Get("long")!.Status == ImportRuns.Running, TimeSpan.FromSeconds(60)), "the cancelled import did not run again");
        Enqueue(jobs, runs, "short", "S", ShortRows);
        Poll.Until(() => runs.Get("short")!.Status != ImportRuns.Queued, TimeSpan.FromSeconds(60));
        Assert.True(server.Stop(TimeSpan.FromSeconds(60)));
        Assert.Equal(ImportRuns.Succeeded, runs.Get("short")!.Status);

        // And once more, to the end: every row of both imports once, each report whole.
        server.Start();
        Assert.True(Poll.Until(() => runs.Get("long")!.Status == ImportRuns.Succeeded, TimeSpan.FromMinutes(3)), "the long import did not finish after the restart");
        Assert.True(server.Stop(TimeSpan.FromSeconds(60)));
        Assert.Equal(LongRows, runs.Get("long")!.Report!.Files.Sum(f => f.Accepted));
        Assert.Equal(ShortRows, runs.Get("short")!.Report!.Files.Sum(f => f.Accepted));
        var ids = store.ActiveIds(RecordKind.Result);
        Assert.Equal(LongRows + ShortRows, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // A finished import forced to run again changes nothing: no row rewritten, no change logged.
        var before = store.LastSeq();
        var services = CliHostForTests(Data);
        services.GetRequiredService<ImportJob>().Run("long", null, null, CancellationToken.None);
        Assert.Equal(before, store.LastSeq());
    }

    private static IServiceProvider CliHostForTests(string data)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Matching:DataDirectory"] = data;
        builder.Services.AddOptions<Engine.MatchingOptions>().BindConfiguration(Engine.MatchingOptions.SectionName);
        builder.Services.AddMatchingEngineServices();
        builder.Services.AddSingleton<IBackgroundJobClient>(new BackgroundJobClient(new Hangfire.Storage.SQLite.SQLiteStorage(Path.Combine(data, "hangfire.db"), new Hangfire.Storage.SQLite.SQLiteStorageOptions())));
        builder.Services.AddTransient<ImportJob>();
        return builder.Build().Services;
    }

    private void Enqueue(IBackgroundJobClient jobs, ImportRuns runs, string importId, string prefix, int rows)
    {
        var folder = ImportJob.UploadFolder(Data, importId);
        Directory.CreateDirectory(folder);
        using (var writer = new StreamWriter(Path.Combine(folder, "results.jsonl")))
            for (var i = 0; i < rows; i++)
                writer.WriteLine($$"""{"id":"{{prefix}}-{{i:D6}}","title":"第{{i}}号成果：锂电池极片干法涂布工艺","abstract":"面向动力电池的干法电极工艺，降低能耗与溶剂排放。","keywords":["锂电池","干法电极"],"language":"zh"}""");
        runs.Create(importId, ["results.jsonl"]);
        runs.SetJob(importId, jobs.Enqueue<ImportJob>(j => j.Run(importId, null, null, CancellationToken.None)));
    }
}
