using System.Globalization;
using Matching.Engine.Evaluation;

namespace Matching.Jobs.Tests.Cli;

/// <summary>
/// The expert-assignment benchmark's shape, on three made-up researchers (Cli/ExpertAssignment): each researcher is
/// imported as an expert, their own papers as results naming them, each paper they rated as a need; score-pairs scores
/// (rated paper, researcher) rows through the serving path, and the benchmark's loss is computed from its scores.
/// </summary>
public class ExpertAssignmentTests() : CliScratch("matching-experts-")
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Cli", "ExpertAssignment");

    [Fact]
    public void ThreeResearchers_TheirRatedPapers_AreOrderedByScorePairs_AtLeastAsWellAsTheBestPublishedSystems()
    {
        var import = CliRunner.Invoke("import", "--data", Data, "--organisations", Path.Combine(Folder, "organisations.jsonl"),
            "--experts", Path.Combine(Folder, "experts.jsonl"), "--results", Path.Combine(Folder, "results.jsonl"), "--needs", Path.Combine(Folder, "needs.jsonl"));
        Assert.True(import.ExitCode == 0, import.Output + import.Error);

        var ratings = File.ReadAllLines(Path.Combine(Folder, "ratings.tsv")).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(p => (Need: p[0], Expert: p[1], Rating: int.Parse(p[2], CultureInfo.InvariantCulture))).ToList();
        var pairs = Path.Combine(Root, "pairs.tsv");
        File.WriteAllLines(pairs, ratings.Select(r => $"{r.Need}\t{r.Expert}"));
        var scores = Path.Combine(Root, "scores.tsv");
        var run = CliRunner.Invoke("score-pairs", "--data", Data, "--pairs", pairs, "--out", scores);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"{ratings.Count} pairs scored by model", run.Output);

        var scored = File.ReadAllLines(scores).Select(l => l.Split('\t')).ToDictionary(p => (p[0], p[1]), p => double.Parse(p[2], CultureInfo.InvariantCulture));
        // The benchmark's measure: per researcher, the pairs of papers they rated differently that the scores order the
        // other way, weighted by the rating gap, ties counting half. 0.5 is chance; the best published systems reach 0.22.
        var check = CrossNeedCheck.Of(ratings.Select(r => (r.Need, r.Expert, r.Rating, scored[(r.Need, r.Expert)])));
        Console.WriteLine($"expert assignment stand-in: loss {check.Loss:F4} over {check.Pairs} pairs");
        Assert.Equal(3 * 15 - 1 - 1 - 1, check.Pairs); // 6 papers each: 15 pairs, less the one pair of equal ratings each researcher gave
        Assert.True(check.Loss <= 0.22, $"loss {check.Loss:F4}; scores: {string.Join(", ", ratings.Select(r => $"{r.Need}/{r.Expert}={r.Rating}:{scored[(r.Need, r.Expert)]:F4}"))}");
    }
}
