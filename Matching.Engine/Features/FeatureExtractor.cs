using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Matching.Engine.Candidates;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Engine.Features;

/// <summary>
/// Computes <see cref="FeatureSchema"/> vectors for a need against result candidates, from the index (per-field
/// BM25 through filtered searches, term presence through postings, stored texts), the records (industries,
/// maturity, cooperation, money, zone) and their sentence vectors. Pairs that were not retrieved get the same
/// features, with rank K + 1 and no dense rank.
/// </summary>
public sealed class FeatureExtractor(IndexSet indexes, RecordStore store, Candidates.QueryBuilder queries, IndustryTaxonomy taxonomy)
{
    /// <summary>Feature vectors for the need against each candidate result, in the candidates' order.</summary>
    public float[][] ForResults(TechNeed need, IReadOnlyList<Candidate> candidates, int k, TextVectors? needVectors = null, Func<string, TextVectors?>? candidateVectors = null) =>
        For(RecordKind.Result, need, candidates, k, needVectors, candidateVectors);

    /// <summary>
    /// Feature vectors for the need against each candidate of one kind (results, or experts by their profile), in the
    /// candidates' order. The need's sentence and topic vectors and a lookup of the candidates' are used when known;
    /// a pair without both gets that feature as missing.
    /// </summary>
    public float[][] For(RecordKind kind, TechNeed need, IReadOnlyList<Candidate> candidates, int k, TextVectors? needVectors = null, Func<string, TextVectors?>? candidateVectors = null,
        TermStates? termStates = null)
    {
        var vectors = new float[candidates.Count][];
        if (candidates.Count == 0) return vectors;
        var terms = queries.NeedTerms(need);
        var totalWeight = terms.Values.Sum();
        var ids = candidates.Select(c => c.Id).ToList();
        var needText = string.Join("\n", need.Title, need.Description, string.Join("；", need.Keywords));
        var needBigrams = Bigrams(needText);
        var cjk = CjkShare(needText);

        // Independent reads, side by side: the candidates' records from the database, their clause scores and their
        // character-pair scores from the index, and their stored vectors (a lazy lookup loads on first use). On two
        // cores this took a quarter off the scoring step of bench match.
        Dictionary<string, CandidateFacts> facts = null!;
        Dictionary<string, Organisation> organisations = null!;
        ILookup<string, (string NeedId, int Grade)> records = null!;
        TermsQuery clauses = null!;
        Dictionary<string, float[]> scores = null!;
        Dictionary<string, float> bigramScores = null!;
        float[] bounds = null!;
        var bigramBound = 0f;
        List<TextVectors?> theirVectors = null!;
        // One searcher for both index reads (it is safe to share), so they see the same version of the index.
        using var lease = indexes[kind].Acquire();
        var docs = SegmentIds.Locate(lease.Searcher.IndexReader, ids);
        SideBySide.Invoke(
            () =>
            {
                facts = Facts(kind, ids);
                var organisationIds = facts.Values.Select(r => r.Organisation).OfType<string>().Append(need.Organisation).OfType<string>().Distinct().ToList();
                organisations = store.GetOrganisations(organisationIds).ToDictionary(o => o.Id);
                records = store.JudgementsOfOrganisations(organisationIds).ToLookup(j => j.Organisation, j => (j.NeedId, j.Grade));
            },
            () =>
            {
                clauses = new TermsQuery(terms, FeatureFields);
                var byDoc = ClauseScores.Of(lease.Searcher, clauses, docs.Values, termStates);
                scores = docs.ToDictionary(d => d.Key, d => byDoc[d.Value]);
                bounds = ClauseScores.Bounds(lease.Searcher, clauses, termStates);
            },
            () =>
            {
                // Character pairs: each of the need's distinct pairs once, scored on the bigrams field.
                var pairs = Text.CjkBigrams.Distinct(needText);
                if (pairs.Count == 0)
                {
                    bigramScores = [];
                    return;
                }
                var pairQuery = new TermsQuery(pairs.ToDictionary(p => p, _ => 1f), BigramFields);
                var byPairs = ClauseScores.Of(lease.Searcher, pairQuery, docs.Values, termStates);
                bigramScores = docs.ToDictionary(d => d.Key, d => byPairs[d.Value].Sum());
                bigramBound = ClauseScores.Bounds(lease.Searcher, pairQuery, termStates).Sum();
            },
            () => theirVectors = candidates.Select(c => candidateVectors?.Invoke(c.Id)).ToList());
        var needOrganisation = need.Organisation is { } no ? organisations.GetValueOrDefault(no) : null;

        // List-level context: how far each candidate's semantic similarity is from the best in its list. Trees split
        // on absolute values; a need whose every candidate is far from it in meaning looks different from one with a
        // clear best, and the gap says which candidate is the clear best.
        var embeddingCosines = theirVectors.Select(t => PairFeatures.Cosine(needVectors?.Embedding, t?.Embedding)).ToList();
        var topicCosines = theirVectors.Select(t => PairFeatures.Cosine(needVectors?.Topics, t?.Topics)).ToList();
        // "The list" is what was retrieved (the BM25 top k and the dense list): a pair scored from outside it (rank
        // k + 1, no dense rank) is measured against the list it missed, and leaves the list's own values as they are.
        var inList = candidates.Select((c, i) => (c, i)).Where(x => x.c.Rank <= k || x.c.DenseRank > 0).Select(x => x.i).ToList();
        var bestEmbedding = inList.Select(i => embeddingCosines[i]).Max() ?? 0;
        var bestTopic = inList.Select(i => topicCosines[i]).Max() ?? 0;
        // The best-matching sentence of each candidate's body (a claim or a need often matches one sentence of an abstract).
        var passageCosines = theirVectors.Select(t => needVectors?.Embedding is { } e && t?.Passages is { Length: > 0 } p ? p.Max(s => PairFeatures.Cosine(e, s)) : null).ToList();
        var bestPassage = inList.Select(i => passageCosines[i]).Max() ?? 0;
        // Pseudo-relevance feedback: what the list's five best by BM25 have in common, as the mean of their sentence
        // vectors (cross-validation on SciFact train: +0.003 nDCG@10 alone). The same over topic mixtures helped
        // English and not Chinese, so it is not a feature (models/README.md).
        var feedback = inList.OrderBy(i => candidates[i].Rank).Take(FeedbackDepth).ToList();
        var embeddingCentroid = Centroid(feedback.Select(i => theirVectors[i]?.Embedding));

        // Each clause's field and term weight, looked up once rather than per candidate.
        var clauseField = clauses.Clauses.Select(c => c.Field == IndexDocuments.All ? 0 : c.Field == IndexDocuments.Title ? 1 : c.Field == IndexDocuments.Keywords ? 2 : -1).ToArray();
        var clauseWeight = clauses.Clauses.Select(c => terms[c.Term]).ToArray();
        var allBound = bounds.Where((_, i) => clauseField[i] == 0).Sum();

        // The candidates' rows are independent: computed side by side on the machine's cores (the calling thread
        // takes ranges too), each writing its own row.
        SideBySide.ForRanges(candidates.Count, 25, (from, to) =>
        {
            for (var i = from; i < to; i++)
            {
                var c = candidates[i];
                var v = new float[FeatureSchema.Count];
                var n = 0;
                v[n++] = c.Score;
                v[n++] = c.Rank;
                var denseRank = c.DenseRank > 0 ? c.DenseRank : Scoring.MatchScorer.DenseK + 1;
                v[n++] = denseRank;
                v[n++] = c.DenseOnly(k) ? 1 : 0;
                v[n++] = 100f / (RrfK + c.Rank) + 100f / (RrfK + denseRank);
                v[n++] = (float)c.NormalisedScore;
                var field = FieldSums(scores.GetValueOrDefault(c.Id), clauseField, clauseWeight, bounds);
                v[n++] = field.All;
                v[n++] = field.Title;
                v[n++] = field.Keywords;
                v[n++] = bigramScores.GetValueOrDefault(c.Id);
                v[n++] = totalWeight > 0 ? field.PresentAll / totalWeight : 0;
                v[n++] = totalWeight > 0 ? field.PresentTitle / totalWeight : 0;
                v[n++] = allBound > 0 ? field.All / allBound : 0;
                v[n++] = allBound > 0 ? field.PresentAllBound / allBound : 0;
                v[n++] = bigramBound > 0 ? bigramScores.GetValueOrDefault(c.Id) / bigramBound : 0;
                facts.TryGetValue(c.Id, out var r);
                var organisation = r?.Organisation is { } o ? organisations.GetValueOrDefault(o) : null;
                n = Pair(v, n, PairFeatures.KeywordOverlap(need.Keywords, r?.Keywords));
                n = Pair(v, n, PairFeatures.IndustryDistance(taxonomy, need.Industries, r?.Industries));
                n = Pair(v, n, PairFeatures.MaturityGap(need.Maturity, r?.Maturity));
                n = Pair(v, n, PairFeatures.Jaccard(need.Cooperation, r?.Cooperation));
                n = Pair(v, n, PairFeatures.MoneyFit(need.Budget, r?.Price));
                n = Pair(v, n, PairFeatures.SameZone(need.Zone ?? needOrganisation?.Zone, organisation?.Zone));
                n = Pair(v, n, PairFeatures.SameZone(needOrganisation?.Region, organisation?.Region));
                n = Pair(v, n, organisation is null ? null : PairFeatures.TrackRecord(records[organisation.Id], need.Id));
                n = Pair(v, n, PairFeatures.AgeGapDays(need.UpdatedAt, r?.UpdatedAt));
                n = Pair(v, n, embeddingCosines[i]);
                n = Pair(v, n, topicCosines[i]);
                v[n++] = embeddingCosines[i] is { } e ? bestEmbedding - e : 0;
                v[n++] = topicCosines[i] is { } t ? bestTopic - t : 0;
                n = Pair(v, n, passageCosines[i]);
                v[n++] = passageCosines[i] is { } pc ? bestPassage - pc : 0;
                v[n++] = PairFeatures.Cosine(embeddingCentroid, theirVectors[i]?.Embedding) ?? 0;
                // The indexed text (IndexDocuments): title, body and keywords, as the record holds them.
                v[n++] = r is null ? 0 : PairFeatures.BigramDice(needBigrams, [r.Title, r.Body, .. r.IndexedKeywords]);
                v[n++] = cjk;
                v[n++] = terms.Count;
                v[n++] = r?.Title.Length ?? 0;
                v[n++] = r?.Body.Length ?? 0;
                vectors[i] = v;
            }
        });
        return vectors;
    }

