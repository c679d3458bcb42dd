using Matching.Engine.Records;
using Matching.Engine.Text;

namespace Matching.Engine.Index;

/// <summary>The three indexes — results, experts, needs — under one root directory, opened together.</summary>
public sealed class IndexSet : IDisposable
{
    private readonly Dictionary<RecordKind, RecordIndex> _indexes;
    private readonly ProcessLock? _rootLock;

    private IndexSet(string root, Dictionary<RecordKind, RecordIndex> indexes, ProcessLock? rootLock = null)
    {
        Root = root;
        _indexes = indexes;
        _rootLock = rootLock;
    }

    /// <summary>Kinds that have an index.</summary>
    public static readonly IReadOnlyList<RecordKind> Kinds = [RecordKind.Result, RecordKind.Expert, RecordKind.Need];

    public string Root { get; }

    public RecordIndex this[RecordKind kind] => _indexes[kind];

    /// <summary>True when this process owns the writers.</summary>
    public bool CanWrite => _indexes.Values.All(i => i.CanWrite);

    /// <summary>The lowest applied sequence across the indexes: where a catch-up starts.</summary>
    public long AppliedSeq => _indexes.Values.Min(i => i.AppliedSeq);

    public static string PathOf(string root, RecordKind kind) => Path.Combine(root, kind.Name() + "s");

    /// <summary>
    /// Opens all three writers. Each directory is checked first with Lucene's CheckIndex; a corrupt one is moved
    /// aside and starts empty (applied sequence 0), so the catch-up rebuilds it from the database.
    /// </summary>
    /// <exception cref="IndexLockedException">another process owns the writers.</exception>
    public static IndexSet OpenWriters(string root, MatchingAnalyzer analyzer, Action<string>? log = null)
    {
        // The root lock is held for the set's lifetime, so checking and moving a corrupt index aside happen while
        // no other process can open a writer.
        Directory.CreateDirectory(root);
        var rootLock = ProcessLock.TryAcquire(Path.Combine(root, "matching-writer.lock"));
        if (rootLock is null)
        {
            var held = RecordIndex.DescribeOwner(PathOf(root, Kinds[0]));
            throw new IndexLockedException(held, new IOException("the index root is locked"));
        }
        var opened = new Dictionary<RecordKind, RecordIndex>();
        try
        {
            foreach (var kind in Kinds)
            {
                var path = PathOf(root, kind);
                opened[kind] = OpenChecked(path, analyzer, log);
            }
            return new IndexSet(root, opened, rootLock);
        }
        catch
        {
            foreach (var index in opened.Values) index.Dispose();
            rootLock.Dispose();
            throw;
        }
    }

    /// <summary>Opens the three indexes read-only, for a process that does not own the writers.</summary>
    public static IndexSet OpenReaders(string root)
    {
        var opened = new Dictionary<RecordKind, RecordIndex>();
        try
        {
            foreach (var kind in Kinds) opened[kind] = RecordIndex.OpenReader(PathOf(root, kind));
            return new IndexSet(root, opened);
        }
        catch
        {
            foreach (var index in opened.Values) index.Dispose();
            throw;
        }
    }

    /// <summary>Picks up commits made by another process (read-only mode).</summary>
    public void Refresh()
    {
        foreach (var index in _indexes.Values) index.Refresh();
    }

    public void Dispose()
    {
        foreach (var index in _indexes.Values) index.Dispose();
        _rootLock?.Dispose();
    }

    private static RecordIndex OpenChecked(string path, MatchingAnalyzer analyzer, Action<string>? log)
    {
        bool clean;
        string report;
        try
        {
            // The writer's lock is taken first, so a check never races a live writer in another process.
            var index = RecordIndex.OpenWriter(path, analyzer);
            index.Dispose();
            clean = RecordIndex.Check(path, out report);
        }
        catch (IndexLockedException) { throw; }
        catch (Exception e) when (e is IOException or Lucene.Net.Index.CorruptIndexException or InvalidOperationException or IndexOutOfRangeException or Lucene.Net.Index.IndexFormatTooOldException or Lucene.Net.Index.IndexFormatTooNewException)
        {
            clean = false;
            report = e.Message;
        }
        if (!clean)
        {
            var aside = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            log?.Invoke($"index {path} failed CheckIndex; moved to {aside} and rebuilding from the database. {report.Split('\n').LastOrDefault(l => l.Length > 0)}");
            Directory.Move(path, aside);
        }
        return RecordIndex.OpenWriter(path, analyzer);
    }
}
