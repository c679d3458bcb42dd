using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Matching.Engine.Candidates;

/// <summary>
/// Work of one match split over the machine's cores (the calling thread takes items too, so a busy thread pool makes
/// it sequential, never blocked). A failure surfaces as the exception itself, not wrapped in an AggregateException, so
/// callers handle what a read throws (an index that closed is a 503) the same whether it ran side by side or not.
/// </summary>
internal static class SideBySide
{
    /// <summary>Each item, handed out one at a time in the given order (a list sorted largest first balances well).</summary>
    public static void ForEach<T>(IEnumerable<T> items, Action<T> body) =>
        Run(() => Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering), Options, body));

    /// <summary>Each range of [0, count), <paramref name="rangeSize"/> at a time.</summary>
    public static void ForRanges(int count, int rangeSize, Action<int, int> body) =>
        Run(() => Parallel.ForEach(Partitioner.Create(0, count, rangeSize), Options, range => body(range.Item1, range.Item2)));

    public static void Invoke(params Action[] actions) => Run(() => Parallel.Invoke(Options, actions));

    private static ParallelOptions Options => new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private static void Run(Action action)
    {
        try
        {
            action();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions is [var first, ..])
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
