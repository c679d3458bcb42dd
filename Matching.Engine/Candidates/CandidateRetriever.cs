using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Queries;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Matching.Engine.Index;
using Matching.Engine.Records;

namespace Matching.Engine.Candidates;

/// <summary>
/// The candidate step of the pipeline: BM25 top-K for a need among results or experts, for a result among needs,
/// or for typed text. Scoring of candidates is a separate step that consumes these lists.
/// </summary>
public sealed class CandidateRetriever(IndexSet indexes, QueryBuilder queries, SnippetBuilder snippets)
{
    /// <summary>
    /// Candidates for a need. Retrieval uses the whole need; for a need that is not public, the snippets highlight
    /// only the terms of its public view, so a highlight never reveals words of a hidden description.
    /// </summary>
    /// <remarks>Pass the match's <paramref name="terms"/> when its features follow, so they reuse the term statistics.</remarks>
    public IReadOnlyList<Candidate> ForNeed(TechNeed need, RecordKind target, int k, int withSnippets = 20, TermStates? terms = null) =>
        Retrieve(queries.ForNeed(need), target, k, withSnippets, exclude: null, highlight: Highlight(need), terms: terms);

    /// <summary>What a need's snippets may highlight: all its terms when public, its title's when summary-only, nothing else.</summary>
    private Query? Highlight(TechNeed need) => need.Visibility switch
    {
        "public" => null,
        "summary" => queries.ForText(need.Title),
        _ => new BooleanQuery(),
    };

    /// <summary>
    /// One given record as a candidate of the need: its entry in the top <paramref name="k"/> when it is there;
    /// otherwise its own BM25 score under the need's query with rank k + 1, as a pair outside the list is scored.
    /// Null when the record is not in the index (withdrawn, or not indexed yet). <paramref name="top"/> is the need's
    /// top k when the caller has it already, and <paramref name="terms"/> the term statistics it was retrieved with.
    /// </summary>
    public Candidate? Pair(TechNeed need, RecordKind target, string id, int k, IReadOnlyList<Candidate>? top = null, TermStates? terms = null)
    {
        terms ??= new TermStates();
        top ??= ForNeed(need, target, k, withSnippets: 0, terms);
        using var lease = indexes[target].Acquire();
        var searcher = lease.Searcher;
        var query = CandidateQuery(searcher, queries.ForNeed(need), terms);
        var idQuery = new TermQuery(new Term(RecordIndex.IdField, id));
        var docs = searcher.Search(idQuery, 1).ScoreDocs;
        if (docs.Length == 0) return null;
        var doc = searcher.Doc(docs[0].Doc);
        var shown = Snippets(Highlighted(Highlight(need) ?? query, indexes[target]), target, doc);
        if (top.FirstOrDefault(c => c.Id == id) is { } listed) return listed with { Snippets = shown };
        var own = searcher.Search(query, new QueryWrapperFilter(idQuery), 1).ScoreDocs;
        var score = own.Length > 0 ? own[0].Score : 0f;
        var best = top.Count > 0 ? top[0].Score : score;
        return new Candidate(id, target, score, k + 1, best > 0 ? score / best : 0, shown);
    }

