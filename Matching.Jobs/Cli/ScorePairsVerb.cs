using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Matching.Engine.Candidates;
using Matching.Engine.Progress;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Jobs.Cli;

/// <summary>
/// score-pairs: a score of any (need, result) or (need, expert) pair, retrieved or not, through the serving path
/// (index read-only, so it works while a server owns the writer): the absolute score (default), the ranker's calibrated
/// score, or the pair's BM25 score (no model needed). An expert's score is the model's blend of their profile's and
/// their results' pair scores of that kind. Pairs are scored a need at a time; vectors the data directory lacks for the
/// model are computed first, as the server's vector job would.
/// </summary>
internal static class ScorePairsVerb
{
    /// <summary>Most pairs in one run.</summary>
    public const int MaxPairs = 100_000;

    public const string Absolute = "absolute", Ranker = "ranker", Bm25 = "bm25";

    public static Command Create(Option<string?> data)
    {
        var pairs = new Option<FileInfo>("--pairs") { Description = "pairs.tsv: need_id<TAB>candidate_id per line", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "scores.tsv to write: need_id<TAB>candidate_id<TAB>score", Required = true };
        var modelDir = new Option<DirectoryInfo?>("--model") { Description = "model folder (default: the one the server would serve)" };
        var score = new Option<string>("--score")
        {
            Description = "absolute: P(graded ≥ 1), the same for every need; ranker: the ranker's calibrated score; bm25: the pair's BM25 score (no model needed)",
            DefaultValueFactory = _ => Absolute,
        };
        score.AcceptOnlyFromAmong(Absolute, Ranker, Bm25);
        var command = new Command("score-pairs", "Score (need, candidate) pairs: the absolute score, the ranker's, or BM25") { pairs, output, modelDir, score };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(pairs)!;
            if (!input.Exists) { Console.Error.WriteLine($"error: no file {input.FullName}"); return 2; }
            var kind = parse.GetValue(score)!;
            var (wanted, problems) = Read(input.FullName);
            var folders = parse.GetValue(modelDir) is { } dir ? [dir.FullName] : (IReadOnlyList<string>?)null;
            using var host = CliHost.Scoring(parse.GetValue(data), folders, requireModel: kind != Bm25, out var error);
            if (host is null)
            {
                Console.Error.WriteLine(kind == Bm25 ? $"error: {error}" : $"error: {error} (--score bm25 needs no model)");
                return 2;
            }
            var bundle = host.Services.GetRequiredService<ModelHost>().Current;
            var scorer = new PairScorer(host.Services.GetRequiredService<RecordStore>(), host.Services.GetRequiredService<MatchScorer>(),
                host.Services.GetRequiredService<CandidateRetriever>(), bundle, kind);

            var scores = new Dictionary<(string, string), double>();
            var clock = Stopwatch.StartNew();
            var byNeed = wanted.GroupBy(w => w.Need).ToList();
            var done = 0;
            using (var progress = new ConsoleProgress())
                foreach (var need in byNeed)
                {
                    var candidates = need.Select(w => w.Candidate).Distinct().ToList();
                    var scored = scorer.Score(need.Key, candidates);
                    foreach (var (candidate, value) in scored) scores[(need.Key, candidate)] = value;
                    done += need.Count();
                    progress.Report(new JobProgress("score-pairs", done, wanted.Count, clock.Elapsed, "pairs"));
                }

            var file = parse.GetValue(output)!;
            Directory.CreateDirectory(file.DirectoryName!);
            var temporary = file.FullName + ".partial";
            var written = 0;
            using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
                foreach (var (line, need, candidate) in wanted)
                {
                    if (!scores.TryGetValue((need, candidate), out var value))
                    {
                        Console.Error.WriteLine($"line {line}: {need} or {candidate} is not a live need, result or expert; skipped");
                        problems++;
                        continue;
                    }
                    writer.WriteLine($"{need}\t{candidate}\t{value.ToString("0.0000", CultureInfo.InvariantCulture)}");
                    written++;
                }
            File.Move(temporary, file.FullName, overwrite: true);
            foreach (var note in scorer.Notes) Console.WriteLine($"note: {note}");
            var by = bundle is null ? "BM25 (no model)" : kind == Bm25 ? "BM25" : $"model {bundle.Version} ({kind} score)";
            Console.WriteLine($"score-pairs: {written:N0} pairs scored by {by} into {file.FullName}; {problems:N0} skipped; {clock.Elapsed.TotalSeconds:N1} s");
            return problems > 0 && written == 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>The well-formed lines of pairs.tsv (line number, need, candidate), at most <see cref="MaxPairs"/>; each bad line is reported and counted.</summary>
    private static (List<(int Line, string Need, string Candidate)> Pairs, int Problems) Read(string path)
    {
        var list = new List<(int, string, string)>();
        var problems = 0;
        var number = 0;
        foreach (var line in File.ReadLines(path))
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
            if (list.Count >= MaxPairs) { Console.Error.WriteLine($"error: more than {MaxPairs:N0} pairs; the rest are not scored"); break; }
            list.Add((number, parts[0].Trim(), parts[1].Trim()));
        }
        return (list, problems);
    }

