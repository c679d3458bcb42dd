using Dapper;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Tests.Shared;

namespace Matching.Engine.Tests.Backups;

/// <summary>Backups taken while records are written and indexed restore to a consistent data directory.</summary>
public class DataBackupTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly List<string> _cleanup = [];

    public void Dispose()
    {
        _data.Dispose();
        foreach (var path in _cleanup)
        {
            try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); else File.Delete(path); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task ABackupTakenWhileJobsRun_RestoresToTheSameConsistentState()
    {
        _data.SeedDemo();
        var registry = new ModelRegistry(_data.Database, TempDataDirectory.Analyzer, _data.Path);
        registry.EnsureShipped(ShippedModel.Folder);
        var maintainer = _data.Maintainer();
        maintainer.CatchUp();

        // Jobs running: an import writing results and judgements in small transactions, and the index catching up.
        using var stop = new CancellationTokenSource();
        using var committed = new SemaphoreSlim(0); // released once per committed transaction of five results
        var writer = Task.Factory.StartNew(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var w = _data.Store.BeginWrite();
                for (var j = 0; j < 5; j++)
                    w.Upsert(new ResearchResult { Id = $"R-BK-{i:D5}-{j}", Title = $"备份期间写入的成果 {i}-{j}：锂电池极片涂布工艺", Keywords = ["锂电池", "涂布"], Language = "zh" });
                w.Upsert(new Judgement("n-display-01", $"R-BK-{i:D5}-0", i % 4, "feedback"));
                w.Commit();
                committed.Release();
            }
        }, TaskCreationOptions.LongRunning);
        var indexer = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested) maintainer.CatchUp();
        }, TaskCreationOptions.LongRunning);

        var backups = new List<(string File, BackupManifest Manifest)>();
        while (backups.Count < 3)
        {
            // Ten more transactions (50 results) between one backup and the next.
            while (committed.CurrentCount > 0) await committed.WaitAsync();
            for (var t = 0; t < 10; t++) await committed.WaitAsync();
            var file = Path.Combine(Path.GetTempPath(), $"matching-backup-test-{Guid.NewGuid():N}.zip");
            _cleanup.Add(file);
            backups.Add((file, DataBackup.Create(_data.Path, _data.Database, file)));
        }
        await stop.CancelAsync();
        await Task.WhenAll(writer, indexer);
        Assert.True(backups.Select(b => b.Manifest.LastSeq).Distinct().Count() == 3, "the writes went on between backups");

        foreach (var (file, manifest) in backups)
        {
            var target = Path.Combine(Path.GetTempPath(), "matching-restore-" + Guid.NewGuid().ToString("N")[..10]);
            _cleanup.Add(target);
            var restoredManifest = DataBackup.Restore(file, target);
            Assert.Equal(manifest.LastSeq, restoredManifest.LastSeq);

            var database = new MatchingDatabase(Path.Combine(target, "matching.db"));
            Migrator.Migrate(database);
            var store = new RecordStore(database);
            using (var connection = database.Open())
            {
                // Records and the change log were copied at one moment: every record has its change, every change its record.
                Assert.Equal(0, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM results WHERE id NOT IN (SELECT entity_id FROM changes WHERE entity = 'result')"));
                Assert.Equal(0, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM changes WHERE entity = 'result' AND entity_id NOT IN (SELECT id FROM results)"));
                Assert.Equal(manifest.Rows["results"], connection.ExecuteScalar<long>("SELECT COUNT(*) FROM results"));
                Assert.Equal(manifest.Rows["judgements"], connection.ExecuteScalar<long>("SELECT COUNT(*) FROM judgements"));
            }
            // The same active model, with its files.
            var restoredRegistry = new ModelRegistry(database, TempDataDirectory.Analyzer, target);
            Assert.Equal(registry.ActiveVersion()!.Version, restoredRegistry.ActiveVersion()!.Version);
            Assert.True(ModelBundle.Exists(restoredRegistry.ActiveFolder()!));

            // The index, rebuilt from the restored database, holds exactly its records.
            using var indexes = IndexSet.OpenWriters(Path.Combine(target, "index"), TempDataDirectory.Analyzer);
            var restoredMaintainer = new IndexMaintainer(store, indexes);
            restoredMaintainer.Rebuild();
            var check = restoredMaintainer.Verify(repair: false);
            Assert.True(check.Clean, $"{check}");
            Assert.Equal(store.ActiveIds(RecordKind.Result).Count, indexes[RecordKind.Result].Count());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void APostgresBackup_HoldsPgDumpsFile_AndRestoresIntoAnEmptyPostgresDatabase_WithTheSameRecordsMatchesAndModel()
    {
        using var source = new TempDataDirectory(DatabaseProvider.Postgres);
        source.SeedDemo();
        var registry = new ModelRegistry(source.Database, TempDataDirectory.Analyzer, source.Path);
        registry.EnsureShipped(ShippedModel.Folder);
        var matches = new Matching.Engine.Matches.MatchStore(source.Database);
        matches.StartPass(ShippedModel.Version, 10);
        matches.Put(10, [new Matching.Engine.Matches.StoredLists(ShippedModel.Version, "n-display-01", [new Matching.Engine.Matches.StoredMatch("r-display-01", 0.93, 9.5f, 1, 1)], [])]);
        matches.CompletePass(ShippedModel.Version);
        var file = Path.Combine(Path.GetTempPath(), $"matching-backup-test-{Guid.NewGuid():N}.zip");
        _cleanup.Add(file);
        var manifest = DataBackup.Create(source.Path, source.Database, file);
        Assert.StartsWith(DataBackup.PostgresDumpEntry, manifest.PostgresDump); // pg_dump is installed with the server
        using (var zip = System.IO.Compression.ZipFile.OpenRead(file))
            Assert.True(zip.GetEntry(DataBackup.PostgresDumpEntry)!.Length > 0);

        using var target = new TempDataDirectory(DatabaseProvider.Postgres);
        var restoreDir = Path.Combine(Path.GetTempPath(), "matching-restore-" + Guid.NewGuid().ToString("N")[..10]);
        _cleanup.Add(restoreDir);
        DataBackup.Restore(file, restoreDir, target.Database);
        Assert.False(File.Exists(Path.Combine(restoreDir, "matching.db")));
        var store = new RecordStore(target.Database);
        Assert.Equal(source.Store.ActiveIds(RecordKind.Result), store.ActiveIds(RecordKind.Result));
        Assert.Equal(source.Store.Judgements(), store.Judgements());
        Assert.Equal(source.Store.LastSeq(), store.LastSeq());
        Assert.Equal("r-display-01", new Matching.Engine.Matches.MatchStore(target.Database).Get(ShippedModel.Version, "n-display-01")!.Results[0].CandidateId);
        Assert.Equal(ShippedModel.Version, new ModelRegistry(target.Database, TempDataDirectory.Analyzer, restoreDir).ActiveVersion()!.Version);
        Assert.True(ModelBundle.Exists(Path.Combine(restoreDir, "models", ShippedModel.Version)));
        // The change log goes on after the restored sequence (identity sequences moved past the copied keys).
        using (var writer = store.BeginWrite())
        {
            writer.Upsert(new ResearchResult { Id = "R-AFTER-RESTORE", Title = "恢复后写入" });
            writer.Commit();
        }
        Assert.Equal(manifest.LastSeq + 1, store.LastSeq());
        // Into a database that already holds records: refused.
        Assert.Throws<InvalidOperationException>(() => DataBackup.Restore(file, Path.Combine(restoreDir, "again"), target.Database));
    }

    [Fact]
    public void Restore_RefusesANonEmptyDirectory_AndEntriesOutsideIt()
    {
        _data.SeedDemo();
        var file = Path.Combine(Path.GetTempPath(), $"matching-backup-test-{Guid.NewGuid():N}.zip");
        _cleanup.Add(file);
        DataBackup.Create(_data.Path, _data.Database, file);
        Assert.Throws<InvalidOperationException>(() => DataBackup.Restore(file, _data.Path));

        // A zip with an entry climbing out of the data directory is refused before anything is written there.
        var hostile = Path.Combine(Path.GetTempPath(), $"matching-hostile-{Guid.NewGuid():N}.zip");
        _cleanup.Add(hostile);
        File.Copy(file, hostile);
        using (var zip = System.IO.Compression.ZipFile.Open(hostile, System.IO.Compression.ZipArchiveMode.Update))
        {
            using var entry = new StreamWriter(zip.CreateEntry("models/../../escaped.txt").Open());
            entry.Write("x");
        }
        var target = Path.Combine(Path.GetTempPath(), "matching-restore-" + Guid.NewGuid().ToString("N")[..10]);
        _cleanup.Add(target);
        Assert.Throws<InvalidDataException>(() => DataBackup.Restore(hostile, target));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escaped.txt")));
    }
}
