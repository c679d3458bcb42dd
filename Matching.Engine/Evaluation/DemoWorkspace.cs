using System.Security.Cryptography;
using System.Text;
using Matching.Engine.Candidates;
using Matching.Engine.Demo;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;

namespace Matching.Engine.Evaluation;

/// <summary>
/// The Chinese demo corpus and its judgements in a scratch data directory, for training and evaluation. Needs are
/// split once, by a hash of their id, into training (about four in five) and held-out (about one in five), so the
/// split never depends on any ranking.
/// </summary>
public sealed class DemoWorkspace : IDisposable
{
    private DemoWorkspace(string path, RecordStore store, IndexSet indexes, QueryBuilder queries)
    {
        Path = path;
        Store = store;
        Indexes = indexes;
        Queries = queries;
        Retriever = new CandidateRetriever(indexes, queries, new SnippetBuilder(TempAnalyzer));
    }

    private static readonly MatchingAnalyzer TempAnalyzer = new();

    public string Path { get; }
    public RecordStore Store { get; }
    public IndexSet Indexes { get; }
    public QueryBuilder Queries { get; }
    public CandidateRetriever Retriever { get; }

    /// <summary>True for the needs kept out of training (SHA-256 of the id, first byte mod 5 = 0).</summary>
    public static bool IsHeldOut(string needId) => SHA256.HashData(Encoding.UTF8.GetBytes(needId))[0] % 5 == 0;

    public static DemoWorkspace Create(string scratchRoot, MatchingAnalyzer analyzer, SynonymDictionary synonyms)
    {
        var path = System.IO.Path.Combine(scratchRoot, "demo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var database = new MatchingDatabase(System.IO.Path.Combine(path, "matching.db"));
        Migrator.Migrate(database);
        var store = new RecordStore(database);
        new DemoSeeder(store, new Importer(store)).SeedIfEmpty();
        var indexes = IndexSet.OpenWriters(System.IO.Path.Combine(path, "index"), analyzer);
        new IndexMaintainer(store, indexes).CatchUp();
        return new DemoWorkspace(path, store, indexes, new QueryBuilder(analyzer, synonyms));
    }

    /// <summary>Each need of one side of the split with its result candidates, their features and the result judgements.</summary>
    public IEnumerable<QueryCandidates> Candidates(bool heldOut, IndustryTaxonomy taxonomy, int k)
    {
        var features = new Features.FeatureExtractor(Indexes, Store, Queries, taxonomy);
        var results = Store.ActiveIds(RecordKind.Result).ToHashSet();
        foreach (var group in Store.Judgements().GroupBy(j => j.NeedId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (IsHeldOut(group.Key) != heldOut) continue;
            var need = Store.GetNeed(group.Key);
            if (need is null) continue;
            var judged = group.Where(j => results.Contains(j.CandidateId)).ToDictionary(j => j.CandidateId, j => j.Grade);
            if (!judged.Values.Any(g => g > 0)) continue;
            var candidates = Retriever.ForNeed(need, RecordKind.Result, k, 0);
            yield return new QueryCandidates(need.Id, judged, candidates, features.ForResults(need, candidates, k));
        }
    }

    public void Dispose()
    {
        Indexes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
