using System.Collections.Concurrent;

namespace Matching.Web.Accounts;

/// <summary>
/// Slows password guessing without letting a guesser lock anyone out (decision record 0015). Failures are counted per
/// typed user name — whether or not such a user exists, so the answer says nothing about which names do — and per
/// (name, client address): from one address a name gets <see cref="FreeTries"/> free tries, then waits 1, 2, 4 … s up
/// to <see cref="MaxPairWait"/> before the next; across all addresses a name gets <see cref="FreeNameTries"/> failures an
/// hour, then one try per <see cref="NameWait"/>. The owner signing in from elsewhere is not slowed by a guesser's
/// address, and nobody is ever locked out for longer than a few minutes. Per process, like the rate limiter;
/// an administrator's explicit lock is separate. The per-address request limit is the "sign-in" rate-limit policy.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeTries = 3, FreeNameTries = 30;
    public static readonly TimeSpan MaxPairWait = TimeSpan.FromMinutes(5), NameWait = TimeSpan.FromSeconds(30), Forget = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> _pairs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> _names = new(StringComparer.Ordinal);

    /// <summary>How long this name must wait from this address before its next try (zero: it may try now).</summary>
    public TimeSpan Wait(string name, string? address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        if (Live(_pairs, Pair(name, address), now) is { Failures: > FreeTries - 1 } pair)
            wait = Max(wait, pair.Last + Min(TimeSpan.FromSeconds(Math.Pow(2, Math.Min(20, pair.Failures - FreeTries))), MaxPairWait) - now);
        if (Live(_names, Key(name), now) is { Failures: >= FreeNameTries } byName)
            wait = Max(wait, byName.Last + NameWait - now);
        return wait;
    }

    public void Failed(string name, string? address)
    {
        var now = time.GetUtcNow();
        Count(_pairs, Pair(name, address), now);
        Count(_names, Key(name), now);
    }

    /// <summary>A right password from this address clears its count (the name's count across addresses decays by itself).</summary>
    public void Succeeded(string name, string? address) => _pairs.TryRemove(Pair(name, address), out _);

    private static void Count(ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> map, string key, DateTimeOffset now)
    {
        if (map.Count > 100_000) Prune(map, now);
        map.AddOrUpdate(key, _ => (1, now), (_, v) => (now - v.Last > Forget ? 1 : v.Failures + 1, now));
    }

    private static (int Failures, DateTimeOffset Last)? Live(ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> map, string key, DateTimeOffset now) =>
        map.TryGetValue(key, out var v) && now - v.Last <= Forget ? v : null;

    private static void Prune(ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> map, DateTimeOffset now)
    {
        foreach (var (key, value) in map)
            if (now - value.Last > Forget) map.TryRemove(key, out _);
    }

    private static string Key(string name) => name.Trim().ToUpperInvariant();
    private static string Pair(string name, string? address) => Key(name) + "\u0001" + address;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
