using System.Runtime.InteropServices;

namespace Matching.Engine.Topics;

/// <summary>
/// ML.NET's LDA is native code that prints as it works ("using 1 thread(s) to do train/test", "loglikelihood
/// @iter…") through C stdio, which buffers when stdout is not a terminal: the lines surface when the process exits,
/// after a command's summary. Every LDA call goes through <see cref="Run{T}"/>: the native output is flushed where it
/// was made, or dropped in a process that asked for it (<see cref="Silenced"/>: the command-line verbs, whose stdout
/// is their report; a server keeps it, since redirecting its stdout even briefly could swallow a log line).
/// </summary>
public static partial class NativeOutput
{
    /// <summary>Drop the native code's output (set once at start, by a process whose stdout only it writes to meanwhile).</summary>
    public static bool Silenced { get; set; }

    private static readonly object Gate = new();

    public static T Run<T>(Func<T> call)
    {
        if (!OperatingSystem.IsLinux()) return call();
        lock (Gate)
        {
            var saved = Silenced ? Redirect() : -1;
            try { return call(); }
            finally
            {
                Flush();
                if (saved >= 0) Restore(saved);
            }
        }
    }

    /// <summary>Points stdout at /dev/null (after flushing what is buffered); returns the saved descriptor, or -1 when that cannot be done here.</summary>
    private static int Redirect()
    {
        try
        {
            Flush();
            var saved = Dup(1);
            if (saved < 0) return -1;
            var devNull = Open("/dev/null", 1 /* O_WRONLY */);
            if (devNull < 0 || Dup2(devNull, 1) < 0)
            {
                if (devNull >= 0) Close(devNull);
                Close(saved);
                return -1;
            }
            Close(devNull);
            return saved;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    private static void Restore(int saved)
    {
        try
        {
            Dup2(saved, 1);
            Close(saved);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    private static void Flush()
    {
        try { FlushAll(IntPtr.Zero); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "fflush")]
    private static partial int FlushAll(IntPtr stream);

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int from, int to);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
