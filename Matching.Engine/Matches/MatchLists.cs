using Matching.Engine.Accounts;
using Matching.Engine.Candidates;
using Matching.Engine.Records;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;

namespace Matching.Engine.Matches;

/// <summary>
/// One entry of a match list, ready to show: the candidate, its record's headline fields, its snippets, and its
/// match score — calibrated 0–1 when a model scored it (comparable across needs), else the BM25 score over the
/// list's best. <see cref="BestResult"/> is an expert's closest result to the need.
/// </summary>
public sealed record MatchItem(
    string Id, string Kind, string Title, string? Organisation, string? OrganisationName, double Score, float Bm25, int Rank,
    double NormalisedScore, string Model, string? Maturity, IReadOnlyList<string> Industries, IReadOnlyList<Snippet> Snippets,
    Evidence? BestResult = null)
{
    /// <summary>What moved the score most, as sentences (a need's own lists, first entries); empty otherwise.</summary>
    public IReadOnlyList<Reason> Reasons { get; init; } = [];

    /// <summary>The feature vector the score was computed from (a need's own lists under a model), for logging with what is made of it; never shown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[]? Features { get; init; }
}

/// <summary>
/// A need with its top results and experts at or above <see cref="Floor"/> (the model's match floor unless asked
/// otherwise), and how many of the top k fell under it: a list stops where the strong matches stop, never padded.
/// </summary>
public sealed record NeedMatches(TechNeed Need, IReadOnlyList<MatchItem> Results, IReadOnlyList<MatchItem> Experts)
{
    public double Floor { get; init; }
    public int ResultsUnderFloor { get; init; }
    public int ExpertsUnderFloor { get; init; }
}

/// <summary>A result with the needs it fits.</summary>
public sealed record ResultMatches(ResearchResult Result, IReadOnlyList<MatchItem> Needs);

/// <summary>An expert with the needs their profile and results fit.</summary>
public sealed record ExpertMatches(Expert Expert, IReadOnlyList<MatchItem> Needs);

