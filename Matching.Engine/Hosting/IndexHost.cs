using Matching.Engine.Index;
using Matching.Engine.Text;

namespace Matching.Engine.Hosting;

/// <summary>
/// Holds the process's <see cref="IndexSet"/>: with the writers when this process owns the index (the job server),
/// read-only otherwise. Opened once at start by <see cref="EngineStartup"/>.
/// </summary>
public sealed class IndexHost(string root, MatchingAnalyzer analyzer) : IDisposable
{
    private IndexSet? _indexes;

    /// <summary>Holds a set opened elsewhere (a workspace, a test); disposing the host disposes it.</summary>
    public IndexHost(IndexSet opened, MatchingAnalyzer analyzer) : this(opened.Root, analyzer) => _indexes = opened;

    public string Root { get; } = root;

    /// <summary>The open indexes.</summary>
    public IndexSet Indexes => _indexes ?? throw new IndexNotOpenException($"the index at {Root} is not open yet; the job server builds it");

    public bool IsOpen => _indexes is not null;

    /// <summary>Takes the writers; throws <see cref="IndexLockedException"/> when another process has them.</summary>
    public void OpenWriters(Action<string>? log = null) => _indexes = IndexSet.OpenWriters(Root, analyzer, log);

    /// <summary>Opens read-only (another process writes).</summary>
    public void OpenReaders() => _indexes = IndexSet.OpenReaders(Root);

    public void Dispose() => _indexes?.Dispose();
}

/// <summary>The index is not open in this process (yet): a reader started before the writer built it.</summary>
public sealed class IndexNotOpenException(string message) : Exception(message);
