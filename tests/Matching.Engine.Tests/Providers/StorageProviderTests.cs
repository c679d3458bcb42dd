using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Matching.Engine.Events;
using Matching.Engine.Features;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Vectors;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Providers;

/// <summary>
/// The storage layer against both providers it supports: a SQLite file and a real PostgreSQL server (started by the
/// test command). The same writes must read back the same, and the change log must be followable while writers run.
/// </summary>
public class StorageProviderTests
{
    public static readonly TheoryData<DatabaseProvider> Providers = new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_RunOnce_AndTwoProcessesStartingTogetherMigrateOnce(DatabaseProvider provider)
    {
        using var data = new TempDataDirectory(provider);
        Assert.Equal(0, Migrator.Migrate(data.Database));
        using var connection = data.Database.Open();
        var versions = connection.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList();
        Assert.Equal(versions.Distinct().Count(), versions.Count);
        Assert.True(versions.Count >= 6);
        // Processes starting together on a new database: the lock (PostgreSQL) or BEGIN IMMEDIATE and a re-check (SQLite)
        // keep it to one run of each migration.
        var (fresh, drop) = provider == DatabaseProvider.Postgres
            ? TestPostgres.CreateDatabase()
            : (new MatchingDatabase(Path.Combine(data.Path, "fresh.db")), () => { });
        try
        {
            var ran = new ConcurrentBag<int>();
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => ran.Add(Migrator.Migrate(fresh)));
            // Each migration ran once, in whichever process took it (SQLite locks per migration, PostgreSQL per run).
            Assert.Equal(versions.Count, ran.Sum());
            using (var c = fresh.Open())
                Assert.Equal(versions, c.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList());
            Assert.Equal(Tables(data.Database), Tables(fresh));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            drop();
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ListsBoundAsOneParameter_FindExactlyTheirValues_WhateverCharactersTheyHold(DatabaseProvider provider)
    {
        using var data = new TempDataDirectory(provider);
        var ids = new[] { "r-1", "含\"引号\"的编号", "back\\slash", "it's", "r-1 ", "😀", "" };
        var vectors = new RecordVectors(data.Database);
        vectors.Put(RecordKind.Result, "m", ids.Select((id, i) => new StoredVector(id, "h" + i, [i, 1f])));
        vectors.Put(RecordKind.Result, "other", [new StoredVector("r-1", "x", [9f])]);
        // Each stored id reads back its own row; an id that differs by a space, or is absent, reads nothing.
        var found = vectors.Get(RecordKind.Result, ["m"], [.. ids, "r-2", "R-1"])["m"];
        Assert.Equal(ids.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        for (var i = 0; i < ids.Length; i++) Assert.Equal([i, 1f], found[ids[i]].Vector);
        Assert.Equal(ids.Length, vectors.Hashes(RecordKind.Result, "m", ids).Count);
        Assert.All(vectors.Get(RecordKind.Result, ["m", "other"], []).Values, Assert.Empty);
        Assert.Equal(["x"], vectors.Get(RecordKind.Result, ["m", "other"], ["r-1"])["other"].Values.Select(v => v.TextHash));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void TheDemoImport_ReadsBackTheSameFromEitherProvider(DatabaseProvider provider)
    {
        using var reference = new TempDataDirectory();
        using var data = new TempDataDirectory(provider);
        reference.SeedDemo();
        data.SeedDemo();
        Assert.Equal(Snapshot(reference.Store), Snapshot(data.Store));
        Assert.Equal(reference.Store.LastSeq(), data.Store.LastSeq());
        Assert.Equal(reference.Store.ChangesAfter(0, 10_000).Select(c => (c.Entity, c.EntityId, c.Op)), data.Store.ChangesAfter(0, 10_000).Select(c => (c.Entity, c.EntityId, c.Op)));

        // Lists with filters, sorting and paging; names and aliases; closing expired needs.
        var query = new ListQuery { Industry = reference.Store.GetNeeds(reference.Store.ActiveIds(RecordKind.Need))[0].Industries[0], Sort = "-title", PageSize = 7, Page = 2 };
        Assert.Equal(reference.Store.ListNeeds(query).Items.Select(n => n.Id), data.Store.ListNeeds(query).Items.Select(n => n.Id));
        Assert.Equal(reference.Store.ListNeeds(query).Total, data.Store.ListNeeds(query).Total);
        Assert.Equal(reference.Store.Regions(), data.Store.Regions());
        var organisation = reference.Store.ListOrganisations(new ListQuery { PageSize = 1 }).Items[0];
        Assert.Equal(organisation.Id, data.Store.ResolveOrganisation(organisation.Name));
        using (var w = data.Store.BeginWrite())
        {
            Assert.NotEmpty(w.CloseExpiredNeeds(new DateOnly(2099, 1, 1)));
            w.Commit();
        }
        Assert.DoesNotContain(data.Store.GetNeeds(data.Store.ActiveIds(RecordKind.Need)), n => n.Deadline is not null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheChangeLog_IsFollowedWithoutGaps_WhileFourWritersCommitAtOnce(DatabaseProvider provider)
    {
        using var data = new TempDataDirectory(provider);
        const int writers = 4, transactions = 40;
        using var stop = new CancellationTokenSource();
        var seen = new HashSet<string>();
        var follower = Task.Factory.StartNew(() =>
        {
            long cursor = 0;
            while (true)
            {
                var finished = stop.IsCancellationRequested;
                foreach (var change in data.Store.ChangesAfter(cursor, 500))
                {
                    Assert.True(change.Seq > cursor);
                    cursor = change.Seq;
                    seen.Add(change.EntityId);
                }
                if (finished && data.Store.ChangesAfter(cursor, 1).Count == 0) return;
            }
        }, TaskCreationOptions.LongRunning);
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (var t = 0; t < transactions; t++)
            {
                using var writer = data.Store.BeginWrite();
                writer.Upsert(new ResearchResult { Id = $"R-W{w}-{t}-a", Title = "并发写入 a" });
                writer.Upsert(new ResearchResult { Id = $"R-W{w}-{t}-b", Title = "并发写入 b" });
                writer.Commit();
            }
        });
        await stop.CancelAsync();
        await follower;
        // A follower that moved its cursor past a sequence taken earlier but committed later would have missed it.
        Assert.Equal(writers * transactions * 2, seen.Count);
        Assert.Equal(writers * transactions * 2, data.Store.ActiveIds(RecordKind.Result).Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EventsMatchesVectorsRegistryAndImports_RoundTrip(DatabaseProvider provider)
    {
        using var data = new TempDataDirectory(provider);
        data.SeedDemo();
        data.Maintainer().CatchUp();

        // Events: the demo event generated over BM25 lists, its meetings, outcomes into judgements and the log.
        var retriever = data.Retriever();
        var scorer = new MatchScorer(new FeatureExtractor(data.Indexes!, data.Store, new Matching.Engine.Candidates.QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms()), TaxonomyFiles.DefaultTaxonomy()),
            new RecordVectors(data.Database), data.Store, retriever);
        var lists = new MatchLists(data.Store, retriever, new ModelHost(TempDataDirectory.Analyzer), scorer);
        var events = new EventStore(data.Database);
        Assert.True(DemoEvent.SeedIfMissing(events, new EventPlanner(data.Store, events, lists)));
        events.AddParticipants(DemoEvent.Id, events.Participants(DemoEvent.Id)); // again: nothing doubles
        var meetings = events.Meetings(DemoEvent.Id);
        Assert.NotEmpty(meetings);
        var first = meetings[0];
        var before = data.Store.LastSeq();
        var report = events.RecordOutcomes(DemoEvent.Id, [new MeetingOutcome(first.Enterprise, first.OfferKind, first.OfferId, true, "signed", 120m, "签约")]);
        Assert.Equal((1, 1), (report.Recorded, report.Judgements));
        Assert.True(data.Store.LastSeq() > before);
        Assert.Contains(data.Store.Judgements($"event:{DemoEvent.Id}"), j => j.CandidateId == first.OfferId && j.Grade == 3);

        // Stored match lists.
        var matches = new MatchStore(data.Database);
        matches.StartPass("m1", 5);
        matches.Put(5, [new StoredLists("m1", "n-display-01", [new StoredMatch("R1", 0.9, 3.5f, 1, 1.0), new StoredMatch("R2", 0.8, 3.0f, 2, 0.86)], [new StoredMatch("E1", 0.7, 2f, 1, 1, "R1", 0.9)])]);
        matches.CompletePass("m1");
        Assert.Equal("m1", matches.Serving(null));
        var stored = matches.Get("m1", "n-display-01")!;
        Assert.Equal(["R1", "R2"], stored.Results.Select(r => r.CandidateId));
        Assert.Equal(("R1", 0.9), (stored.Experts[0].BestResultId!, stored.Experts[0].BestResultScore!.Value));
        Assert.Equal(["n-display-01"], matches.NeedsListing("m1", ["R2"]));

        // Vectors as bytes, and log cursors.
        var vectors = new RecordVectors(data.Database);
        vectors.Put(RecordKind.Result, "test-model", [new StoredVector("R1", "hash", [0.25f, -1.5f, 3f])]);
        Assert.Equal([0.25f, -1.5f, 3f], vectors.Get(RecordKind.Result, "test-model", ["R1"])["R1"].Vector);
        vectors.SetCursor("c", 42);
        vectors.SetCursor("c", 43);
        Assert.Equal(43, vectors.Cursor("c"));

        // The model registry.
        var registry = new ModelRegistry(data.Database, TempDataDirectory.Analyzer, data.Path);
        Assert.NotNull(registry.EnsureShipped(ShippedModel.Folder));
        Assert.Equal(["registered", "promoted"], registry.History().Select(h => h.Action));

        // Import runs keep their report.
        var runs = new ImportRuns(data.Database);
        runs.Create("imp-1", ["results.jsonl"]);
        runs.Fail("imp-1", "磁盘已满");
        Assert.Equal(("failed", "磁盘已满"), (runs.Get("imp-1")!.Status, runs.Get("imp-1")!.Error!));

        // A consistent SQLite snapshot of the whole database (what training and backups read).
        var copy = Path.Combine(data.Path, "snapshot.db");
        data.Database.BackupTo(copy);
        var snapshot = new MatchingDatabase(copy);
        Assert.Equal(Snapshot(data.Store), Snapshot(new RecordStore(snapshot)));
        using var a = data.Database.Open();
        using var b = snapshot.Open();
        foreach (var table in new[] { "changes", "judgements", "event_meetings", "match_lists", "record_vectors", "model_versions" })
            Assert.Equal(a.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}"), b.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static string Snapshot(RecordStore store)
    {
        var results = store.GetResults(store.ActiveIds(RecordKind.Result)).OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r with { UpdatedAt = null });
        var needs = store.GetNeeds(store.ActiveIds(RecordKind.Need)).OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r with { UpdatedAt = null });
        var experts = store.GetExperts(store.ActiveIds(RecordKind.Expert)).OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r with { UpdatedAt = null });
        var judgements = store.Judgements();
        return JsonSerializer.Serialize(new { results, needs, experts, judgements });
    }

    private static List<string> Tables(MatchingDatabase database)
    {
        using var connection = database.Open();
        return (database.Provider == DatabaseProvider.Postgres
                ? connection.Query<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                : connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            .Order(StringComparer.Ordinal).ToList();
    }
}