    /// <summary>
    /// Hybrid candidates: the BM25 list merged with the dense list (<paramref name="dense"/>, the nearest records by the
    /// language's sentence vectors). A candidate both found keeps its BM25 entry and gains its dense rank; one only the
    /// dense list found gets its own BM25 score under <paramref name="query"/> (0 when it shares no term) with rank
    /// k + 1, as a pair outside the BM25 list is scored. Dense hits not in the text index (withdrawn since their
    /// vector was read) are dropped. The BM25 list's order comes first; dense-only candidates follow by dense rank.
    /// </summary>
    public IReadOnlyList<Candidate> Merge(Query query, RecordKind target, IReadOnlyList<Candidate> bm25, IReadOnlyList<DenseHit> dense, int k, TermStates? terms = null)
    {
        if (dense.Count == 0) return bm25;
        var rankOf = dense.ToDictionary(h => h.Id, h => h.Rank, StringComparer.Ordinal);
        var listed = bm25.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var extra = dense.Where(h => !listed.Contains(h.Id)).Select(h => h.Id).ToList();
        var merged = bm25.Select(c => rankOf.TryGetValue(c.Id, out var r) ? c with { DenseRank = r } : c).ToList();
        if (extra.Count == 0) return merged;
        var scores = ScoresOf(query, target, extra, terms ?? new TermStates());
        var best = bm25.Count > 0 ? bm25[0].Score : scores.Values.DefaultIfEmpty(0).Max();
        merged.AddRange(extra.Where(scores.ContainsKey).Select(id => new Candidate(id, target, scores[id], k + 1, best > 0 ? scores[id] / best : 0, [], rankOf[id])));
        return merged;
    }

    /// <summary>
    /// The BM25 scores of given records under a query as the candidate step runs it; records not in the index are
    /// absent, those sharing no term score 0. Each clause's postings skip to the records (<see cref="ClauseScores"/>)
    /// rather than the query running over the index behind a filter: the same scores, without walking every posting.
    /// </summary>
    private Dictionary<string, float> ScoresOf(Query query, RecordKind target, IReadOnlyList<string> ids, TermStates terms)
    {
        using var lease = indexes[target].Acquire();
        var searcher = lease.Searcher;
        var docs = SegmentIds.Locate(searcher.IndexReader, ids);
        if (docs.Count == 0) return [];
        var candidateQuery = CandidateQuery(searcher, query, terms);
        if (candidateQuery is not BooleanQuery) return ScoresBySearch(searcher, candidateQuery, docs);
        var clauses = ClauseScores.Of(searcher, TermsQuery.Of(candidateQuery), docs.Values, terms);
        return docs.ToDictionary(d => d.Key, d => clauses[d.Value].Sum(), StringComparer.Ordinal);
    }

    /// <summary>Scores of located records by a filtered search (a query that is not a flat disjunction of terms).</summary>
    private static Dictionary<string, float> ScoresBySearch(IndexSearcher searcher, Query query, Dictionary<string, int> docs)
    {
        var byDoc = docs.ToDictionary(d => d.Value, d => d.Key);
        var scores = docs.Keys.ToDictionary(id => id, _ => 0f, StringComparer.Ordinal);
        var filter = new TermsFilter(docs.Keys.Select(id => new Term(RecordIndex.IdField, id)).ToList());
        foreach (var hit in searcher.Search(query, filter, docs.Count).ScoreDocs)
            if (byDoc.TryGetValue(hit.Doc, out var id)) scores[id] = hit.Score;
        return scores;
    }

    /// <summary>The query a need's candidates are retrieved with.</summary>
    public Query QueryOf(TechNeed need) => queries.ForNeed(need);

    /// <summary>The query a result's needs are retrieved with.</summary>
    public Query QueryOf(ResearchResult result) => queries.ForResult(result);

    /// <summary>The query an expert's needs are retrieved with.</summary>
    public Query QueryOf(Expert expert, IEnumerable<ResearchResult> results) => queries.ForExpert(expert, results);

