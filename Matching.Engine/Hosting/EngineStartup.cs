using Matching.Engine.Demo;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Matching.Engine.Hosting;

/// <summary>
/// Brings the engine up in order: schema migrations, the index (writers when this process owns it, CheckIndex
/// first), demo data into an empty database, expired needs closed, and the index caught up from the change log.
/// Then it keeps polling the log once a second, so whatever reaches the database — from this process, a CLI import
/// or another node — reaches the index, whatever the job queue's state.
/// </summary>
public sealed class EngineStartup(
    IOptions<MatchingOptions> options, MatchingDatabase database, RecordStore store, IndexHost indexHost,
    DemoSeeder seeder, Scoring.ModelHost models, IServiceProvider services, ILogger<EngineStartup> logger, Embeddings.SentenceEncoders encoders) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    // Up to this many changes are applied before serving; an empty index over more is rebuilt in the background.
    private const long SynchronousBacklog = IndexMaintainer.RebuildFromEmptyAbove;
    private IndexMaintainer? _maintainer;
    private bool _corrupt;
    private bool _waitingForIndex;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var ran = Migrator.Migrate(database);
        logger.LogInformation("Database {Database}: {Migrations} migration(s) applied", database.Description, ran);

        var registry = services.GetRequiredService<Scoring.ModelRegistry>();
        try
        {
            if (string.IsNullOrWhiteSpace(options.Value.ModelDirectory) && registry.EnsureShipped(Path.Combine(AppContext.BaseDirectory, "models")) is { } shipped)
                logger.LogInformation("Model registry: the shipped model {Version} is version 1", shipped.Version);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Data.Common.DbException)
        {
            // Two processes starting on one data directory may both try; one registers, the other serves what it did.
            logger.LogWarning("The shipped model was not registered here: {Message}", e.Message);
        }
        models.LoadFirst(registry.ServingFolders(options.Value));

        if (options.Value.OwnsIndex)
        {
            try
            {
                indexHost.OpenWriters(message =>
                {
                    _corrupt = true;
                    logger.LogWarning("{Message}", message);
                });
                _maintainer = services.GetRequiredService<IndexMaintainer>();
                _maintainer.RebuiltFromEmpty += (documents, took) => logger.LogWarning("Index rebuilt from the database{After}: {Documents} documents in {Seconds:F1} s",
                    _corrupt ? " after failing CheckIndex" : "", documents, took.TotalSeconds);
            }
            catch (IndexLockedException e)
            {
                logger.LogWarning("{Message}. This process serves the index read-only.", e.Message);
                TryOpenReaders();
            }
        }
        else TryOpenReaders();

        // Chinese dense features need the encoder the build fetches; without it the app runs, and says so here and in /health/details.
        if (encoders.ChineseMissing is { } encoderMissing)
            logger.LogWarning("Chinese dense features are off: {Missing}", encoderMissing);

        var demoSeeded = false;
        if (options.Value.SeedDemoData && seeder.SeedIfEmpty() is { } seeded)
        {
            foreach (var file in seeded.Files) logger.LogInformation("Demo data: {File}", file.ToString());
            demoSeeded = true;
        }

        using (var writer = store.BeginWrite())
        {
            var closed = writer.CloseExpiredNeeds(DateOnly.FromDateTime(DateTime.Today));
            writer.Commit();
            if (closed.Count > 0) logger.LogInformation("Closed {Count} need(s) past their deadline", closed.Count);
        }
        if (_maintainer is not null)
        {
            // A small backlog (first start, a few edits) is applied before serving, so the first page shows matches;
            // a large one (a rebuilt index, a big import made while stopped) is left to the poller while we serve,
            // and /health says "Degraded" until it is done.
            var backlog = store.LastSeq() - indexHost.Indexes.AppliedSeq;
            if (backlog <= SynchronousBacklog)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var applied = _maintainer.CatchUp(cancellationToken: cancellationToken);
                logger.LogInformation("Index {Root}: caught up with {Changes} change(s), at sequence {Seq}", indexHost.Root, applied, indexHost.Indexes.AppliedSeq);
                if (_corrupt) logger.LogWarning("Index rebuilt after failing CheckIndex in {Seconds:F1} s", clock.Elapsed.TotalSeconds);
            }
            else if (indexHost.Indexes.AppliedSeq == 0)
                logger.LogInformation("Index {Root}: empty, with {Backlog} changes in the log; rebuilding from the database in the background", indexHost.Root, backlog);
            else logger.LogInformation("Index {Root}: {Backlog} changes behind; catching up in the background", indexHost.Root, backlog);
            // On the first start over the demo data, the demo event is generated once the index holds it.
            if (demoSeeded && backlog <= SynchronousBacklog) SeedDemoEvent();
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (_maintainer is not null) _maintainer.CatchUp(cancellationToken: stoppingToken);
                else if (indexHost.IsOpen || TryOpenReaders()) indexHost.Indexes.Refresh();
                FollowPromotions();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e)
            {
                // Logged and retried on the next tick: the change log still holds what was not applied.
                logger.LogError(e, "Index catch-up failed; retrying");
            }
        }
    }

    /// <summary>A version promoted or rolled back in the registry (by any process) replaces the serving model here.</summary>
    private void FollowPromotions()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ModelDirectory)) return;
        var registry = services.GetRequiredService<Scoring.ModelRegistry>();
        if (registry.ActiveVersion() is not { } active || active.Version == models.Current?.Version || active.Version == _unloadable) return;
        if (models.LoadActive(registry) is { } loaded) logger.LogInformation("Now serving model {Version} (promoted in the registry)", loaded.Version);
        else _unloadable = active.Version; // logged once by LoadFirst; tried again when the active version changes
    }

    private string? _unloadable;

    /// <summary>The demo event is generated once, over the demo data, so the events pages have something on first start.</summary>
    private void SeedDemoEvent()
    {
        try
        {
            if (Events.DemoEvent.SeedIfMissing(services.GetRequiredService<EventStore>(), services.GetRequiredService<Events.EventPlanner>()))
                logger.LogInformation("Demo event {Id} generated", Events.DemoEvent.Id);
        }
        catch (Exception e) when (e is Events.MeetingProblemException or InvalidOperationException)
        {
            logger.LogWarning("The demo event was not generated: {Message}", e.Message);
        }
    }

    // A reader process may start before the job server has built the index: it serves 503 for searches until the
    // index appears, and opens it then.
    private bool TryOpenReaders()
    {
        try
        {
            indexHost.OpenReaders();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Lucene.Net.Index.IndexNotFoundException)
        {
            if (!_waitingForIndex) logger.LogWarning("The index is not there yet ({Message}); retrying every second", e.Message);
            _waitingForIndex = true;
            return false;
        }
    }

    /// <summary>The maintainer, when this process owns the index writers.</summary>
    public IndexMaintainer? Maintainer => _maintainer;
}
