namespace Matching.Engine.Index;

/// <summary>
/// An exclusive, process-wide lock on a file, released by the OS when the process dies (kill -9 included).
/// Lucene.Net's native lock (SharingNativeFSLock in 4.8.0-beta00017) does not stop a second process from opening
/// a writer on Linux — seen here: two processes both wrote one index — so the writer takes this lock first.
/// .NET maps FileShare.None to flock(LOCK_EX | LOCK_NB) on Unix and to a share-mode lock on Windows.
/// </summary>
public sealed class ProcessLock : IDisposable
{
    private readonly FileStream _stream;

    private ProcessLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or returns null when another holder has it.</summary>
    public static ProcessLock? TryAcquire(string path)
    {
        try
        {
            return new ProcessLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
