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
    public IEnumerable<QueryCandidates> Candidates(BeirDataset dataset, IndustryTaxonomy taxonomy, int k,
        Func<string, Features.TextVectors?>? queryVectors = null, Func<string, Features.TextVectors?>? documentVectors = null)
    {
        var features = new Features.FeatureExtractor(Indexes, Store, Queries, taxonomy);
        foreach (var (queryId, judged) in dataset.Qrels.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!dataset.Queries.TryGetValue(queryId, out var text)) continue;
            var need = NeedFor(queryId, text);
            var candidates = Retriever.ForNeed(need, RecordKind.Result, k, 0);
            yield return new QueryCandidates(queryId, judged, candidates, features.ForResults(need, candidates, k, queryVectors?.Invoke(queryId), documentVectors));
        }
    }

    /// <summary>A corpus document as the research result it is stored as.</summary>
    public static ResearchResult ResultFor(BeirDocument d) =>
        new() { Id = d.Id, Title = string.IsNullOrWhiteSpace(d.Title) ? d.Id : d.Title, Abstract = d.Text, Language = "en" };

    /// <summary>The text a corpus document is embedded from: the product's text of the result it is stored as.</summary>
    public static string EmbeddingText(BeirDocument d) => Vectors.RecordTexts.Of(ResultFor(d));

    /// <summary>The text a query is embedded from.</summary>
    public static string EmbeddingText(string queryId, string text) => Vectors.RecordTexts.Of(NeedFor(queryId, text));

    /// <summary>A benchmark query as the need it stands for.</summary>
    public static TechNeed NeedFor(string queryId, string text) => new() { Id = queryId, Title = text, Language = "en" };

    public void Dispose()
    {
        Indexes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One query's candidates with their features and the query's judgements.</summary>
public sealed record QueryCandidates(string QueryId, IReadOnlyDictionary<string, int> Judged, IReadOnlyList<Candidate> Candidates, float[][] Features);
