using System.CommandLine;
using System.Globalization;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>models: the registry — list versions with their metrics, register a trained folder, promote, roll back.</summary>
internal static class ModelsVerb
{
    public static Command Create(Option<string?> data)
    {
        var list = new Command("list", "Versions, their status and metrics, and the history");
        list.SetAction(parse => Run(parse.GetValue(data), registry =>
        {
            foreach (var v in registry.List())
                Console.WriteLine($"{v.Version,-12} {v.Status,-9} {v.TrainedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",-10} " +
                    string.Join(" ", v.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.ToString("0.0000", CultureInfo.InvariantCulture)}")));
            foreach (var h in registry.History()) Console.WriteLine($"  {h.At:yyyy-MM-dd HH:mm} {h.Action} {h.Version}{(h.Note is { } n ? " — " + n : "")}");
            return 0;
        }));
        var folder = new Argument<DirectoryInfo>("folder") { Description = "a model folder written by train --out" };
        var note = new Option<string?>("--note") { Description = "why (kept in the history)" };
        var register = new Command("register", "Copy a trained model into the registry as a candidate") { folder, note };
        register.SetAction(parse => Run(parse.GetValue(data), registry =>
        {
            var v = registry.Register(parse.GetValue(folder)!.FullName, parse.GetValue(note));
            Console.WriteLine($"registered {v.Version} as a candidate");
            return 0;
        }));
        var version = new Argument<string>("version");
        var promote = new Command("promote", "Make a version the active one; running servers follow within seconds") { version, note };
        promote.SetAction(parse => Run(parse.GetValue(data), registry =>
        {
            registry.Promote(parse.GetValue(version)!, parse.GetValue(note));
            Console.WriteLine($"active: {registry.ActiveVersion()!.Version}");
            return 0;
        }));
        var rollback = new Command("rollback", "Go back to the version active before this one") { note };
        rollback.SetAction(parse => Run(parse.GetValue(data), registry =>
        {
            if (registry.Rollback(parse.GetValue(note)) is not { } back) { Console.Error.WriteLine("error: no earlier version to go back to"); return 2; }
            Console.WriteLine($"active: {back.Version}");
            return 0;
        }));
        var force = new Option<bool>("--force") { Description = "retrain even when no judgement arrived since the last model" };
        var tolerance = new Option<double?>("--tolerance") { Description = "how far below the active model's held-out nDCG@10 a candidate may be and still be promoted (default Learning:Tolerance, 0.005)" };
        var retrain = new Command("retrain", "What the nightly job does: train a candidate on the database's judgements, compare it with the active model on held-out needs, promote it if not worse") { force, tolerance };
        retrain.SetAction(parse => Run(parse.GetValue(data), registry =>
        {
            using var host = CliHost.Services(parse.GetValue(data));
            var options = new LearningOptions();
            if (parse.GetValue(tolerance) is { } t)
            {
                if (t is < 0 or > 0.2) { Console.Error.WriteLine("error: --tolerance must be between 0 and 0.2"); return 2; }
                options.Tolerance = t;
            }
            var outcome = host.Services.GetRequiredService<Retrainer>().Run(options, parse.GetValue(force), log: Console.WriteLine);
            Console.WriteLine($"retrain {outcome.Status} candidate={outcome.Candidate ?? "-"} active={outcome.Active ?? "-"} " +
                $"heldout_ndcg10 candidate={Figure(outcome.CandidateNdcg)} active={Figure(outcome.ActiveNdcg)} bm25={Figure(outcome.Bm25Ndcg)} queries={outcome.HeldOutQueries}");
            Console.WriteLine(outcome.Reason);
            return 0;
        }));
        return new Command("models", "The model registry: list, register, promote, rollback, retrain") { list, register, promote, rollback, retrain };
    }

    private static string Figure(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-";

    private static int Run(string? data, Func<ModelRegistry, int> action)
    {
        using var host = CliHost.Services(data);
        Migrator.Migrate(host.Services.GetRequiredService<MatchingDatabase>());
        try { return action(host.Services.GetRequiredService<ModelRegistry>()); }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
