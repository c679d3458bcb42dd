using Matching.Engine.Demo;
using Matching.Engine.Import;
using Matching.Engine.Index;
using Matching.Engine.Storage;
using Matching.Tests.Shared;
using Matching.Engine.Taxonomy;
using Matching.Engine.Text;
using Matching.Engine.Candidates;

namespace Matching.Engine.Tests;

/// <summary>
/// A real data directory in the temp folder: a migrated database — a SQLite file, or a fresh database on the test
/// PostgreSQL server (<see cref="TestPostgres"/>) — and the index when asked.
/// </summary>
public sealed class TempDataDirectory : IDisposable
{
    private readonly Action? _drop;

    public TempDataDirectory(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "matching-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
        if (provider == DatabaseProvider.Postgres) (Database, _drop) = TestPostgres.CreateDatabase();
        else Database = new MatchingDatabase(System.IO.Path.Combine(Path, "matching.db"));
        Migrator.Migrate(Database);
        Store = new RecordStore(Database);
        Importer = new Importer(Store);
    }

    public static readonly MatchingAnalyzer Analyzer = new();

    public string Path { get; }
    public MatchingDatabase Database { get; }
    public RecordStore Store { get; }
    public Importer Importer { get; }
    public IndexSet? Indexes { get; private set; }
    public string IndexRoot => System.IO.Path.Combine(Path, "index");

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string File(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void SeedDemo(bool withHeldOut = false) => new DemoSeeder(Store, Importer, withHeldOut).SeedIfEmpty();

    public IndexSet OpenIndexes()
    {
        Indexes = IndexSet.OpenWriters(IndexRoot, Analyzer);
        return Indexes;
    }

    public IndexMaintainer Maintainer() => new(Store, Indexes ?? OpenIndexes());

    public CandidateRetriever Retriever()
    {
        return new CandidateRetriever(Indexes ?? OpenIndexes(), new QueryBuilder(Analyzer, TaxonomyFiles.DefaultSynonyms()), new SnippetBuilder(Analyzer));
    }

    public void CloseIndexes()
    {
        Indexes?.Dispose();
        Indexes = null;
    }

    public void Dispose()
    {
        CloseIndexes();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _drop?.Invoke();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
