using System.Diagnostics;
using Matching.Engine.Index;
using Matching.Engine.Storage;

namespace Matching.Tests.Shared;

/// <summary>
/// Waiting on another process (a child server, a database written by it): there is no event to wait on across a
/// process boundary, so the condition is checked every 100 ms until it holds or the timeout passes. The one place the
/// process tests wait.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> Until(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Tick);
        do
        {
            try
            {
                if (await condition()) return true;
            }
            catch (Exception e) when (e is HttpRequestException or Npgsql.NpgsqlException) { } // the other side is not up yet
        } while (clock.Elapsed < timeout && await timer.WaitForNextTickAsync());
        return await condition();
    }

    public static bool Until(Func<bool> condition, TimeSpan timeout) => Until(() => Task.FromResult(condition()), timeout).GetAwaiter().GetResult();

    /// <summary>True when the index at <paramref name="root"/> has applied the whole change log.</summary>
    public static bool IndexCaughtUp(string root, RecordStore store)
    {
        try
        {
            using var indexes = IndexSet.OpenReaders(root);
            return indexes.AppliedSeq >= store.LastSeq();
        }
        catch (Exception e) when (e is IOException or Lucene.Net.Index.IndexNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