    /// <summary>The candidates with snippets under the need's highlight rule (for the ones shown after re-ranking).</summary>
    public IReadOnlyList<Candidate> WithSnippets(TechNeed need, IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count == 0) return candidates;
        var target = candidates[0].Kind;
        var query = Highlighted(Highlight(need) ?? queries.ForNeed(need), indexes[target]);
        using var lease = indexes[target].Acquire();
        var searcher = lease.Searcher;
        var filter = new TermsFilter(candidates.Select(c => new Term(RecordIndex.IdField, c.Id)).ToList());
        var docs = new Dictionary<string, Document>();
        foreach (var hit in searcher.Search(new ConstantScoreQuery(filter), candidates.Count).ScoreDocs)
        {
            var doc = searcher.Doc(hit.Doc);
            docs[doc.Get(RecordIndex.IdField)] = doc;
        }
        return candidates.Select(c => docs.TryGetValue(c.Id, out var doc) ? c with { Snippets = Snippets(query, target, doc) } : c).ToList();
    }

    /// <summary>Needs for a result; with <paramref name="reading"/>, as a viewer who may not read some needs' hidden text finds them.</summary>
    public IReadOnlyList<Candidate> ForResult(ResearchResult result, int k, int withSnippets = 20, NeedReading? reading = null) =>
        Reverse(queries.ForResult(result), k, withSnippets, reading);

    /// <summary>Needs for an expert; with <paramref name="reading"/>, as a viewer who may not read some needs' hidden text finds them.</summary>
    public IReadOnlyList<Candidate> ForExpert(Expert expert, IEnumerable<ResearchResult> results, int k, int withSnippets = 20, NeedReading? reading = null) =>
        Reverse(queries.ForExpert(expert, results), k, withSnippets, reading);

    /// <summary>
    /// Needs for a result's or an expert's query. Needs the viewer reads in full are found by their whole text; those
    /// they see by their public fields (<see cref="NeedReading.TitleOnly"/>) only by their title, as if the description
    /// and keywords were empty; those they may not see (<see cref="NeedReading.Hidden"/>) not at all. The two lists
    /// merge by BM25 score.
    /// </summary>
    private IReadOnlyList<Candidate> Reverse(Query query, int k, int withSnippets, NeedReading? reading)
    {
        if (reading is null || reading.Hidden.Count == 0) return Retrieve(query, RecordKind.Need, k, withSnippets, exclude: null);
        var full = Retrieve(query, RecordKind.Need, k, withSnippets, exclude: reading.Hidden);
        if (reading.TitleOnly.Count == 0) return full;
        var titles = Retrieve(InTitles(query), RecordKind.Need, k, withSnippets: 0, exclude: null,
            only: new TermsFilter(reading.TitleOnly.Select(id => new Term(RecordIndex.IdField, id)).ToList()));
        var merged = full.Concat(titles).OrderByDescending(c => c.Score).ThenBy(c => c.Id, StringComparer.Ordinal).Take(k).ToList();
        var top = merged.Count > 0 && merged[0].Score > 0 ? merged[0].Score : 1f;
        return merged.Select((c, i) => c with { Rank = i + 1, NormalisedScore = c.Score / top }).ToList();
    }

    /// <summary>The query's terms searched in the title alone, each at its strongest boost: how a record's public text is searched.</summary>
    public static Query InTitles(Query query)
    {
        if (query is not BooleanQuery boolean) return query;
        var boosts = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var clause in boolean.Clauses)
            if (clause.Query is TermQuery { Term: var term } t)
                boosts[term.Text] = Math.Max(boosts.GetValueOrDefault(term.Text), t.Boost);
        var titles = new BooleanQuery();
        foreach (var (term, boost) in boosts) titles.Add(new TermQuery(new Term(IndexDocuments.Title, term)) { Boost = boost }, Occur.SHOULD);
        return titles;
    }

    public IReadOnlyList<Candidate> Search(string text, RecordKind target, int k, int withSnippets = 20) =>
        Retrieve(queries.ForText(text), target, k, withSnippets, exclude: null);

    /// <summary>
    /// Which of <paramref name="ids"/> match <paramref name="text"/> in their title alone. A viewer who sees a record
    /// by its public fields only may find it by those, never by words of its hidden text.
    /// </summary>
    public ISet<string> TitleMatches(string text, RecordKind target, IReadOnlyCollection<string> ids)
    {
        var found = new HashSet<string>();
        if (ids.Count == 0) return found;
        var query = new BooleanQuery();
        foreach (var term in queries.Terms((text, 1f)).Keys) query.Add(new TermQuery(new Term(Index.IndexDocuments.Title, term)), Occur.SHOULD);
        var only = new BooleanQuery();
        foreach (var id in ids.Distinct().Take(BooleanQuery.MaxClauseCount)) only.Add(new TermQuery(new Term(RecordIndex.IdField, id)), Occur.SHOULD);
        using var lease = indexes[target].Acquire();
        var searcher = lease.Searcher;
        foreach (var hit in searcher.Search(query, new QueryWrapperFilter(only), ids.Count).ScoreDocs)
            found.Add(searcher.Doc(hit.Doc).Get(RecordIndex.IdField));
        return found;
    }

    /// <summary>Runs a query against one index; the first <paramref name="withSnippets"/> candidates get snippets.</summary>
    public IReadOnlyList<Candidate> Retrieve(Query query, RecordKind target, int k, int withSnippets, IReadOnlySet<string>? exclude, Query? highlight = null, TermStates? terms = null,
        Filter? only = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var lease = indexes[target].Acquire();
        var searcher = lease.Searcher;
        var candidateQuery = CandidateQuery(searcher, query, terms ?? new TermStates());
        if (only is not null) candidateQuery = new FilteredQuery(candidateQuery, only);
        var hits = LeafParallelSearch.Search(searcher, candidateQuery, k + (exclude?.Count ?? 0));
        var list = new List<Candidate>(Math.Min(k, hits.Length));
        var top = hits.Length > 0 ? hits[0].Score : 1f;
        var leaves = searcher.IndexReader.Leaves;
        var bytes = new BytesRef();
        var marked = withSnippets > 0 ? Highlighted(highlight ?? query, indexes[target]) : null;
        foreach (var hit in hits)
        {
            // Only the candidates that get snippets need their stored text. Ids come from the field cache (the id
            // terms uninverted once per segment): reading them from stored fields decompressed a block per hit, 8 ms
            // of a 100,000-result top 200.
            var rank = list.Count + 1;
            var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
            FieldCache.DEFAULT.GetTerms(leaf.AtomicReader, RecordIndex.IdField, false).Get(hit.Doc - leaf.DocBase, bytes);
            var id = bytes.Utf8ToString();
            if (exclude?.Contains(id) == true) continue;
            var shown = rank <= withSnippets ? Snippets(marked!, target, searcher.Doc(hit.Doc)) : [];
            list.Add(new Candidate(id, target, hit.Score, rank, top > 0 ? hit.Score / top : 0, shown));
            if (list.Count == k) break;
        }
        return list;
    }

    /// <summary>The query as the candidate step runs it: bound to the match's term statistics, common terms left out.</summary>
    private static Query CandidateQuery(IndexSearcher searcher, Query query, TermStates terms) =>
        WithoutCommonTerms(terms.Bind(searcher, query), searcher.IndexReader, CommonTermShare, PruneFromDocuments, t => terms.Of(searcher, t).DocFreq);

    /// <summary>Share of the index above which a term is left out of the candidate query.</summary>
    public const double CommonTermShare = 0.3;

    /// <summary>Indexes smaller than this keep every term (the cost is negligible there).</summary>
    public const int PruneFromDocuments = 10_000;

    /// <summary>
    /// Leaves out terms found in more than <see cref="CommonTermShare"/> of a large index ("技术", "开发" in a
    /// corpus of results): their BM25 weight is a small fraction of a rare term's, but walking their postings is
    /// most of a long query's cost. Each top-level clause is one (field, term) (see <see cref="QueryBuilder"/>); a
    /// term's clauses go together, judged by its frequency in the whole text.
    /// </summary>
    internal static Query WithoutCommonTerms(Query query, Lucene.Net.Index.IndexReader reader, double share, int fromDocuments, Func<Term, int>? docFreq = null)
    {
        if (query is not BooleanQuery boolean || reader.MaxDoc < fromDocuments) return query;
        docFreq ??= reader.DocFreq;
        var limit = reader.MaxDoc * share;
        var common = new HashSet<string>();
        foreach (var clause in boolean.Clauses)
            if (clause.Query is TermQuery { Term: var term } && term.Field == IndexDocuments.All && docFreq(term) > limit)
                common.Add(term.Text);
        if (common.Count == 0) return query;
        var pruned = new BooleanQuery { Boost = boolean.Boost };
        foreach (var clause in boolean.Clauses)
            if (clause.Query is not TermQuery { Term: var term } || !common.Contains(term.Text)) pruned.Add(clause);
        return pruned.Clauses.Count > 0 ? pruned : query;
    }

    /// <summary>A record's snippets for a query already cut to the terms worth marking (<see cref="Highlighted"/>).</summary>
    private List<Snippet> Snippets(Query shown, RecordKind kind, Document doc)
    {
        var list = new List<Snippet>();
        if (kind != RecordKind.Expert) list.AddRange(snippets.Build(shown, IndexDocuments.Title, doc.Get(IndexDocuments.Title), 0));
        list.AddRange(snippets.Build(shown, IndexDocuments.Body, doc.Get(IndexDocuments.Body), 2));
        return list;
    }

    /// <summary>A term found in more than this share of the records is not highlighted (its idf is under the floor).</summary>
    public const double HighlightMaxShare = 0.2;

    /// <summary>Words that carry no meaning of their own in a need or a result; never highlighted.</summary>
    public static readonly IReadOnlySet<string> SnippetStopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "问题", "通过", "进行", "提供", "实现", "采用", "以及", "需要", "我们", "我司", "可以", "能够", "相关", "方面", "情况", "目前", "一种",
        "具有", "用于", "包括", "其中", "主要", "要求", "希望", "寻求", "开展", "合作", "方案", "后续", "进一步", "the", "and", "for", "with", "that", "this",
    };

    /// <summary>
    /// The query's terms that are worth marking in a snippet: two characters or more (not "后", "点" or the "m" of
    /// "μm"), not a stop word, and rare enough to carry weight (in at most <see cref="HighlightMaxShare"/> of
    /// <paramref name="index"/>'s records, once it has <see cref="HighlightFromDocuments"/>).
    /// </summary>
    internal static Query Highlighted(Query query, RecordIndex index)
    {
        if (query is not BooleanQuery boolean) return query;
        using var lease = index.Acquire();
        var reader = lease.Searcher.IndexReader;
        return HighlightedTerms(boolean, term => reader.MaxDoc < HighlightFromDocuments ? 0 : reader.DocFreq(new Term(IndexDocuments.All, term)) / (double)reader.MaxDoc);
    }

    /// <summary>Indexes smaller than this highlight every term that passes the length and stop-word rules.</summary>
    public const int HighlightFromDocuments = 50;

    /// <summary><see cref="Highlighted"/> with the share of records holding a term given.</summary>
    internal static Query HighlightedTerms(BooleanQuery query, Func<string, double> share)
    {
        var kept = new BooleanQuery();
        var judged = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var clause in query.Clauses)
        {
            if (clause.Query is not TermQuery { Term: var term }) continue;
            if (!judged.TryGetValue(term.Text, out var keep))
                judged[term.Text] = keep = term.Text.Length >= 2 && !SnippetStopWords.Contains(term.Text) && share(term.Text) <= HighlightMaxShare;
            if (keep) kept.Add(clause);
        }
        return kept;
    }
}

/// <summary>
/// Which needs a viewer may not read in full: those they see by their public fields only (found by title) and every
/// need they may not read (left out of the full-text search; <see cref="TitleOnly"/> is a subset).
/// </summary>
public sealed record NeedReading(IReadOnlySet<string> Hidden, IReadOnlySet<string> TitleOnly);
