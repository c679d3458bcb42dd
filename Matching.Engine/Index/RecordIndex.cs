using System.Diagnostics;
using System.Text.Json;
using Lucene.Net.Analysis;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Directory = Lucene.Net.Store.Directory;

namespace Matching.Engine.Index;

/// <summary>
/// One Lucene index directory: an optional single writer (Lucene's native write lock, plus an owner file that says
/// which process holds it), one <see cref="SearcherManager"/> for reads, BM25 everywhere, and the last change-log
/// sequence applied kept in the commit data. NIOFSDirectory, not mmap: readers swapping under load crash the
/// memory-mapped directory in this Lucene.Net version.
/// </summary>
public sealed class RecordIndex : IDisposable
{
    public const string IdField = "id";
    private const string SeqKey = "matching.seq";
    private const string LayoutKey = "matching.layout";

    /// <summary>
    /// The documents' layout (fields and their analysis). An index committed under an older layout (before the
    /// bigrams field: none recorded) reads as applied sequence 0, so the index job rebuilds it with the new fields.
    /// </summary>
    public const int Layout = 2;
    private const string OwnerFile = "owner.json";

    private const string ProcessLockFile = "matching-writer.lock";

    private readonly Directory _directory;
    private readonly IndexWriter? _writer;
    private readonly ProcessLock? _processLock;
    private readonly SearcherManager _searchers;
    private readonly object _commitGate = new();
    private long _appliedSeq;

    /// <summary>The similarity for writing and searching.</summary>
    public static readonly Similarity Bm25 = new Bm25PerField();

    /// <summary>BM25's term-frequency saturation k1 in a field (the whole-text field is tuned; the others keep Lucene's default).</summary>
    public static float K1Of(string field) => field == IndexDocuments.All ? AllK1 : DefaultK1;

    private const float AllK1 = 0.9f, AllB = 0.4f, DefaultK1 = 1.2f;

    private sealed class Bm25PerField : PerFieldSimilarityWrapper
    {
        private readonly Similarity _all = new BM25Similarity(AllK1, AllB);
        private readonly Similarity _other = new BM25Similarity(DefaultK1, 0.75f);
        public override Similarity Get(string name) => name == IndexDocuments.All ? _all : _other;
    }

    private RecordIndex(string path, Directory directory, IndexWriter? writer, ProcessLock? processLock = null)
    {
        Path = path;
        _processLock = processLock;
        _directory = directory;
        _writer = writer;
        var factory = new Bm25SearcherFactory();
        if (writer is not null)
        {
            _searchers = new SearcherManager(writer, applyAllDeletes: true, factory);
            _appliedSeq = ReadSeq(writer.CommitData);
        }
        else
        {
            if (!DirectoryReader.IndexExists(directory))
                throw new InvalidOperationException($"no index at {path} yet; start the job server (or run 'reindex') to build it");
            _searchers = new SearcherManager(directory, factory);
            _appliedSeq = ReadSeq(DirectoryReader.ListCommits(directory).Last().UserData);
        }
    }

    /// <summary>The index directory.</summary>
    public string Path { get; }

    /// <summary>True when this instance owns the writer.</summary>
    public bool CanWrite => _writer is not null;

    /// <summary>The last change-log sequence whose effects are committed in this index.</summary>
    public long AppliedSeq => Interlocked.Read(ref _appliedSeq);

