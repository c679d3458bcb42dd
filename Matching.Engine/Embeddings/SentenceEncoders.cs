namespace Matching.Engine.Embeddings;

/// <summary>
/// The sentence encoders of one process, created on first need and kept: all-MiniLM-L6-v2 for English and
/// bge-small-zh-v1.5 for Chinese, each at the input length asked for (a new length replaces the old session).
/// The Chinese encoder is absent when its files are not installed (<see cref="ChineseMissing"/> says why).
/// <para>
/// Sessions are never disposed while the process runs: a job thread cancelled at shutdown (or a request) may still be
/// inside ONNX Runtime's native Run, and freeing the session under it crashes the process (SIGSEGV at SIGTERM). A
/// replaced session (a model with another length) is left to the garbage collector's finaliser; the process frees
/// the rest when it exits.
/// </para>
/// </summary>
public sealed class SentenceEncoders(string? chineseFolder = null)
{
    /// <summary>The encoders from the folder next to the binaries, shared by everything in the process that names no other.</summary>
    public static SentenceEncoders Default { get; } = new();

    private readonly object _gate = new();
    private MiniLmEncoder? _english;
    private BgeZhEncoder? _chinese;

    /// <summary>Why the Chinese encoder cannot be had, or null when it is installed.</summary>
    public string? ChineseMissing => BgeZhEncoder.IsInstalled(out var missing, chineseFolder) ? null : missing;

    public MiniLmEncoder English(int maxTokens)
    {
        lock (_gate)
        {
            if (_english?.MaxTokens == maxTokens) return _english;
            return _english = new MiniLmEncoder(maxTokens);
        }
    }

    /// <summary>The Chinese encoder at <paramref name="maxTokens"/>, or null when it is not installed.</summary>
    public BgeZhEncoder? Chinese(int maxTokens)
    {
        lock (_gate)
        {
            if (_chinese?.MaxTokens == maxTokens) return _chinese;
            return _chinese = BgeZhEncoder.TryOpen(out _, chineseFolder, maxTokens);
        }
    }
}