    /// <summary>What the record-level features need to know about a candidate, whatever its kind.</summary>
    private sealed record CandidateFacts(IReadOnlyList<string> Keywords, IReadOnlyList<string> Industries, string? Maturity,
        IReadOnlyList<string> Cooperation, MoneyRange? Price, string? Organisation, string Title, string Body, IReadOnlyList<string> IndexedKeywords,
        DateTimeOffset? UpdatedAt);

    private Dictionary<string, CandidateFacts> Facts(RecordKind kind, IReadOnlyList<string> ids)
    {
        if (kind == RecordKind.Result)
            return store.GetResults(ids).ToDictionary(r => r.Id, r => new CandidateFacts(r.Keywords, r.Industries, r.Maturity, r.Cooperation, r.Price, r.Organisation,
                r.Title, r.Abstract ?? "", r.Keywords, r.UpdatedAt));
        if (kind != RecordKind.Expert) throw new ArgumentOutOfRangeException(nameof(kind), kind, "features are computed for results and experts");
        // An expert's industries are those of their active results; areas stand for keywords; maturity, cooperation
        // and price belong to results, so they are missing for a profile.
        var experts = store.GetExperts(ids);
        var results = store.ResultsOfExperts(experts.Select(e => e.Id).ToList());
        return experts.ToDictionary(e => e.Id, e =>
        {
            var own = results[e.Id].Where(r => r.Status == RecordStatus.Active).ToList();
            var (title, body, keywords) = IndexDocuments.ExpertText(e, own);
            return new CandidateFacts(e.Areas, own.SelectMany(r => r.Industries).Distinct().ToList(), null, [], null, e.Organisation, title, body, keywords, e.UpdatedAt);
        });
    }