    /// <summary>Opens the index for writing, taking the directory's write lock.</summary>
    /// <exception cref="IndexLockedException">another process holds the writer.</exception>
    public static RecordIndex OpenWriter(string path, Analyzer analyzer)
    {
        System.IO.Directory.CreateDirectory(path);
        var processLock = ProcessLock.TryAcquire(System.IO.Path.Combine(path, ProcessLockFile))
            ?? throw new IndexLockedException(DescribeOwner(path), new IOException($"{ProcessLockFile} is locked"));
        var directory = new NIOFSDirectory(path);
        try
        {
            // The bigrams field has its own analysis; every other field is the product's analyzer's.
            var perField = new Lucene.Net.Analysis.Miscellaneous.PerFieldAnalyzerWrapper(analyzer,
                new Dictionary<string, Lucene.Net.Analysis.Analyzer> { [IndexDocuments.Bigrams] = Text.CjkBigrams.Analyzer });
            var config = new IndexWriterConfig(Text.MatchingAnalyzer.Version, perField)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = Bm25,
                RAMBufferSizeMB = 64,
                WriteLockTimeout = 500,
            };
            var writer = new IndexWriter(directory, config);
            try
            {
                WriteOwner(path);
                if (!DirectoryReader.IndexExists(directory)) writer.Commit();
                return new RecordIndex(path, directory, writer, processLock);
            }
            catch
            {
                // A corrupt segment can fail the first reader after the lock is taken; give the lock back.
                try { writer.Rollback(); } catch (Exception) { /* the original exception is the one to report */ }
                throw;
            }
        }
        catch (Exception e)
        {
            directory.Dispose();
            processLock.Dispose();
            if (e is LockObtainFailedException) throw new IndexLockedException(DescribeOwner(path), e);
            throw;
        }
    }

    /// <summary>Opens the index for reading only (another process writes it); call <see cref="Refresh"/> to see its commits.</summary>
    public static RecordIndex OpenReader(string path)
    {
        var directory = new NIOFSDirectory(path);
        try
        {
            return new RecordIndex(path, directory, null);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Adds or replaces the document with this id.</summary>
    public void Upsert(string id, Document document) => Writer.UpdateDocument(new Term(IdField, id), document);

    /// <summary>Removes the document with this id, if any.</summary>
    public void Delete(string id) => Writer.DeleteDocuments(new Term(IdField, id));

    /// <summary>Removes every document (the start of a rebuild).</summary>
    public void DeleteAll() => Writer.DeleteAll();

    /// <summary>Commits what was written, recording <paramref name="seq"/> as applied, and refreshes searchers.</summary>
    public void Commit(long seq)
    {
        lock (_commitGate)
        {
            Writer.SetCommitData(new Dictionary<string, string>
            {
                [SeqKey] = seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [LayoutKey] = Layout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            Writer.Commit();
            Interlocked.Exchange(ref _appliedSeq, seq);
        }
        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Sees the latest commit of another process's writer (read-only mode) or the latest writes (writer mode).</summary>
    public void Refresh()
    {
        _searchers.MaybeRefresh();
        if (_writer is null)
            Interlocked.Exchange(ref _appliedSeq, ReadSeq(DirectoryReader.ListCommits(_directory).Last().UserData));
    }

    /// <summary>Takes a searcher; dispose the lease to give it back.</summary>
    public SearcherLease Acquire() => new(_searchers);

    /// <summary>Number of live documents in the current searcher.</summary>
    public int Count()
    {
        using var lease = Acquire();
        return lease.Searcher.IndexReader.NumDocs;
    }

    /// <summary>The id of every live document, in the current searcher (an id twice means a duplicate).</summary>
    public IReadOnlyList<string> Ids()
    {
        using var lease = Acquire();
        var ids = new List<string>(lease.Searcher.IndexReader.NumDocs);
        var bytes = new Lucene.Net.Util.BytesRef();
        foreach (var leaf in lease.Searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var live = reader.LiveDocs;
            var terms = FieldCache.DEFAULT.GetTerms(reader, IdField, false);
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc)) continue;
                terms.Get(doc, bytes);
                ids.Add(bytes.Utf8ToString());
            }
        }
        return ids;
    }

    /// <summary>Runs Lucene's CheckIndex over the directory (without fixing anything); true when clean.</summary>
    public static bool Check(string path, out string report)
    {
        using var directory = new NIOFSDirectory(path);
        if (!DirectoryReader.IndexExists(directory)) { report = "no index"; return true; }
        var output = new StringWriter();
        var checker = new CheckIndex(directory) { InfoStream = output };
        var status = checker.DoCheckIndex();
        report = output.ToString();
        return status.Clean;
    }

    public void Dispose()
    {
        _searchers.Dispose();
        if (_writer is not null)
        {
            _writer.Dispose();
            try { File.Delete(System.IO.Path.Combine(Path, OwnerFile)); } catch (IOException) { }
        }
        _directory.Dispose();
        _processLock?.Dispose();
    }

    private IndexWriter Writer => _writer ?? throw new InvalidOperationException($"index {Path} was opened read-only");

    private static long ReadSeq(IDictionary<string, string>? data) =>
        data is not null && data.TryGetValue(SeqKey, out var s) && long.TryParse(s, out var seq)
        && data.TryGetValue(LayoutKey, out var l) && int.TryParse(l, out var layout) && layout >= Layout ? seq : 0;

    private static void WriteOwner(string path)
    {
        var process = Process.GetCurrentProcess();
        var owner = new { pid = Environment.ProcessId, host = Environment.MachineName, process = process.ProcessName, since = DateTimeOffset.Now };
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), JsonSerializer.Serialize(owner));
    }

    internal static string DescribeOwner(string path)
    {
        var owner = "another process";
        try
        {
            var json = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(path, OwnerFile))).RootElement;
            owner = $"process {json.GetProperty("process").GetString()} (pid {json.GetProperty("pid").GetInt32()} on {json.GetProperty("host").GetString()}, since {json.GetProperty("since").GetDateTimeOffset():yyyy-MM-dd HH:mm:ss})";
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException) { }
        return $"the index at {path} is held by {owner}, a running Matching server; it owns the index writer and will index what the database holds";
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Bm25 };
    }
}

/// <summary>A searcher taken from a <see cref="SearcherManager"/>; disposing it releases the searcher.</summary>
public readonly struct SearcherLease(SearcherManager manager) : IDisposable
{
    public IndexSearcher Searcher { get; } = manager.Acquire();
    public void Dispose() => manager.Release(Searcher);
}