    /// <summary>One need's pairs at a time, by the chosen score.</summary>
    private sealed class PairScorer(RecordStore store, MatchScorer scorer, CandidateRetriever retriever, ModelBundle? bundle, string kind)
    {
        public SortedSet<string> Notes { get; } = new(StringComparer.Ordinal);

        /// <summary>The scores of the need's live candidates among <paramref name="ids"/> (results and experts); the rest are left out.</summary>
        public IEnumerable<(string Id, double Score)> Score(string needId, IReadOnlyList<string> ids)
        {
            if (store.GetNeed(needId) is not { } need) yield break;
            var experts = store.GetExperts(ids).Where(e => e.Status == RecordStatus.Active).Select(e => e.Id).ToList();
            var own = store.ResultsOfExperts(experts);
            var results = ids.Except(experts).Concat(own.SelectMany(g => g).Where(r => r.Status == RecordStatus.Active).Select(r => r.Id)).Distinct().ToList();
            var resultScores = Pairs(need, RecordKind.Result, results);
            foreach (var id in ids)
                if (resultScores.TryGetValue(id, out var s) && !experts.Contains(id)) yield return (id, s);
            if (experts.Count == 0) yield break;
            var profiles = Pairs(need, RecordKind.Expert, experts);
            var blend = bundle?.Experts ?? ExpertBlend.Legacy;
            foreach (var id in experts)
            {
                if (!profiles.TryGetValue(id, out var profile)) continue;
                var theirs = own[id].Where(r => r.Status == RecordStatus.Active).Select(r => resultScores.TryGetValue(r.Id, out var x) ? x : (double?)null).OfType<double>().ToList();
                yield return (id, blend.Combine(profile, theirs));
            }
        }

        /// <summary>Pair scores of one kind: BM25 from the retriever, or the model's scores from the serving scorer.</summary>
        private Dictionary<string, double> Pairs(TechNeed need, RecordKind target, IReadOnlyList<string> ids)
        {
            if (ids.Count == 0) return [];
            if (kind == Bm25)
            {
                var terms = new TermStates();
                var top = retriever.ForNeed(need, target, MatchScorer.K, withSnippets: 0, terms);
                return ids.Select(id => retriever.Pair(need, target, id, MatchScorer.K, top, terms)).OfType<Candidate>()
                    .ToDictionary(c => c.Id, c => Math.Round((double)c.Score, 4));
            }
            var scored = scorer.ScorePairs(bundle!, need, target, ids, snippets: false);
            if (scored.Count == 0) return [];
            var language = bundle!.For(scored[0].Features);
            if (kind == Absolute && language.Absolute is null)
                Notes.Add($"model {bundle.Version} has no absolute scorer for '{language.Language}' needs: their pairs have the ranker's calibrated score");
            return scored.ToDictionary(c => c.Candidate.Id, c => kind == Absolute
                ? c.Absolute ?? language.Calibrate([c.Raw])[0]
                : language.Calibrate([c.Raw])[0]);
        }
    }
}