    /// <summary>The constant of reciprocal rank fusion (Cormack et al. 2009): ranks beyond the first few count alike.</summary>
    public const int RrfK = 60;

    /// <summary>How many of the list's best by BM25 the feedback centroids are taken from.</summary>
    public const int FeedbackDepth = 5;

    /// <summary>The mean of the known vectors, or null when none is known.</summary>
    private static float[]? Centroid(IEnumerable<float[]?> vectors)
    {
        float[]? sum = null;
        var count = 0;
        foreach (var v in vectors)
        {
            if (v is null || (sum is not null && v.Length != sum.Length)) continue;
            sum ??= new float[v.Length];
            for (var d = 0; d < v.Length; d++) sum[d] += v[d];
            count++;
        }
        if (sum is null) return null;
        for (var d = 0; d < sum.Length; d++) sum[d] /= count;
        return sum;
    }

    private static int Pair(float[] v, int n, float? value)
    {
        v[n] = value ?? 0;
        v[n + 1] = value is null ? 0 : 1;
        return n + 2;
    }

    private static readonly IReadOnlyDictionary<string, float> BigramFields = new Dictionary<string, float> { [IndexDocuments.Bigrams] = 1f };

    /// <summary>Each field scored with the need's term weights alone (no field boost): per-field BM25 features.</summary>
    private static readonly IReadOnlyDictionary<string, float> FeatureFields = IndexDocuments.SearchFields.Keys.ToDictionary(f => f, _ => 1f);

