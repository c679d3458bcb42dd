using System.Security.Cryptography;
using System.Text;
using Dapper;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>An API key as listed: never the key itself, which is shown once when issued.</summary>
public sealed record ApiKey(string Id, string Prefix, string Name, string Role, string? OrganisationId, string? CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public Viewer ToViewer() => new("key:" + Id, Role, OrganisationId);
}

/// <summary>
/// Keys for programs that call the API for an organisation. A key is 32 random bytes; the database keeps its
/// SHA-256 (a key is not a password a person picks, so a fast hash of it cannot be guessed backwards).
/// </summary>
public sealed class ApiKeys(MatchingDatabase database)
{
    public const string KeyPrefix = "mk_";
    public const int MaxKeyLength = 100;

    /// <summary>Raised with a key's id after it is revoked (the <see cref="AccountCache"/> of this process forgets it).</summary>
    public event Action<string>? Changed;

    /// <summary>Makes a key; returns its record and the key, which is not stored and cannot be shown again.</summary>
    public (ApiKey Key, string Secret) Issue(string name, string role, string? organisationId, string? createdBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Roles.All.Contains(role)) throw new ArgumentException($"unknown role '{role}'", nameof(role));
        var secret = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = new ApiKey(Guid.NewGuid().ToString("N"), secret[..10], name.Trim(), role, organisationId, createdBy, DateTimeOffset.UtcNow, null);
        using var c = database.Open();
        c.Execute("""
            INSERT INTO api_keys (id, prefix, key_hash, name, role, organisation_id, created_by, created_at)
            VALUES (@Id, @Prefix, @hash, @Name, @Role, @OrganisationId, @CreatedBy, @at)
            """, new { key.Id, key.Prefix, hash = Hash(secret), key.Name, key.Role, key.OrganisationId, key.CreatedBy, at = Rows.Now() });
        return (key, secret);
    }

    /// <summary>The live key this secret is, or null (unknown, revoked, or not shaped like a key).</summary>
    public ApiKey? Find(string? secret)
    {
        if (HashOf(secret) is not { } hash) return null;
        using var c = database.Open();
        return c.QueryFirstOrDefault<Row>($"SELECT {Columns} FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL", new { hash })?.ToKey();
    }

    /// <summary>The stored hash of a secret shaped like a key, else null.</summary>
    public static string? HashOf(string? secret) =>
        secret is null || secret.Length > MaxKeyLength || !secret.StartsWith(KeyPrefix, StringComparison.Ordinal) ? null : Hash(secret);

    /// <summary>Keys of one organisation, or all keys when <paramref name="organisationId"/> is null; newest first.</summary>
    public IReadOnlyList<ApiKey> List(string? organisationId = null)
    {
        using var c = database.Open();
        return c.Query<Row>($"SELECT {Columns} FROM api_keys {(organisationId is null ? "" : "WHERE organisation_id = @organisationId")} ORDER BY created_at DESC, id",
            new { organisationId }).Select(r => r.ToKey()).ToList();
    }

    public ApiKey? Get(string id)
    {
        using var c = database.Open();
        return c.QueryFirstOrDefault<Row>($"SELECT {Columns} FROM api_keys WHERE id = @id", new { id })?.ToKey();
    }

    public bool Revoke(string id)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction();
        var revoked = c.Execute("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", new { id, at = Rows.Now() }, tx) == 1;
        if (revoked) AccountCache.Record(c, tx, AccountCache.KeyChange, id);
        tx.Commit();
        if (revoked) Changed?.Invoke(id);
        return revoked;
    }

    /// <summary>Revokes every live key <paramref name="actor"/> issued (a deleted user's programs stop with them); returns how many.</summary>
    public int RevokeIssuedBy(string actor)
    {
        var ids = List().Where(k => k.CreatedBy == actor && k.RevokedAt is null).Select(k => k.Id).ToList();
        return ids.Count(Revoke);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private const string Columns = "id AS Id, prefix AS Prefix, name AS Name, role AS Role, organisation_id AS OrganisationId, created_by AS CreatedBy, created_at AS CreatedAt, revoked_at AS RevokedAt";

    private sealed record Row(string Id, string Prefix, string Name, string Role, string? OrganisationId, string? CreatedBy, string CreatedAt, string? RevokedAt)
    {
        public ApiKey ToKey() => new(Id, Prefix, Name, Role, OrganisationId, CreatedBy, Rows.Time(CreatedAt) ?? DateTimeOffset.MinValue, Rows.Time(RevokedAt));
    }
}
