using System.CommandLine;
using System.Diagnostics;
using Matching.Engine;
using Matching.Engine.Hosting;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Cli;

/// <summary>backup and restore: a consistent snapshot of a data directory, taken while servers run, and its restore into an empty one.</summary>
internal static class BackupVerbs
{
    public static Command Backup(Option<string?> data)
    {
        var output = new Option<FileInfo?>("--out") { Description = "the zip file to write (default backups/matching-YYYYMMDD-HHMMSS.zip)" };
        var command = new Command("backup", "Write a consistent snapshot of the database, the model registry's files and the taxonomy to one zip file (servers may keep running)") { output };
        command.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            var options = host.Services.GetRequiredService<IOptions<MatchingOptions>>().Value;
            var database = host.Services.GetRequiredService<MatchingDatabase>();
            if (database.DatabaseFile is { } dbFile && !File.Exists(dbFile)) { Console.Error.WriteLine($"error: no database at {database.DatabaseFile}"); return 2; }
            var file = parse.GetValue(output)?.FullName ?? Path.GetFullPath(Path.Combine("backups", $"matching-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip"));
            var clock = Stopwatch.StartNew();
            var manifest = DataBackup.Create(options.DataPath, database, file);
            Console.WriteLine($"backup: {file} ({new FileInfo(file).Length / 1024.0 / 1024.0:N1} MB) in {clock.Elapsed.TotalSeconds:N1} s — at sequence {manifest.LastSeq}, " +
                $"{Count(manifest, "results")} results, {Count(manifest, "experts")} experts, {Count(manifest, "needs")} needs, {Count(manifest, "judgements")} judgements, " +
                $"{Count(manifest, "match_lists")} match rows, models {string.Join(", ", manifest.Models)} (active {manifest.ActiveModel ?? "none"})");
            return 0;
        });
        return command;
    }

    public static Command Restore(Option<string?> data)
    {
        var from = new Argument<FileInfo>("backup") { Description = "a zip file written by backup" };
        var command = new Command("restore", "Restore a backup into an empty data directory (--data), or an empty PostgreSQL database when Matching:Database is Postgres, and rebuild the index") { from };
        command.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            var options = host.Services.GetRequiredService<IOptions<MatchingOptions>>().Value;
            var clock = Stopwatch.StartNew();
            BackupManifest manifest;
            var database = host.Services.GetRequiredService<MatchingDatabase>();
            // With Matching:Database=Postgres the records go into that (empty) database; else into data/matching.db.
            try { manifest = DataBackup.Restore(parse.GetValue(from)!.FullName, options.DataPath, database.Provider == DatabaseProvider.Postgres ? database : null); }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FileNotFoundException or IOException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            var index = host.Services.GetRequiredService<IndexHost>();
            index.OpenWriters(m => Console.Error.WriteLine(m));
            long docs;
            using (var progress = new ConsoleProgress())
                docs = host.Services.GetRequiredService<IndexMaintainer>().Rebuild(progress);
            Console.WriteLine($"restore: {options.DataPath} from a backup of {manifest.CreatedAt:u}, at sequence {manifest.LastSeq}, active model {manifest.ActiveModel ?? "none"}; " +
                $"index rebuilt with {docs:N0} documents; {clock.Elapsed.TotalSeconds:N1} s");
            return 0;
        });
        return command;
    }

    private static long Count(BackupManifest manifest, string table) => manifest.Rows.GetValueOrDefault(table);
}
