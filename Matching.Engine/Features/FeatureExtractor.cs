using Lucene.Net.Index;
using Lucene.Net.Queries;
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
/// BM25 through filtered searches, term presence through postings, stored texts) and the records (industries,
/// maturity, cooperation, money, zone). Pairs that were not retrieved get the same features, with rank K + 1.
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
    public float[][] For(RecordKind kind, TechNeed need, IReadOnlyList<Candidate> candidates, int k, TextVectors? needVectors = null, Func<string, TextVectors?>? candidateVectors = null)
    {
        var vectors = new float[candidates.Count][];
        if (candidates.Count == 0) return vectors;
        var terms = queries.NeedTerms(need);
        var totalWeight = terms.Values.Sum();
        var ids = candidates.Select(c => c.Id).ToList();
        var facts = Facts(kind, ids);
        var organisationIds = facts.Values.Select(r => r.Organisation).OfType<string>().Append(need.Organisation).OfType<string>().Distinct().ToList();
        var organisations = store.GetOrganisations(organisationIds).ToDictionary(o => o.Id);
        var needOrganisation = need.Organisation is { } no ? organisations.GetValueOrDefault(no) : null;
        var records = store.JudgementsOfOrganisations(organisationIds).ToLookup(j => j.Organisation, j => (j.NeedId, j.Grade));
        var needText = string.Join("\n", need.Title, need.Description, string.Join("；", need.Keywords));
        var needBigrams = Bigrams(needText);
        var cjk = CjkShare(needText);

        using var lease = indexes[kind].Acquire();
        var searcher = lease.Searcher;
        var docs = Locate(searcher, ids);
        var idOf = docs.ToDictionary(d => d.Value, d => d.Key);
        var all = FieldScores(searcher, terms, IndexDocuments.All, ids, idOf);
        var title = FieldScores(searcher, terms, IndexDocuments.Title, ids, idOf);
        var keywords = FieldScores(searcher, terms, IndexDocuments.Keywords, ids, idOf);
        var presentAll = Presence(searcher.IndexReader, terms.Keys, IndexDocuments.All, idOf);
        var presentTitle = Presence(searcher.IndexReader, terms.Keys, IndexDocuments.Title, idOf);

        // List-level context: how far each candidate's semantic similarity is from the best in its list. Trees split
        // on absolute values; a need whose every candidate is far from it in meaning looks different from one with a
        // clear best, and the gap says which candidate is the clear best.
        var theirVectors = candidates.Select(c => candidateVectors?.Invoke(c.Id)).ToList();
        var embeddingCosines = theirVectors.Select(t => PairFeatures.Cosine(needVectors?.Embedding, t?.Embedding)).ToList();
        var topicCosines = theirVectors.Select(t => PairFeatures.Cosine(needVectors?.Topics, t?.Topics)).ToList();
        // "The list" is the retrieved top k: a pair scored from outside it (rank k + 1) is measured against the list
        // it missed, and leaves the list's own values as they are.
        var inList = candidates.Select((c, i) => (c, i)).Where(x => x.c.Rank <= k).Select(x => x.i).ToList();
        var bestEmbedding = inList.Select(i => embeddingCosines[i]).Max() ?? 0;
        var bestTopic = inList.Select(i => topicCosines[i]).Max() ?? 0;

        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var v = new float[FeatureSchema.Count];
            var n = 0;
            v[n++] = c.Score;
            v[n++] = c.Rank;
            v[n++] = (float)c.NormalisedScore;
            v[n++] = all.GetValueOrDefault(c.Id);
            v[n++] = title.GetValueOrDefault(c.Id);
            v[n++] = keywords.GetValueOrDefault(c.Id);
            v[n++] = totalWeight > 0 ? presentAll.GetValueOrDefault(c.Id)?.Sum(t => terms[t]) / totalWeight ?? 0 : 0;
            v[n++] = totalWeight > 0 ? presentTitle.GetValueOrDefault(c.Id)?.Sum(t => terms[t]) / totalWeight ?? 0 : 0;
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
            // The indexed text (IndexDocuments): title, body and keywords, as the record holds them.
            v[n++] = PairFeatures.Dice(needBigrams, Bigrams(r is null ? "" : r.Title + "\n" + r.Body + "\n" + string.Join(IndexDocuments.ListSeparator, r.IndexedKeywords)));
            v[n++] = cjk;
            v[n++] = terms.Count;
            v[n++] = r?.Title.Length ?? 0;
            v[n++] = r?.Body.Length ?? 0;
            vectors[i] = v;
        }
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

    private static int Pair(float[] v, int n, float? value)
    {
        v[n] = value ?? 0;
        v[n + 1] = value is null ? 0 : 1;
        return n + 2;
    }

    /// <summary>
    /// The live Lucene doc id of each candidate, found by seeking its id term (no stored field is read: the texts come
    /// from the records, which hold the same strings the index was built from).
    /// </summary>
    private static Dictionary<string, int> Locate(IndexSearcher searcher, IReadOnlyList<string> ids)
    {
        var found = new Dictionary<string, int>(ids.Count);
        var reader = searcher.IndexReader;
        var live = MultiFields.GetLiveDocs(reader);
        foreach (var id in ids.Distinct())
        {
            var postings = MultiFields.GetTermDocsEnum(reader, live, RecordIndex.IdField, new BytesRef(id), DocsFlags.NONE);
            if (postings is null) continue;
            var doc = postings.NextDoc();
            if (doc != DocIdSetIterator.NO_MORE_DOCS) found[id] = doc;
        }
        return found;
    }

    private static TermsFilter IdFilter(IReadOnlyList<string> ids) =>
        new(ids.Distinct().Select(id => new Term(RecordIndex.IdField, id)).ToList());

    private static Dictionary<string, float> FieldScores(IndexSearcher searcher, IReadOnlyDictionary<string, float> terms, string field,
        IReadOnlyList<string> ids, Dictionary<int, string> idOf)
    {
        var query = new BooleanQuery();
        foreach (var (term, weight) in terms) query.Add(new TermQuery(new Term(field, term)) { Boost = weight }, Occur.SHOULD);
        var scores = new Dictionary<string, float>();
        if (query.Clauses.Count == 0) return scores;
        // Doc ids come from Locate, under the same searcher.
        // Filter first, leap-frogging: the query's postings are advanced to the candidates only, instead of being
        // walked in full and checked against the filter (what the default strategy picks when a candidate is among
        // the first hundred documents).
        var filtered = new FilteredQuery(query, IdFilter(ids), FilteredQuery.LEAP_FROG_FILTER_FIRST_STRATEGY);
        foreach (var hit in searcher.Search(filtered, ids.Count).ScoreDocs)
            if (idOf.TryGetValue(hit.Doc, out var id)) scores[id] = hit.Score;
        return scores;
    }

    /// <summary>Which of the terms occur in each document's field, read from the postings (no re-analysis).</summary>
    private static Dictionary<string, List<string>> Presence(IndexReader reader, IEnumerable<string> terms, string field, Dictionary<int, string> byDoc)
    {
        var sorted = byDoc.Keys.Order().ToArray();
        var present = new Dictionary<string, List<string>>();
        var live = MultiFields.GetLiveDocs(reader);
        foreach (var term in terms)
        {
            var postings = MultiFields.GetTermDocsEnum(reader, live, field, new BytesRef(term));
            if (postings is null) continue;
            foreach (var target in sorted)
            {
                var at = postings.DocID >= target ? postings.DocID : postings.Advance(target);
                if (at == DocIdSetIterator.NO_MORE_DOCS) break;
                if (at != target) continue;
                var id = byDoc[target];
                if (!present.TryGetValue(id, out var list)) present[id] = list = [];
                list.Add(term);
            }
        }
        return present;
    }

    /// <summary>Folded CJK character bigrams of a text.</summary>
    public static HashSet<int> Bigrams(string text)
    {
        var set = new HashSet<int>();
        var folded = TextFolding.Fold(text);
        for (var i = 0; i + 1 < folded.Length; i++)
            if (IsCjk(folded[i]) && IsCjk(folded[i + 1])) set.Add(folded[i] << 16 | folded[i + 1]);
        return set;
    }

    public static float CjkShare(string text)
    {
        var letters = text.Count(char.IsLetter);
        return letters == 0 ? 0 : text.Count(IsCjk) / (float)letters;
    }

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF';
}
