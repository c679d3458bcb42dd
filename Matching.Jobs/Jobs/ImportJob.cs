using Hangfire;
using Hangfire.Server;
using Matching.Engine;
using Matching.Engine.Import;
using Matching.Engine.Storage;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Jobs;

/// <summary>
/// Imports the files of one upload (saved under data/uploads/{importId}) and stores the report; the index owner
/// picks the rows up from the change log within a second. Re-running it re-imports the same rows, which only updates them.
/// </summary>
public sealed class ImportJob(Importer importer, ImportRuns runs, IOptions<MatchingOptions> options)
{
    public static string UploadFolder(string dataPath, string importId) => Path.Combine(dataPath, "uploads", importId);

    /// <summary>The signature jobs were queued with before dry runs; such a job imports for real.</summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 3, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public void Run(string importId, string? encoding, PerformContext? context, CancellationToken cancellationToken) =>
        Run(importId, encoding, false, context, cancellationToken);

    /// <summary>Imports the upload; a <paramref name="dryRun"/> checks every row and reports what it would change, writing nothing.</summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 3, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public void Run(string importId, string? encoding, bool dryRun, PerformContext? context, CancellationToken cancellationToken)
    {
        var run = runs.Get(importId) ?? throw new InvalidOperationException($"no import {importId}");
        // A second copy of a finished import (a requeue that raced the first, a job forced to run again) changes nothing.
        if (run.FinishedAt is not null) return;
        runs.SetRunning(importId, Engine.Hosting.ProcessOwner.Current);
        try
        {
            var folder = UploadFolder(options.Value.DataPath, importId);
            var files = run.Files.Select(f => (Path.Combine(folder, f), Importer.KindOf(f)!.Value)).ToList();
            var report = importer.Import(files, encoding, new Heartbeat(runs, importId, new JobProgressReporter(context)), cancellationToken, runs.OwnerOf(importId), dryRun);
            runs.Finish(importId, report);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is shutting down past its grace period: the batches committed so far stay, the run goes back
            // to the queue, and Hangfire runs the job again on the next start (its rows are upserted by id).
            runs.Requeue(importId, context?.BackgroundJob.Id ?? run.JobId ?? "");
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            runs.Fail(importId, e.Message);
            throw;
        }
    }

    /// <summary>Passes progress on, and tells the database every two seconds that this import's runner is alive.</summary>
    private sealed class Heartbeat(ImportRuns runs, string importId, IProgress<Engine.Progress.JobProgress> inner) : IProgress<Engine.Progress.JobProgress>
    {
        private long _last = Environment.TickCount64;

        public void Report(Engine.Progress.JobProgress value)
        {
            inner.Report(value);
            if (Environment.TickCount64 - _last < 2_000) return;
            _last = Environment.TickCount64;
            runs.Heartbeat(importId);
        }
    }
}
