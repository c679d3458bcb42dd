using System.Globalization;
using Matching.Engine.Evaluation;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Scoring;

/// <summary>
/// How an expert's score for a need is made from the pair scores of their profile and of their own results:
/// <c>(1 − Profile) × aggregate(results) + Profile × profile</c>, where the aggregate is the best result's score, the
/// mean of the best three, or a softmax-weighted mean (weights e^(s/τ), τ = <see cref="Temperature"/>: between the
/// two), and the pair score is the shown one or the absolute scorer's. Both are P(graded ≥ 1) estimates, so the blend
/// is one too. Training chooses among <see cref="Candidates"/> by evaluation (<see cref="Choose"/>); the model card
/// reports the choice and every candidate's figures. Models written before it carry none and blend as they always did
/// (<see cref="Legacy"/>).
/// </summary>
public sealed record ExpertBlend
{
    public const string Max = "max", TopThree = "top3", Softmax = "softmax", Fixed = "fixed";
    public const double Temperature = 0.1;

    /// <summary>How the results' scores are aggregated: max, top3, softmax, or fixed (0.5 best + 0.2 top-3 mean + 0.3 profile, as before).</summary>
    public string Results { get; init; } = Fixed;
    /// <summary>The profile's share of the blend (unused by <see cref="Fixed"/>).</summary>
    public double Profile { get; init; } = 0.3;
    /// <summary>Which pair score is blended: "shown" or "absolute" (when the language has an absolute scorer).</summary>
    public string PairScore { get; init; } = Shown;
    public const string Shown = "shown", Absolute = "absolute";

    /// <summary>The blend of models without one: 0.5 × best + 0.2 × top-3 mean + 0.3 × profile of shown scores.</summary>
    public static readonly ExpertBlend Legacy = new();

    public override string ToString() => Results == Fixed
        ? $"fixed 0.5 best + 0.2 top-3 + 0.3 profile of {PairScore} scores"
        : $"{Results} of results, profile {Profile.ToString("0.##", CultureInfo.InvariantCulture)}, {PairScore} scores";

    /// <summary>An expert's score from their profile's pair score and their results' (any order); the profile alone without results.</summary>
    public double Combine(double profile, IReadOnlyList<double> results)
    {
        if (results.Count == 0) return Math.Round(profile, 4);
        var sorted = results.OrderByDescending(x => x).ToList();
        if (Results == Fixed) return Math.Round(0.5 * sorted[0] + 0.2 * sorted.Take(3).Average() + 0.3 * profile, 4);
        var aggregate = Results switch
        {
            Max => sorted[0],
            TopThree => sorted.Take(3).Average(),
            Softmax => SoftmaxMean(sorted),
            _ => throw new InvalidDataException($"unknown expert blend '{Results}'"),
        };
        return Math.Round((1 - Profile) * aggregate + Profile * profile, 4);
    }

    private static double SoftmaxMean(List<double> sorted)
    {
        // Shifted by the best score, so e^… never overflows.
        var weights = sorted.Select(s => Math.Exp((s - sorted[0]) / Temperature)).ToList();
        return sorted.Zip(weights, (s, w) => s * w).Sum() / weights.Sum();
    }

    /// <summary>The blends training compares: each aggregate with the profile at 0, 0.15, 0.3 and 0.5, and profile alone; of both pair scores.</summary>
    public static IReadOnlyList<ExpertBlend> Candidates(bool hasAbsolute)
    {
        var list = new List<ExpertBlend>();
        foreach (var pair in hasAbsolute ? new[] { Shown, Absolute } : [Shown])
        {
            list.Add(Legacy with { PairScore = pair });
            foreach (var results in new[] { Max, TopThree, Softmax })
                foreach (var profile in new[] { 0, 0.15, 0.3, 0.5 })
                    list.Add(new ExpertBlend { Results = results, Profile = profile, PairScore = pair });
            list.Add(new ExpertBlend { Results = Max, Profile = 1, PairScore = pair });
        }
        return list;
    }

    /// <summary>One judged (need, expert) pair with the pair scores of the expert's profile and own results, both kinds.</summary>
    public sealed record Judged(string NeedId, string ExpertId, int Grade, (double Shown, double Absolute) Profile, IReadOnlyList<(double Shown, double Absolute)> Results);