/// <summary>
/// Match lists for pages and the API. With a scoring model installed, the BM25 top <see cref="MatchScorer.K"/>
/// candidates are re-ranked by the model and carry calibrated scores; experts combine their profile with their
/// results. A need's lists come from the match job's stored lists (<see cref="MatchStore"/>) when it has them for
/// the version being served, and are computed on the spot otherwise (a need posted a moment ago, a longer list).
/// Without a model, the BM25 order stands ("bm25"). A need that is not public shows only its public fields, and
/// never its text in a snippet.
/// </summary>
public sealed class MatchLists(RecordStore store, CandidateRetriever retriever, ModelHost models, MatchScorer scorer, MatchStore? stored = null, Explainer? explainer = null,
    Vectors.VectorMaintainer? vectorsNow = null)
{
    public const string Bm25Model = "bm25";
    public const int MaxK = 200;
    /// <summary>Needs re-ranked for a result or an expert: each is its own query, so the depth is smaller.</summary>
    public const int ReverseDepth = 50;
    /// <summary>Entries the match job stores per need and kind; a request for more computes the list.</summary>
    public const int StoredDepth = 50;
    /// <summary>Entries whose snippets are stored with the list (what pages and the API show by default).</summary>
    public const int SnippetDepth = 20;

    /// <summary>
    /// A need's lists. With a <paramref name="viewer"/>, candidates they may not see are left out and those they see
    /// by their public fields only lose their snippets; without one (the engine's own callers) every candidate stays
    /// and the need is shown by its public view.
    /// </summary>
    /// <remarks>
    /// Entries under <paramref name="minScore"/> are left out — by default the serving model's match floor, where
    /// P(grade ≥ 1) reaches 0.5; 0 keeps all k (the event planner, which books under the floor only when pinned).
    /// </remarks>
    public NeedMatches? ForNeed(string needId, int k = 20, Viewer? viewer = null, double? minScore = null)
    {
        var all = AllOf(needId, k, viewer);
        if (all is null) return null;
        var floor = minScore ?? MatchFloor ?? 0;
        var results = all.Results.Where(i => i.Score >= floor).ToList();
        var experts = all.Experts.Where(i => i.Score >= floor).ToList();
        return all with
        {
            Results = Reranked(results), Experts = Reranked(experts), Floor = floor,
            ResultsUnderFloor = all.Results.Count - results.Count, ExpertsUnderFloor = all.Experts.Count - experts.Count,
        };

        static IReadOnlyList<MatchItem> Reranked(List<MatchItem> items) => items.Select((item, i) => item with { Rank = i + 1 }).ToList();
    }

    private NeedMatches? AllOf(string needId, int k, Viewer? viewer)
    {
        var need = store.GetNeed(needId);
        if (need is null) return null;
        var shown = viewer is null ? need.PublicView() : viewer.View(need);
        if (shown is null) return null;
        k = Math.Clamp(k, 1, MaxK);
        var bundle = models.Current;
        if (bundle is null)
            return new NeedMatches(shown, Describe(retriever.ForNeed(need, RecordKind.Result, k), viewer), Describe(retriever.ForNeed(need, RecordKind.Expert, k), viewer));
        var lists = k <= StoredDepth && stored?.Serving(bundle.Version) is { } serving ? stored.Get(serving, need.Id) : null;
        if (lists is null)
        {
            // Computed as the match job will: with the need's vectors, made now if the vector job has not yet.
            vectorsNow?.Ensure(Vectors.VectorModels.Of(bundle), RecordKind.Need, [need.Id]);
            lists = Compute(bundle, need, k);
        }
        return Present(need, shown, lists, k, viewer);
    }

    /// <summary>
    /// A feedback judgement on a need's match, carrying the model version and feature vector its served list scored the
    /// pair with (when the list is stored and holds the pair), so the next training run learns from what was shown.
    /// </summary>
    public Judgement Feedback(string needId, string candidateId, int grade)
    {
        var judgement = new Judgement(needId, candidateId, grade, "feedback");
        if (models.Current is not { } bundle || stored?.Serving(bundle.Version) is not { } serving || stored.Get(serving, needId) is not { } lists) return judgement;
        var entry = lists.Results.Concat(lists.Experts).FirstOrDefault(m => m.CandidateId == candidateId && m.Features is not null);
        return entry is null ? judgement : judgement with { Model = serving, Features = entry.Features };
    }

    /// <summary>The serving model's match floor (P(grade ≥ 1) = 0.5), or null without a model (BM25 scores are relative).</summary>
    public double? MatchFloor => models.Current?.MatchFloor;

    /// <summary>The version whose stored lists are served now, or null when lists are computed per request.</summary>
    public string? ServingVersion => models.Current is { } bundle ? stored?.Serving(bundle.Version) : null;

    /// <summary>A need's lists as <paramref name="bundle"/> ranks them, <paramref name="depth"/> deep: what the match job stores.</summary>
    public StoredLists Compute(ModelBundle bundle, TechNeed need, int depth = StoredDepth)
    {
        var terms = new TermStates();
        var results = scorer.Score(bundle, need, RecordKind.Result, scorer.Candidates(bundle, need, RecordKind.Result, terms), terms);
        // The ranker orders the list; the number shown beside each entry is its absolute score (models/README.md).
        var topResults = results.OrderByDescending(r => r.Raw).ThenByDescending(r => r.Score).ThenBy(r => r.Candidate.Rank).Take(depth).ToList();
        var experts = scorer.ScoreExperts(bundle, need, scorer.Candidates(bundle, need, RecordKind.Expert, terms), results, terms);
        var topExperts = experts.OrderByDescending(e => e.Score).ThenByDescending(e => e.Profile.Raw).ThenBy(e => e.Profile.Candidate.Rank).Take(depth).ToList();
        // The first entries carry their snippets, highlighted under the need's rule, so serving them highlights nothing.
        var resultSnippets = retriever.WithSnippets(need, topResults.Take(SnippetDepth).Select(r => r.Candidate).ToList()).ToDictionary(c => c.Id, c => c.Snippets);
        var expertSnippets = retriever.WithSnippets(need, topExperts.Take(SnippetDepth).Select(e => e.Profile.Candidate).ToList()).ToDictionary(c => c.Id, c => c.Snippets);
        return new StoredLists(bundle.Version, need.Id,
            topResults.Select((r, i) => Stored(r.Candidate, r.Score, resultSnippets) with
            {
                Reasons = i < SnippetDepth ? Reasons(bundle, need, RecordKind.Result, r, resultSnippets) : null, Features = r.Features,
            }).ToList(),
            topExperts.Select((e, i) => Stored(e.Profile.Candidate, e.Score, expertSnippets) with
            {
                Features = e.Profile.Features,
                BestResultId = e.BestResultId, BestResultScore = e.BestResultId is null ? null : e.BestResult,
                Reasons = i < SnippetDepth ? Reasons(bundle, need, RecordKind.Expert, e.Profile, expertSnippets) : null,
            }).ToList());

        static StoredMatch Stored(Candidate c, double score, Dictionary<string, IReadOnlyList<Snippet>> snippets) =>
            new(c.Id, score, c.Score, c.Rank, c.NormalisedScore) { Snippets = snippets.GetValueOrDefault(c.Id) };
    }

    /// <summary>The entry's reasons from the features it was scored with (the need's public view is all they quote).</summary>
    private IReadOnlyList<Reason>? Reasons(ModelBundle bundle, TechNeed need, RecordKind kind, ScoredCandidate scored, Dictionary<string, IReadOnlyList<Snippet>> snippets)
    {
        if (explainer is null) return null;
        var contributions = bundle.For(scored.Features).Contributions(scored.Features);
        var matched = Explainer.MatchedTerms(snippets.GetValueOrDefault(scored.Candidate.Id) ?? []);
        return explainer.Reasons(need.PublicView(), kind, scored.Candidate.Id, scored.Features, contributions, matched,
            Explainer.SharesFewWords(scored.Features) ? explainer.ClosestSentence(bundle, need, kind, scored.Candidate.Id) : null);
    }

    /// <summary>The first <paramref name="k"/> of stored or computed lists, with titles, snippets and evidence.</summary>
    private NeedMatches Present(TechNeed need, TechNeed shown, StoredLists lists, int k, Viewer? viewer)
    {
        var results = lists.Results.Take(k).ToList();
        var experts = lists.Experts.Take(k).ToList();
        var resultTitles = store.GetResults(experts.Select(e => e.BestResultId).OfType<string>().Distinct().ToList())
            .Where(r => viewer is null || viewer.View(r) is not null).ToDictionary(r => r.Id, r => r.Title);
        return new NeedMatches(shown,
            Describe(Candidates(results, RecordKind.Result), results.Select(r => r.Score).ToList(), lists.Model, viewer, reasons: results.Select(r => r.Reasons).ToList(),
                features: results.Select(r => r.Features).ToList()),
            Describe(Candidates(experts, RecordKind.Expert), experts.Select(e => e.Score).ToList(), lists.Model, viewer,
                experts.Select(e => e.BestResultId is { } id && resultTitles.TryGetValue(id, out var t) ? new Evidence(id, t, e.BestResultScore ?? 0) : null).ToList(),
                experts.Select(e => e.Reasons).ToList(), experts.Select(e => e.Features).ToList()));

        // Stored snippets are used as they are; entries without them (deeper than the stored ones) are highlighted now.
        IReadOnlyList<Candidate> Candidates(IReadOnlyList<StoredMatch> entries, RecordKind kind)
        {
            var candidates = entries.Select(m => new Candidate(m.CandidateId, kind, m.Bm25, m.Bm25Rank, m.Normalised, m.Snippets ?? [])).ToList();
            var missing = candidates.Where((_, i) => entries[i].Snippets is null).ToList();
            if (missing.Count == 0) return candidates;
            var highlighted = retriever.WithSnippets(need, missing).ToDictionary(c => c.Id);
            return candidates.Select(c => highlighted.TryGetValue(c.Id, out var h) ? h : c).ToList();
        }
    }

    public ResultMatches? ForResult(string resultId, int k = 20, Viewer? viewer = null)
    {
        var result = store.GetResult(resultId);
        if (result is null || (viewer is not null && viewer.View(result) is null)) return null;
        k = Math.Clamp(k, 1, MaxK);
        var bundle = models.Current;
        var reading = Reading(viewer);
        var needs = retriever.ForResult(result, bundle is null ? k : Math.Max(k, ReverseDepth), reading: reading);
        if (bundle is not null) needs = WithDense(bundle, RecordKind.Result, result.Id, Vectors.RecordTexts.Of(result), retriever.QueryOf(result), needs, reading);
        return new ResultMatches(viewer?.View(result) ?? result, bundle is null ? Describe(needs, viewer) : Reverse(bundle, RecordKind.Result, result.Id, needs, k, viewer, reading));
    }

    public ExpertMatches? ForExpert(string expertId, int k = 20, Viewer? viewer = null)
    {
        var expert = store.GetExpert(expertId);
        if (expert is null || (viewer is not null && viewer.View(expert) is null)) return null;
        k = Math.Clamp(k, 1, MaxK);
        var bundle = models.Current;
        var results = store.ResultsOfExperts([expert.Id])[expert.Id].Where(r => r.Status == RecordStatus.Active);
        var reading = Reading(viewer);
        var needs = retriever.ForExpert(expert, results, bundle is null ? k : Math.Max(k, ReverseDepth), reading: reading);
        if (bundle is not null) needs = WithDense(bundle, RecordKind.Expert, expert.Id, Vectors.RecordTexts.Of(expert, results), retriever.QueryOf(expert, results), needs, reading);
        return new ExpertMatches(expert, bundle is null ? Describe(needs, viewer) : Reverse(bundle, RecordKind.Expert, expert.Id, needs, k, viewer, reading));
    }

    /// <summary>
    /// The reverse direction's hybrid candidates: the needs nearest the result's or expert's sentence vector join the
    /// BM25 list. Needs the viewer may not read in full are never found this way (their vectors hold hidden text).
    /// </summary>
    private IReadOnlyList<Candidate> WithDense(ModelBundle bundle, RecordKind kind, string id, string text, Lucene.Net.Search.Query query,
        IReadOnlyList<Candidate> needs, NeedReading? reading)
    {
        var hits = scorer.DenseHits(bundle, kind, id, text, RecordKind.Need, reading is null ? null : reading.Hidden.Contains);
        return hits is null ? needs : retriever.Merge(query, RecordKind.Need, needs, hits.Take(ReverseDepth).ToList(), ReverseDepth);
    }

    /// <summary>
    /// The needs <paramref name="viewer"/> may not read in full (null: they read every need, or no viewer was given).
    /// For them a summary-only need is matched as if its description and keywords were empty, and an organisers-only
    /// need not at all: nothing derived from hidden text reaches them, not even a rank (decision record 0011).
    /// </summary>
    private NeedReading? Reading(Viewer? viewer)
    {
        if (viewer is null || viewer.IsStaff) return null;
        var hidden = store.NonPublicNeeds().Where(n => !viewer.Owns(n.Organisation)).ToList();
        return hidden.Count == 0 ? null
            : new NeedReading(hidden.Select(n => n.Id).ToHashSet(StringComparer.Ordinal), hidden.Where(n => n.Visibility == "summary").Select(n => n.Id).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Needs for one result or expert, re-ranked: each need is scored as the query it is (the pair's features are the
    /// same whichever side asked), so a pair's score here equals its score in the need's own list.
    /// </summary>
    private IReadOnlyList<MatchItem> Reverse(ModelBundle bundle, RecordKind kind, string candidateId, IReadOnlyList<Candidate> needs, int k, Viewer? viewer, NeedReading? reading)
    {
        // Needs the viewer may not see are dropped before the cut, so they still get k.
        var byId = store.GetNeeds(needs.Select(n => n.Id).ToList()).Where(n => viewer is null || viewer.View(n) is not null).ToDictionary(n => n.Id);
        var scored = new List<(Candidate Need, double Score)>();
        foreach (var n in needs)
        {
            if (!byId.TryGetValue(n.Id, out var need)) continue;
            // A need the viewer sees by its public fields is scored by those alone.
            var publicView = reading?.TitleOnly.Contains(need.Id) == true;
            double? score = kind == RecordKind.Expert
                ? scorer.ScoreExpert(bundle, need, candidateId, publicView)?.Score
                : scorer.ScorePairs(bundle, need, kind, [candidateId], publicView).FirstOrDefault()?.Score;
            if (score is null) continue;
            scored.Add((n, score.Value));
        }
        var top = scored.OrderByDescending(x => x.Score).ThenBy(x => x.Need.Rank).Take(k).ToList();
        return Describe(top.Select(x => x.Need).ToList(), top.Select(x => x.Score).ToList(), bundle.Version, viewer);
    }

    /// <summary>
    /// Adds titles, organisation names and the visibility rules to raw candidates, in BM25 order. With a
    /// <paramref name="viewer"/>, what they may not see is left out and what they see by its public fields has no
    /// snippets; without one, needs show their public view.
    /// </summary>
    public IReadOnlyList<MatchItem> Describe(IReadOnlyList<Candidate> candidates, Viewer? viewer = null) =>
        Describe(candidates, candidates.Select(c => c.NormalisedScore).ToList(), Bm25Model, viewer);

    private IReadOnlyList<MatchItem> Describe(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> scores, string model, Viewer? viewer,
        IReadOnlyList<Evidence?>? evidence = null, IReadOnlyList<IReadOnlyList<Reason>?>? reasons = null, IReadOnlyList<float[]?>? features = null)
    {
        if (candidates.Count == 0) return [];
        var ids = candidates.Select(c => c.Id).ToList();
        var heads = candidates[0].Kind switch
        {
            RecordKind.Result => store.GetResults(ids).Select(r => viewer is null ? r : viewer.View(r)).OfType<ResearchResult>()
                .ToDictionary(r => r.Id, r => new Head(r.Title, r.Organisation, r.Maturity, r.Industries, viewer?.SeesInFull(r) ?? true)),
            RecordKind.Need => store.GetNeeds(ids).Select(n => (Need: n, Shown: viewer is null ? n.PublicView() : viewer.View(n))).Where(x => x.Shown is not null)
                .ToDictionary(x => x.Need.Id, x => new Head(x.Shown!.Title, x.Shown.Organisation, x.Shown.Maturity, x.Shown.Industries, viewer?.SeesInFull(x.Need) ?? x.Need.Visibility == "public")),
            RecordKind.Expert => store.GetExperts(ids).Select(e => viewer is null ? e : viewer.View(e)).OfType<Expert>()
                .ToDictionary(e => e.Id, e => new Head($"{e.Name}{(e.Title is null ? "" : " " + e.Title)}", e.Organisation, null, e.Areas, true)),
            _ => throw new ArgumentOutOfRangeException(nameof(candidates)),
        };
        var organisations = store.GetOrganisations(heads.Values.Select(h => h.Organisation).OfType<string>().Distinct().ToList()).ToDictionary(o => o.Id, o => o.Name);
        var items = new List<MatchItem>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            // A record deleted since the index was last refreshed is skipped rather than shown half-empty.
            if (!heads.TryGetValue(c.Id, out var h)) continue;
            items.Add(new MatchItem(c.Id, c.Kind.Name(), h.Title, h.Organisation, h.Organisation is null ? null : organisations.GetValueOrDefault(h.Organisation),
                scores[i], c.Score, items.Count + 1, c.NormalisedScore, model, h.Maturity, h.Industries, h.Public ? c.Snippets : [], evidence?[i])
            {
                Reasons = reasons?[i] ?? [], Features = features?[i],
            });
        }
        return items;
    }

    private sealed record Head(string Title, string? Organisation, string? Maturity, IReadOnlyList<string> Industries, bool Public);
}
