namespace Matching.Engine.Embeddings;

/// <summary>
/// The sentence encoders of one process, created on first need and kept: all-MiniLM-L6-v2 for English and
/// bge-small-zh-v1.5 for Chinese, each at the input length asked for (a new length replaces the old session).
/// The Chinese encoder is absent when its files are not installed (<see cref="ChineseMissing"/> says why).
/// </summary>
public sealed class SentenceEncoders(string? chineseFolder = null) : IDisposable
{
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
            _english?.Dispose();
            return _english = new MiniLmEncoder(maxTokens);
        }
    }

    /// <summary>The Chinese encoder at <paramref name="maxTokens"/>, or null when it is not installed.</summary>
    public BgeZhEncoder? Chinese(int maxTokens)
    {
        lock (_gate)
        {
            if (_chinese?.MaxTokens == maxTokens) return _chinese;
            _chinese?.Dispose();
            return _chinese = BgeZhEncoder.TryOpen(out _, chineseFolder, maxTokens);
        }
    }

    public void Dispose()
    {
        _english?.Dispose();
        _chinese?.Dispose();
    }
}