    /// <summary>
    /// One candidate's clause scores summed per field (the per-field BM25 features, in clause order), and the summed
    /// weight of the need's terms found in the whole text and in the title (a term scores above 0 exactly where it occurs),
    /// and the summed score bounds of the whole-text clauses found.
    /// </summary>
    private static (float All, float Title, float Keywords, float PresentAll, float PresentTitle, float PresentAllBound) FieldSums(float[]? scores, int[] field, float[] weight,
        float[] bounds)
    {
        if (scores is null) return default;
        double all = 0, title = 0, keywords = 0;
        float presentAll = 0, presentTitle = 0, presentAllBound = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            switch (field[i])
            {
                case 0:
                    all += scores[i];
                    if (scores[i] > 0)
                    {
                        presentAll += weight[i];
                        presentAllBound += bounds[i];
                    }
                    break;
                case 1:
                    title += scores[i];
                    if (scores[i] > 0) presentTitle += weight[i];
                    break;
                case 2:
                    keywords += scores[i];
                    break;
            }
        }
        return ((float)all, (float)title, (float)keywords, presentAll, presentTitle, presentAllBound);
    }

    /// <summary>Folded CJK character bigrams of a text.</summary>
    public static HashSet<int> Bigrams(string text) => CjkBigrams.Chars(text).Select(p => Bigram(p.First, p.Second)).ToHashSet();

    internal static int Bigram(char first, char second) => first << 16 | second;

    public static float CjkShare(string text)
    {
        var letters = text.Count(char.IsLetter);
        return letters == 0 ? 0 : text.Count(IsCjk) / (float)letters;
    }

    internal static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF';
}
