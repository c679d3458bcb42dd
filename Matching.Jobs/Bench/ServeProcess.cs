using System.Diagnostics;

namespace Matching.Jobs.Bench;

/// <summary>
/// `Matching.Jobs serve` (or another program of the solution, such as Matching.Web) as a child process over a data
/// directory, for the chaos bench and the process tests: started
/// and awaited until the host says it has started, killed (SIGKILL) or stopped (SIGTERM) as an operator or a crash would.
/// Its output goes to serve-NN.log in <paramref name="logFolder"/>.
/// </summary>
public sealed class ServeProcess(string data, string logFolder, IReadOnlyDictionary<string, string>? environment = null, string? program = null, IReadOnlyList<string>? arguments = null) : IDisposable
{
    private Process? _process;
    private int _starts;

    public bool Running => _process is { HasExited: false };

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The log of the last start.</summary>
    public string? LogFile { get; private set; }

    public void Start()
    {
        LogFile = Path.Combine(logFolder, $"serve-{++_starts:D2}.log");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(program ?? typeof(ServeProcess).Assembly.Location);
        foreach (var a in arguments ?? ["serve", "--data", data]) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var started = new ManualResetEventSlim();
        var writer = new StreamWriter(LogFile) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (writer) writer.WriteLine(e.Data);
            if (e.Data.Contains("Application started", StringComparison.Ordinal)) started.Set();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.Exited += (_, _) => { started.Set(); lock (writer) writer.Flush(); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!started.Wait(TimeSpan.FromMinutes(2)) || process.HasExited)
            throw new InvalidOperationException($"the job server did not start (see {LogFile})");
    }

    /// <summary>True when the process exits within <paramref name="timeout"/> (waits on the exit, not on a clock).</summary>
    public bool WaitForExit(TimeSpan timeout) => _process is null || _process.WaitForExit(timeout);

    /// <summary>SIGKILL: no shutdown, no flush, no finally blocks.</summary>
    public void Kill()
    {
        if (!Running) return;
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops a process; waits up to <paramref name="timeout"/> for it to exit.</summary>
    public bool Stop(TimeSpan? timeout = null)
    {
        if (!Running) return true;
        Posix.Terminate(_process!.Id);
        if (_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60))) return true;
        Kill();
        return false;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}

/// <summary>Sends SIGTERM, as a service manager does to stop a process.</summary>
internal static class Posix
{
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code for this one call
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    public static void Terminate(int pid) => Kill(pid, 15);
}