    /// <summary>
    /// The judged (need, expert) pairs of <paramref name="judgements"/> (the highest grade where a pair is judged twice)
    /// whose profile has a pair score, with the pair scores of the expert's live results that have one (in the need's
    /// result list, as a served list blends them). <paramref name="pairScore"/> gives (kind, need, candidate)'s scores.
    /// </summary>
    public static List<Judged> JudgedPairs(IEnumerable<Judgement> judgements, RecordStore store, Func<RecordKind, string, string, (double Shown, double Absolute)?> pairScore)
    {
        var byPair = judgements.GroupBy(j => (j.NeedId, j.CandidateId)).ToDictionary(g => g.Key, g => g.Max(j => j.Grade));
        var experts = store.GetExperts(byPair.Keys.Select(k => k.CandidateId).Distinct().ToList()).Where(e => e.Status == RecordStatus.Active).Select(e => e.Id).ToHashSet();
        var theirs = store.ResultsOfExperts(experts.ToList());
        var list = new List<Judged>();
        foreach (var ((need, expert), grade) in byPair.OrderBy(x => x.Key.NeedId, StringComparer.Ordinal).ThenBy(x => x.Key.CandidateId, StringComparer.Ordinal))
        {
            if (!experts.Contains(expert) || pairScore(RecordKind.Expert, need, expert) is not { } profile) continue;
            var results = theirs[expert].Where(r => r.Status == RecordStatus.Active).Select(r => pairScore(RecordKind.Result, need, r.Id)).OfType<(double, double)>().ToList();
            list.Add(new Judged(need, expert, grade, profile, results));
        }
        return list;
    }

    /// <summary>A candidate blend's figures on judged pairs: the benchmark's loss (per expert, pairs of needs with different grades, weighted by the gap) and, per need, nDCG@10 of its judged experts.</summary>
    public sealed record Figures(ExpertBlend Blend, CrossNeedCheck.Result CrossNeed, double Ndcg);

    /// <summary>The figures of a blend over judged pairs.</summary>
    public static Figures Measure(ExpertBlend blend, IReadOnlyList<Judged> judged)
    {
        double Score(Judged j) => blend.PairScore == Absolute
            ? blend.Combine(j.Profile.Absolute, j.Results.Select(r => r.Absolute).ToList())
            : blend.Combine(j.Profile.Shown, j.Results.Select(r => r.Shown).ToList());
        var scored = judged.Select(j => (j, Score: Score(j))).ToList();
        var crossNeed = CrossNeedCheck.Of(scored.Select(x => (x.j.NeedId, x.j.ExpertId, x.j.Grade, x.Score)));
        var ndcg = scored.GroupBy(x => x.j.NeedId).Where(g => g.Any(x => x.j.Grade > 0)).Select(g => RankingMetrics.Ndcg(
            g.OrderByDescending(x => x.Score).ThenBy(x => x.j.ExpertId, StringComparer.Ordinal).Select(x => x.j.ExpertId).ToList(),
            g.ToDictionary(x => x.j.ExpertId, x => x.j.Grade), 10)).DefaultIfEmpty(0).Average();
        return new Figures(blend, crossNeed, ndcg);
    }

    /// <summary>
    /// Every candidate's figures and the chosen blend: the highest nDCG@10 of the needs' judged experts minus the
    /// cross-need loss (0 where no expert has needs judged differently) — both on a 0–1 scale, both what an expert
    /// blend is for; ties keep the earlier (simpler) candidate. With nothing judged, the legacy blend.
    /// </summary>
    public static (ExpertBlend Chosen, IReadOnlyList<Figures> All) Choose(IReadOnlyList<Judged> judged, bool hasAbsolute)
    {
        var all = Candidates(hasAbsolute).Select(b => Measure(b, judged)).ToList();
        if (judged.Count == 0) return (Legacy, all);
        static double Objective(Figures f) => f.Ndcg - (f.CrossNeed.Pairs > 0 ? f.CrossNeed.Loss : 0);
        var best = all[0];
        foreach (var f in all.Skip(1))
            if (Objective(f) > Objective(best) + 1e-9) best = f;
        return (best.Blend, all);
    }
}
