using System.Diagnostics;
using System.Globalization;

namespace Matching.Engine.Hosting;

/// <summary>
/// Names this process ("machine:pid:start ticks") for work it claims, and tells whether the process a name belongs to is
/// still alive — for names from this machine; another machine's work is judged by its heartbeat instead.
/// </summary>
public static class ProcessOwner
{
    public static string Current { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Process.GetCurrentProcess().StartTime.ToUniversalTime().Ticks}";

    /// <summary>False when <paramref name="owner"/> is a process of this machine that is gone; null when it is another machine's.</summary>
    public static bool? IsAlive(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName) return null;
        if (!int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid) || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks)) return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            // A pid is reused after a while: the start time tells the same process from a new one.
            return !process.HasExited && process.StartTime.ToUniversalTime().Ticks == ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
