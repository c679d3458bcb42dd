using System.Diagnostics;
using Matching.Engine.Progress;

namespace Matching.Jobs.Cli;

/// <summary>
/// Progress on the terminal: one rewritten line (done/total, rate, time left) on a terminal, a line every few
/// seconds when stderr is redirected to a file or a CI log.
/// </summary>
public sealed class ConsoleProgress : IProgress<JobProgress>, IDisposable
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private string? _lastLine;
    private readonly object _gate = new();

    public void Report(JobProgress value)
    {
        lock (_gate)
        {
            var interval = _interactive ? 200 : 5000;
            var final = value.Done >= value.Total;
            if (!final && _sinceLast.ElapsedMilliseconds < interval) return;
            _sinceLast.Restart();
            var line = value.ToString();
            if (line == _lastLine) return;
            if (_interactive) Console.Error.Write("\r" + line.PadRight(Math.Max(_lastLine?.Length ?? 0, line.Length)));
            else Console.Error.WriteLine(line);
            _lastLine = line;
        }
    }

    public void Dispose()
    {
        if (_interactive && _lastLine is not null) Console.Error.WriteLine();
    }
}
