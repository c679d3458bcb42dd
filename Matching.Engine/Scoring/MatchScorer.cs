using Matching.Engine.Candidates;
using Matching.Engine.Features;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Vectors;
using Matching.Engine.Embeddings;

namespace Matching.Engine.Scoring;

/// <summary>A candidate with its feature vector, the ranker's raw score and the calibrated 0–1 match score.</summary>
public sealed record ScoredCandidate(Candidate Candidate, float[] Features, float Raw, double Score, double? Absolute = null)
{
    /// <summary>The pair score an expert blend of <paramref name="pairScore"/> uses: the absolute one when asked for and there is one, else the shown one.</summary>
    public double For(string pairScore) => pairScore == ExpertBlend.Absolute && Absolute is { } a ? a : Score;
}

/// <summary>An expert's score for a need: their profile's, their results' (best and top-3 mean), and the combination.</summary>
public sealed record ExpertScore(ScoredCandidate Profile, double Score, string? BestResultId, double BestResult, double TopThreeResults);

/// <summary>
/// Step 4–5 of the pipeline: features for a need's candidates, the ranker's scores in one batch, and calibrated match
/// scores. Callers read the active model once and pass it, so a model swap mid-request never mixes two models. Vectors come
/// from the database (the vector job stores them); a pair whose vectors are not there yet gets them as missing.
/// </summary>
public sealed class MatchScorer(FeatureExtractor features, RecordVectors vectors, RecordStore store, CandidateRetriever retriever, DenseIndexes? dense = null)
{
    /// <summary>The candidate depth the models are trained at: the rank feature means the same thing at both ends.</summary>
    public const int K = 200;

    /// <summary>Candidates from the dense list (the nearest records by sentence vectors), merged with the BM25 top K.</summary>
    public const int DenseK = 100;

    /// <summary>
    /// A need's candidates of one kind as <paramref name="bundle"/> was trained to see them: the BM25 top
    /// <see cref="K"/>, merged with the dense top <see cref="ModelManifest.DenseCandidates"/> (the records nearest the
    /// need's sentence vector, by its language's encoder) when the model uses hybrid candidates and the need's vector
    /// is current. A need matched by its public view has no dense list (its vector is made from the whole text).
    /// </summary>
    public IReadOnlyList<Candidate> Candidates(ModelBundle bundle, TechNeed need, RecordKind kind, TermStates? terms = null, bool publicView = false) =>
        Candidates(VectorModels.Of(bundle), bundle.Manifest.DenseCandidates, need, kind, terms, publicView);

    /// <summary>A need's hybrid candidates under given vector models and dense depth (training workspaces have no bundle yet).</summary>
    public IReadOnlyList<Candidate> Candidates(VectorModels models, int denseK, TechNeed need, RecordKind kind, TermStates? terms = null, bool publicView = false)
    {
        terms ??= new TermStates();
        // The BM25 list and the dense list are independent: searched side by side.
        IReadOnlyList<Candidate> bm25 = null!;
        IReadOnlyList<DenseHit>? hits = null;
        var states = terms;
        SideBySide.Invoke(
            () => bm25 = retriever.ForNeed(need, kind, K, withSnippets: 0, states),
            () => hits = publicView ? null : DenseHits(models, denseK, RecordKind.Need, need.Id, RecordTexts.Of(need), kind, null));
        return hits is null ? bm25 : retriever.Merge(retriever.QueryOf(need), kind, bm25, hits, K, terms);
    }

    /// <summary>
    /// The dense list for a record's stored vector among records of <paramref name="target"/>: null when the model has
    /// no dense candidates, the text's encoder is not the model's, or the vector is missing or stale (made from
    /// another text). Ids <paramref name="skip"/> names are left out.
    /// </summary>
    public IReadOnlyList<DenseHit>? DenseHits(ModelBundle bundle, RecordKind kind, string id, string text, RecordKind target, Func<string, bool>? skip) =>
        DenseHits(VectorModels.Of(bundle), bundle.Manifest.DenseCandidates, kind, id, text, target, skip);

    private IReadOnlyList<DenseHit>? DenseHits(VectorModels models, int denseK, RecordKind kind, string id, string text, RecordKind target, Func<string, bool>? skip)
    {
        if (dense is null || denseK <= 0) return null;
        if (models.KeyFor(text) is not { } key) return null;
        var stored = vectors.Get(kind, key, [id]).GetValueOrDefault(id);
        if (stored is null || stored.TextHash != VectorMaintainer.HashOf(kind, text)) return null;
        return dense.For(target, key, stored.Vector.Length).Top(stored.Vector, denseK, skip);
    }

