using System.Collections.Concurrent;
using Dapper;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>
/// Users' security stamps and live API keys held in memory, so checking a session or a key on every request costs
/// no database round trip. Every change to a user or a key is written to <c>security_changes</c> in the same
/// statement's connection (<see cref="Record"/>): this process drops the entry at once, and every other process
/// drops it when <see cref="Poll"/> (each second, from the web host) reads the row. Decision record 0015.
/// </summary>
public sealed class AccountCache
{
    public const string UserChange = "user", KeyChange = "key";

    /// <summary>Entries held before the cache starts again empty (a bound, not a tuning knob).</summary>
    public const int MaxEntries = 100_000;

    private readonly MatchingDatabase _database;
    private readonly AccountStore _accounts;
    private readonly ApiKeys _keys;
    private readonly ConcurrentDictionary<string, Account?> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiKey> _byHash = new(StringComparer.Ordinal);
    private long _seen;
    // Counts forgets: a read that saw it change while it ran keeps nothing.
    private long _generation;

    public AccountCache(MatchingDatabase database, AccountStore accounts, ApiKeys keys)
    {
        (_database, _accounts, _keys) = (database, accounts, keys);
        accounts.Changed += id => Forget(UserChange, id);
        keys.Changed += id => Forget(KeyChange, id);
    }

    // Until the first poll (the database may not be migrated yet when the cache is made) nothing is known to be current.
    private bool _polled;

    /// <summary>Lookups answered from memory and from the database since start (for <c>bench web</c>).</summary>
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    private long _hits, _misses;

    /// <summary>The user as stored, or null when there is none (deleted); read once, then from memory until it changes.</summary>
    public Account? User(string id)
    {
        if (_users.TryGetValue(id, out var cached)) { Interlocked.Increment(ref _hits); return cached; }
        Interlocked.Increment(ref _misses);
        var generation = Interlocked.Read(ref _generation);
        var user = _accounts.FindById(id);
        // A change that arrived while the row was read may describe a newer row than the one read: keep nothing then.
        if (Interlocked.Read(ref _generation) == generation) Keep(_users, id, user);
        return user;
    }

    /// <summary>The live key a secret is, or null. Unknown secrets are not remembered (a key issued elsewhere works at once).</summary>
    public ApiKey? Key(string? secret)
    {
        if (ApiKeys.HashOf(secret) is not { } hash) return null;
        if (_byHash.TryGetValue(hash, out var cached)) { Interlocked.Increment(ref _hits); return cached; }
        Interlocked.Increment(ref _misses);
        var generation = Interlocked.Read(ref _generation);
        var key = _keys.Find(secret);
        if (key is not null && Interlocked.Read(ref _generation) == generation) Keep(_byHash, hash, key);
        return key;
    }

    /// <summary>Reads the changes other processes made since the last poll and forgets what they name; returns how many.</summary>
    public int Poll()
    {
        using var connection = _database.Open();
        if (!_polled)
        {
            // The first poll starts the cursor at the end and forgets what was read before it, so nothing from before
            // the cursor is kept.
            Interlocked.Exchange(ref _seen, connection.ExecuteScalar<long?>("SELECT MAX(seq) FROM security_changes") ?? 0);
            Interlocked.Increment(ref _generation);
            _users.Clear();
            _byHash.Clear();
            _polled = true;
            return 0;
        }
        var rows = connection.Query<(long Seq, string Kind, string Subject)>(
            "SELECT seq, kind, subject FROM security_changes WHERE seq > @after ORDER BY seq", new { after = Interlocked.Read(ref _seen) }).ToList();
        foreach (var (seq, kind, subject) in rows)
        {
            Forget(kind, subject);
            Interlocked.Exchange(ref _seen, seq);
        }
        return rows.Count;
    }

    /// <summary>Writes a change row (in the caller's transaction when given).</summary>
    public static void Record(System.Data.IDbConnection connection, System.Data.IDbTransaction? transaction, string kind, string subject) =>
        connection.Execute("INSERT INTO security_changes (kind, subject, at) VALUES (@kind, @subject, @at)", new { kind, subject, at = Rows.Now() }, transaction);

    private void Forget(string kind, string subject)
    {
        if (kind == UserChange) _users.TryRemove(subject, out _);
        else foreach (var entry in _byHash.Where(e => e.Value.Id == subject)) _byHash.TryRemove(entry.Key, out _);
        // Whatever was being read while this arrived is not kept (see User and Key).
        Interlocked.Increment(ref _generation);
    }

    private static void Keep<T>(ConcurrentDictionary<string, T> map, string key, T value)
    {
        if (map.Count >= MaxEntries) map.Clear();
        map[key] = value;
    }
}
