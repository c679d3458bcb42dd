using System.CommandLine;
using Matching.Engine.Hosting;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>reindex: rebuild the index from the database (takes the writer lock).</summary>
internal static class ReindexVerb
{
    public static Command Create(Option<string?> data)
    {
        var command = new Command("reindex", "Rebuild the index from the database");
        command.SetAction(parse =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
            var index = host.Services.GetRequiredService<IndexHost>();
            try { index.OpenWriters(m => Console.Error.WriteLine(m)); }
            catch (IndexLockedException e)
            {
                Console.Error.WriteLine($"error: {e.Message}. Stop it first, or rebuild from that server (its dashboard or the API).");
                return 3;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long docs;
            using (var progress = new ConsoleProgress())
                docs = host.Services.GetRequiredService<IndexMaintainer>().Rebuild(progress);
            var set = index.Indexes;
            Console.WriteLine($"reindex: {docs:N0} documents (results {set[Engine.Records.RecordKind.Result].Count()}, experts {set[Engine.Records.RecordKind.Expert].Count()}, needs {set[Engine.Records.RecordKind.Need].Count()}) in {clock.Elapsed.TotalSeconds:N1} s, at sequence {set.AppliedSeq}");
            return 0;
        });
        return command;
    }
}
