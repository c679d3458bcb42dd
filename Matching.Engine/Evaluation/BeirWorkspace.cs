using Matching.Engine.Candidates;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Engine.Evaluation;

/// <summary>
/// A benchmark loaded through the product's own path: its corpus stored as research results in a scratch database,
/// indexed by the product's analyzer and index code, and queried as needs by the product's candidate step. What is
/// measured is what serves.
/// </summary>
public sealed class BeirWorkspace : IDisposable
{
    private BeirWorkspace(string path, RecordStore store, IndexSet indexes, CandidateRetriever retriever, QueryBuilder queries)
    {
        Path = path;
        Store = store;
        Indexes = indexes;
        Retriever = retriever;
        Queries = queries;
    }

    public QueryBuilder Queries { get; }

    public string Path { get; }
    public RecordStore Store { get; }
    public IndexSet Indexes { get; }
    public CandidateRetriever Retriever { get; }

    /// <summary>Stores and indexes the corpus in a new folder under <paramref name="scratchRoot"/>.</summary>
    public static BeirWorkspace Create(BeirDataset dataset, string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms,
        IProgress<Progress.JobProgress>? progress = null)
    {
        var path = System.IO.Path.Combine(scratchRoot, dataset.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var database = new MatchingDatabase(System.IO.Path.Combine(path, "matching.db"));
        Migrator.Migrate(database);
        var store = new RecordStore(database);
        foreach (var chunk in dataset.Corpus.Chunk(1000))
        {
            using var writer = store.BeginWrite();
            foreach (var d in chunk)
                writer.Upsert(ResultFor(d));
            writer.Commit();
        }
        var indexes = IndexSet.OpenWriters(System.IO.Path.Combine(path, "index"), analyzer);
        new IndexMaintainer(store, indexes).CatchUp(progress);
        var queries = new QueryBuilder(analyzer, synonyms);
        var retriever = new CandidateRetriever(indexes, queries, new SnippetBuilder(analyzer));
        return new BeirWorkspace(path, store, indexes, retriever, queries);
    }

    /// <summary>
    /// For each judged query of the split: its BM25 top <paramref name="k"/>, their feature vectors, and their grades
    /// (0 where unjudged).
    /// </summary>
    /// <remarks>
    /// With <paramref name="denseK"/> above 0 and vectors given, candidates are hybrid as serving makes them: the dense
    /// top <paramref name="denseK"/> (exact, over the corpus's vectors of the query's encoder) merged with the BM25 list.
    /// </remarks>
    public IEnumerable<QueryCandidates> Candidates(BeirDataset dataset, IndustryTaxonomy taxonomy, int k,
        Func<string, Features.TextVectors?>? queryVectors = null, Func<string, Features.TextVectors?>? documentVectors = null, int denseK = 0)
    {
        var features = new Features.FeatureExtractor(Indexes, Store, Queries, taxonomy);
        var dense = denseK > 0 && documentVectors is not null ? DenseIndexes(dataset, documentVectors) : null;
        foreach (var (queryId, judged) in dataset.Qrels.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!dataset.Queries.TryGetValue(queryId, out var text)) continue;
            var need = NeedFor(queryId, text);
            var needVectors = queryVectors?.Invoke(queryId);
            var terms = new TermStates();
            IReadOnlyList<Candidate> candidates = Retriever.ForNeed(need, RecordKind.Result, k, 0, terms);
            if (dense is not null && needVectors?.Embedding is { } v && dense.TryGetValue(v.Length, out var index))
                candidates = Retriever.Merge(Retriever.QueryOf(need), RecordKind.Result, candidates, index.Top(v, denseK), k, terms);
            yield return new QueryCandidates(queryId, judged, candidates, features.ForResults(need, candidates, k, needVectors, documentVectors));
        }
    }

    /// <summary>The dense list's matrix of each encoder: the corpus's whole-text vectors by their length.</summary>
    private static Dictionary<int, DenseIndex> DenseIndexes(BeirDataset dataset, Func<string, Features.TextVectors?> documentVectors)
    {
        var byLength = new Dictionary<int, DenseIndex>();
        foreach (var d in dataset.Corpus)
        {
            if (documentVectors(d.Id)?.Embedding is not { } v) continue;
            if (!byLength.TryGetValue(v.Length, out var index)) byLength[v.Length] = index = new DenseIndex(v.Length);
            index.Put([new Vectors.StoredVector(d.Id, "", v)]);
        }
        return byLength;
    }

    /// <summary>Dense-only nDCG@10 per judged query: the corpus ranked by the query's sentence vector alone (0 without one).</summary>
    public static IEnumerable<(string QueryId, IReadOnlyList<string> Ranked, IReadOnlyDictionary<string, int> Judged)> DenseRankings(BeirDataset dataset,
        Func<string, Features.TextVectors?> queryVectors, Func<string, Features.TextVectors?> documentVectors, int depth)
    {
        var dense = DenseIndexes(dataset, documentVectors);
        foreach (var (queryId, judged) in dataset.Qrels.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!dataset.Queries.ContainsKey(queryId)) continue;
            IReadOnlyList<string> ranked = queryVectors(queryId)?.Embedding is { } v && dense.TryGetValue(v.Length, out var index)
                ? index.Top(v, depth).Select(h => h.Id).ToList() : [];
            yield return (queryId, ranked, judged);
        }
    }

    /// <summary>A corpus document as the research result it is stored as.</summary>
    /// <remarks>Its language follows its text's CJK share, as the encoders' choice does.</remarks>
    public static ResearchResult ResultFor(BeirDocument d)
    {
        var title = string.IsNullOrWhiteSpace(d.Title) ? d.Id : d.Title;
        return new() { Id = d.Id, Title = title, Abstract = d.Text, Language = LanguageOf(title + d.Text) };
    }

    private static string LanguageOf(string text) => Vectors.VectorModels.IsChinese(text) ? "zh" : "en";

    /// <summary>The text a corpus document is embedded from: the product's text of the result it is stored as.</summary>
    public static string EmbeddingText(BeirDocument d) => Vectors.RecordTexts.Of(ResultFor(d));

    /// <summary>The text a query is embedded from.</summary>
    public static string EmbeddingText(string queryId, string text) => Vectors.RecordTexts.Of(NeedFor(queryId, text));

    /// <summary>A benchmark query as the need it stands for.</summary>
    public static TechNeed NeedFor(string queryId, string text) => new() { Id = queryId, Title = text, Language = LanguageOf(text) };

    public void Dispose()
    {
        Indexes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One query's candidates with their features and the query's judgements.</summary>
public sealed record QueryCandidates(string QueryId, IReadOnlyDictionary<string, int> Judged, IReadOnlyList<Candidate> Candidates, float[][] Features);