    /// <summary>Scores a need's candidates of one kind (results, or experts by profile) with <paramref name="bundle"/>, in the candidates' order.</summary>
    /// <remarks>The <paramref name="terms"/> the candidates were retrieved with, when given, spare the features the term lookups.</remarks>
    /// <remarks>
    /// With <paramref name="publicView"/>, the need is scored as a viewer who may read only its public fields sees it:
    /// the caller passes its public view, and its stored vectors (made from the whole text) are not used.
    /// </remarks>
    public IReadOnlyList<ScoredCandidate> Score(ModelBundle bundle, TechNeed need, RecordKind kind, IReadOnlyList<Candidate> candidates, TermStates? terms = null,
        bool publicView = false)
    {
        if (candidates.Count == 0) return [];
        var vectorModels = VectorModels.Of(bundle);
        var needVectors = publicView ? null : vectorModels.Lookup(vectors, RecordKind.Need, [need.Id])(need.Id);
        var lookup = vectorModels.Lookup(vectors, kind, candidates.Select(c => c.Id).ToList());
        var rows = features.For(kind, need, candidates, K, needVectors, lookup, terms);
        var language = bundle.For(rows[0]);
        var raw = language.Ranker.Score(rows);
        var calibrated = language.Scores(rows, raw);
        // The absolute score rides along (experts' blends may use it) unless it is the shown one already.
        var absolute = language.Absolute is null ? null : language.Shown is not null ? calibrated : language.Absolute.Probabilities(rows);
        return candidates.Select((c, i) => new ScoredCandidate(c, rows[i], raw[i], calibrated[i], absolute?[i])).ToList();
    }

    /// <summary>
    /// Given records of one kind as candidates of a need, scored exactly as they score in the need's own list (some
    /// features are relative to the retrieved top K, so the list is scored with them): a record in the top K gets
    /// its list row, one outside gets rank K + 1. Records not in the index are left out. Each has its snippets.
    /// </summary>
    /// <remarks>With <paramref name="publicView"/>, the need is matched by its public fields alone (see <see cref="Score"/>).</remarks>
    /// <remarks>Without <paramref name="snippets"/>, pairs outside the list have no highlighted passages (a caller that only wants scores spares the highlighting).</remarks>
    public IReadOnlyList<ScoredCandidate> ScorePairs(ModelBundle bundle, TechNeed need, RecordKind kind, IReadOnlyList<string> ids, bool publicView = false, bool snippets = true)
    {
        if (publicView) need = need.PublicView();
        var terms = new TermStates();
        var top = Candidates(bundle, need, kind, terms, publicView);
        var listed = top.Select(c => c.Id).ToHashSet();
        var wanted = ids.Distinct().Select(id => listed.Contains(id) ? null : retriever.Pair(need, kind, id, K, top, terms)).OfType<Candidate>().ToList();
        var scored = Score(bundle, need, kind, top.Concat(wanted).ToList(), terms, publicView).ToDictionary(s => s.Candidate.Id);
        var found = ids.Distinct().Where(scored.ContainsKey).Select(id => scored[id]).ToList();
        if (!snippets) return found;
        var withSnippets = retriever.WithSnippets(need, found.Select(s => s.Candidate).Where(c => c.Snippets.Count == 0).ToList()).ToDictionary(c => c.Id);
        return found.Select(s => withSnippets.TryGetValue(s.Candidate.Id, out var c) ? s with { Candidate = c } : s).ToList();
    }

    /// <summary>An expert's combined score for a need, with their closest result, scored as in the need's lists.</summary>
    public ExpertScore? ScoreExpert(ModelBundle bundle, TechNeed need, string expertId, bool publicView = false) =>
        ScorePairs(bundle, need, RecordKind.Expert, [expertId], publicView) is [var profile] ? ScoreExpert(bundle, need, profile, publicView) : null;

    /// <summary>An expert's combined score for a need, from their profile's score (already computed) and their results'.</summary>
    public ExpertScore ScoreExpert(ModelBundle bundle, TechNeed need, ScoredCandidate profile, bool publicView = false)
    {
        var expertId = profile.Candidate.Id;
        var own = store.ResultsOfExperts([expertId])[expertId].Where(r => r.Status == RecordStatus.Active).Select(r => r.Id).ToList();
        return Combine(bundle.Experts, profile, ScorePairs(bundle, need, RecordKind.Result, own, publicView));
    }

    /// <summary>
    /// Experts' scores for a need: each expert's profile scored like a result, combined with the scores of their own
    /// results among <paramref name="results"/> (best and top-3 mean). An expert without a scored result is scored
    /// by profile alone.
    /// </summary>
    public IReadOnlyList<ExpertScore> ScoreExperts(ModelBundle bundle, TechNeed need, IReadOnlyList<Candidate> experts, IReadOnlyList<ScoredCandidate> results, TermStates? terms = null)
    {
        var profiles = Score(bundle, need, RecordKind.Expert, experts, terms);
        var theirs = store.ResultsOfExperts(experts.Select(e => e.Id).ToList());
        return profiles.Select(p => Combine(bundle.Experts, p, theirs[p.Candidate.Id].Where(r => r.Status == RecordStatus.Active)
            .Join(results, r => r.Id, s => s.Candidate.Id, (_, s) => s).ToList())).ToList();
    }

    /// <summary>An expert's score by the model's blend; the best result and the top-3 mean (shown scores) say what it rests on.</summary>
    private static ExpertScore Combine(ExpertBlend blend, ScoredCandidate profile, IReadOnlyList<ScoredCandidate> ownResults)
    {
        var own = ownResults.OrderByDescending(x => x.Score).ToList();
        var score = blend.Combine(profile.For(blend.PairScore), own.Select(r => r.For(blend.PairScore)).ToList());
        if (own.Count == 0) return new ExpertScore(profile, score, null, 0, 0);
        return new ExpertScore(profile, score, own[0].Candidate.Id, own[0].Score, own.Take(3).Average(x => x.Score));
    }
}
