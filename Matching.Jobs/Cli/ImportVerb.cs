using System.CommandLine;
using System.Text.Json;
using Matching.Engine;
using Matching.Engine.Hosting;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Cli;

/// <summary>
/// import: files into the database (committed first), then the index. When a running server owns the index
/// writer, the records are safe in the database and that server indexes them from the change log.
/// </summary>
internal static class ImportVerb
{
    public static Command Create(Option<string?> data)
    {
        var files = new Argument<FileInfo[]>("files") { Description = "interchange files; the kind comes from the name (organisations*, results*, experts*, needs*, judgements*)", Arity = ArgumentArity.ZeroOrMore };
        var organisations = new Option<FileInfo?>("--organisations") { Description = "organisations.jsonl" };
        var results = new Option<FileInfo?>("--results") { Description = "results.jsonl" };
        var experts = new Option<FileInfo?>("--experts") { Description = "experts.jsonl" };
        var needs = new Option<FileInfo?>("--needs") { Description = "needs.jsonl" };
        var judgements = new Option<FileInfo?>("--judgements") { Description = "judgements.tsv" };
        var encoding = new Option<string?>("--encoding") { Description = "force the encoding (utf-8, gb18030); default: BOM, else strict UTF-8, else GB18030" };
        var reportFile = new Option<FileInfo?>("--report") { Description = "write the full report as JSON to this file" };
        var dryRun = new Option<bool>("--dry-run") { Description = "check every row and say what it would create or change, writing nothing" };
        var command = new Command("import", "Import interchange files (JSON Lines, judgements TSV) into the database and the index")
        {
            files, organisations, results, experts, needs, judgements, encoding, reportFile, dryRun,
        };
        command.SetAction(parse =>
        {
            var list = new List<(string, RecordKind)>();
            void Add(FileInfo? f, RecordKind kind) { if (f is not null) list.Add((f.FullName, kind)); }
            Add(parse.GetValue(organisations), RecordKind.Organisation);
            Add(parse.GetValue(results), RecordKind.Result);
            Add(parse.GetValue(experts), RecordKind.Expert);
            Add(parse.GetValue(needs), RecordKind.Need);
            Add(parse.GetValue(judgements), RecordKind.Judgement);
            foreach (var f in parse.GetValue(files) ?? [])
            {
                if (Importer.KindOf(f.Name) is not { } kind)
                {
                    Console.Error.WriteLine($"error: cannot tell what {f.Name} holds; name it organisations*, results*, experts*, needs* or judgements*, or use --results etc.");
                    return 2;
                }
                list.Add((f.FullName, kind));
            }
            if (list.Count == 0) { Console.Error.WriteLine("error: no files given; see 'import --help'"); return 2; }
            var missing = list.FirstOrDefault(f => !File.Exists(f.Item1));
            if (missing.Item1 is not null) { Console.Error.WriteLine($"error: {missing.Item1} does not exist"); return 2; }
            return Run(parse.GetValue(data), list, parse.GetValue(encoding), parse.GetValue(reportFile), parse.GetValue(dryRun));
        });
        return command;
    }

    private static int Run(string? data, List<(string, RecordKind)> files, string? encoding, FileInfo? reportFile, bool dryRun)
    {
        using var host = CliHost.Services(data);
        var services = host.Services;
        Migrator.Migrate(services.GetRequiredService<MatchingDatabase>());
        Console.WriteLine($"data: {services.GetRequiredService<IOptions<MatchingOptions>>().Value.DataPath}");

        // Take the index writer first, so the index follows the import batch by batch; when a server holds it,
        // the records still go into the database and that server indexes them from the change log.
        var index = services.GetRequiredService<IndexHost>();
        IndexMaintainer? maintainer = null;
        string? heldBy = null;
        if (!dryRun)
        {
            try
            {
                index.OpenWriters(m => Console.Error.WriteLine(m));
                maintainer = services.GetRequiredService<IndexMaintainer>();
            }
            catch (IndexLockedException e)
            {
                heldBy = e.Message;
            }
        }

        ImportReport report;
        using (var progress = new ConsoleProgress())
            report = ImportAndIndex.Run(services.GetRequiredService<Importer>(), maintainer, files, encoding, progress, dryRun: dryRun);
        foreach (var file in report.Files)
        {
            Console.WriteLine(file);
            foreach (var r in file.Rejections.Take(20))
                Console.WriteLine($"  row {r.Row}{(r.Id is null ? "" : $" ({r.Id})")}: rejected{(r.Field is null ? "" : $" [{r.Field}]")}: {r.Reason}");
            if (file.Rejected > 20) Console.WriteLine($"  … {file.Rejected - 20} more rejected rows (use --report for all)");
            foreach (var d in file.Duplicates.Take(10))
                Console.WriteLine($"  id {d.Id} is on rows {string.Join(", ", d.Rows)}; row {d.Kept} was kept");
            foreach (var w in file.Warnings.Take(10))
                Console.WriteLine($"  row {w.Row}: {w.Reason}");
            foreach (var c in file.Changes.Where(c => !c.Created).Take(20))
                Console.WriteLine($"  row {c.Row} ({c.Id}): {(c.Fields.Count == 0 ? "unchanged" : "changes " + string.Join(", ", c.Fields))}");
        }
        if (reportFile is not null)
            File.WriteAllText(reportFile.FullName, JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        if (dryRun) Console.WriteLine("dry run: nothing was written");
        else Console.WriteLine(heldBy is null
            ? $"index: up to date at change-log sequence {index.Indexes.AppliedSeq}"
            : $"index: not written here: {heldBy}. The records are committed and will be indexed within seconds.");
        Console.WriteLine(report);
        return report.Files.Any(f => f.Error is not null) ? 2 : report.Rejected > 0 ? 1 : 0;
    }
}
