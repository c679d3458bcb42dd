using System.CommandLine;
using System.Globalization;
using Matching.Engine.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>
/// score-pairs: the calibrated match score of any (need, result) or (need, expert) pair, retrieved or not, through the
/// serving path (index read-only, so it works while a server owns the writer). Vectors the data directory lacks for
/// the model are computed first, as the server's vector job would.
/// </summary>
internal static class ScorePairsVerb
{
    /// <summary>Most pairs in one run.</summary>
    public const int MaxPairs = 100_000;

    public static Command Create(Option<string?> data)
    {
        var pairs = new Option<FileInfo>("--pairs") { Description = "pairs.tsv: need_id<TAB>candidate_id per line", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "scores.tsv to write: need_id<TAB>candidate_id<TAB>score", Required = true };
        var modelDir = new Option<DirectoryInfo?>("--model") { Description = "model folder (default: the one the server would serve)" };
        var command = new Command("score-pairs", "Score (need, candidate) pairs with the calibrated match score") { pairs, output, modelDir };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(pairs)!;
            if (!input.Exists) { Console.Error.WriteLine($"error: no file {input.FullName}"); return 2; }
            var folders = parse.GetValue(modelDir) is { } dir ? [dir.FullName] : (IReadOnlyList<string>?)null;
            using var host = CliHost.Scoring(parse.GetValue(data), folders, requireModel: true, out var error);
            if (host is null) { Console.Error.WriteLine($"error: {error}"); return 2; }
            var models = host.Services.GetRequiredService<ModelHost>();

            var explainer = host.Services.GetRequiredService<Explainer>();
            var written = 0;
            var problems = 0;
            var number = 0;
            var file = parse.GetValue(output)!;
            Directory.CreateDirectory(file.DirectoryName!);
            var temporary = file.FullName + ".partial";
            using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
            {
                foreach (var line in File.ReadLines(input.FullName))
                {
                    number++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    var parts = line.Split('\t');
                    if (parts.Length < 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
                    {
                        Console.Error.WriteLine($"line {number}: expected need_id<TAB>candidate_id; skipped");
                        problems++;
                        continue;
                    }
                    if (written + problems >= MaxPairs) { Console.Error.WriteLine($"error: more than {MaxPairs:N0} pairs; the rest are not scored"); break; }
                    var (needId, candidateId) = (parts[0].Trim(), parts[1].Trim());
                    var explanation = explainer.Explain(needId, candidateId);
                    if (explanation is null)
                    {
                        Console.Error.WriteLine($"line {number}: {needId} or {candidateId} is not a live need, result or expert; skipped");
                        problems++;
                        continue;
                    }
                    writer.WriteLine($"{needId}\t{candidateId}\t{explanation.Score.ToString("0.0000", CultureInfo.InvariantCulture)}");
                    written++;
                }
            }
            File.Move(temporary, file.FullName, overwrite: true);
            Console.WriteLine($"score-pairs: {written:N0} pairs scored by model {models.Current!.Version} into {file.FullName}; {problems:N0} skipped");
            return problems > 0 && written == 0 ? 1 : 0;
        });
        return command;
    }
}
