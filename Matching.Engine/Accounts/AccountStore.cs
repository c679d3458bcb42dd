using System.Globalization;
using Dapper;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>Users in the records database (both providers), for Identity's user store and the admin pages.</summary>
public sealed class AccountStore(MatchingDatabase database)
{
    /// <summary>Raised with a user's id after it is saved or deleted (the <see cref="AccountCache"/> of this process forgets it).</summary>
    public event Action<string>? Changed;

    private const string Columns = """
        id AS Id, user_name AS UserName, normalized_user_name AS NormalizedUserName, email AS Email,
        normalized_email AS NormalizedEmail, display_name AS DisplayName, password_hash AS PasswordHash,
        security_stamp AS SecurityStamp, concurrency_stamp AS ConcurrencyStamp, role AS Role,
        organisation_id AS OrganisationId, lockout_enabled AS LockoutEnabled, lockout_end AS LockoutEnd,
        access_failed_count AS AccessFailedCount, must_change_password AS MustChangePassword, language AS Language,
        created_at AS CreatedAt
        """;

    public Account? FindById(string id) => One("id = @value", id);
    public Account? FindByNormalizedUserName(string name) => One("normalized_user_name = @value", name);
    public Account? FindByNormalizedEmail(string email) => One("normalized_email = @value", email);

    /// <summary>Every user, by user name.</summary>
    public IReadOnlyList<Account> List()
    {
        using var c = database.Open();
        return c.Query<Row>($"SELECT {Columns} FROM users ORDER BY normalized_user_name").Select(r => r.ToAccount()).ToList();
    }

    public IReadOnlyList<Account> InOrganisation(string organisationId)
    {
        using var c = database.Open();
        return c.Query<Row>($"SELECT {Columns} FROM users WHERE organisation_id = @organisationId ORDER BY normalized_user_name", new { organisationId })
            .Select(r => r.ToAccount()).ToList();
    }

    /// <summary>The users of any of these organisations.</summary>
    public IReadOnlyList<Account> InOrganisations(IReadOnlyCollection<string> organisationIds)
    {
        if (organisationIds.Count == 0) return [];
        using var c = database.Open();
        return organisationIds.Distinct().Chunk(500)
            .SelectMany(chunk => c.Query<Row>(database.Sql($"SELECT {Columns} FROM users WHERE organisation_id IN @chunk ORDER BY normalized_user_name"), new { chunk }))
            .Select(r => r.ToAccount()).ToList();
    }

    /// <summary>Every user with this role.</summary>
    public IReadOnlyList<Account> WithRole(string role)
    {
        using var c = database.Open();
        return c.Query<Row>($"SELECT {Columns} FROM users WHERE role = @role ORDER BY normalized_user_name", new { role }).Select(r => r.ToAccount()).ToList();
    }

    public bool AnyWithRole(string role)
    {
        using var c = database.Open();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE role = @role", new { role }) > 0;
    }

    /// <summary>Adds a user; false when the user name is taken.</summary>
    public bool Create(Account account)
    {
        using var c = database.Open();
        try
        {
            c.Execute("""
                INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email, display_name, password_hash,
                    security_stamp, concurrency_stamp, role, organisation_id, lockout_enabled, lockout_end, access_failed_count,
                    must_change_password, language, created_at)
                VALUES (@Id, @UserName, @NormalizedUserName, @Email, @NormalizedEmail, @DisplayName, @PasswordHash,
                    @SecurityStamp, @ConcurrencyStamp, @Role, @OrganisationId, @LockoutEnabled, @LockoutEnd, @AccessFailedCount,
                    @MustChangePassword, @Language, @CreatedAt)
                """, Row.From(account));
            return true;
        }
        catch (System.Data.Common.DbException e) when (IsUniqueViolation(e)) { return false; }
    }

    /// <summary>
    /// Saves a changed user when nobody saved it since it was read (optimistic: the concurrency stamp must still be
    /// <paramref name="expectedStamp"/>); the account gets a new stamp. False when it changed meanwhile or is gone.
    /// </summary>
    public bool Update(Account account, string? expectedStamp)
    {
        var row = Row.From(account);
        row.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        using var c = database.Open();
        var parameters = new DynamicParameters(row);
        parameters.Add("expected", expectedStamp, System.Data.DbType.String);
        bool saved;
        using var tx = c.BeginTransaction();
        try
        {
            saved = c.Execute("""
                UPDATE users SET user_name = @UserName, normalized_user_name = @NormalizedUserName, email = @Email,
                    normalized_email = @NormalizedEmail, display_name = @DisplayName, password_hash = @PasswordHash,
                    security_stamp = @SecurityStamp, concurrency_stamp = @ConcurrencyStamp, role = @Role,
                    organisation_id = @OrganisationId, lockout_enabled = @LockoutEnabled, lockout_end = @LockoutEnd,
                    access_failed_count = @AccessFailedCount, must_change_password = @MustChangePassword, language = @Language
                WHERE id = @Id AND concurrency_stamp = @expected
                """, parameters, tx) == 1;
            if (saved) AccountCache.Record(c, tx, AccountCache.UserChange, account.Id);
            tx.Commit();
        }
        catch (System.Data.Common.DbException e) when (IsUniqueViolation(e)) { return false; }
        if (saved)
        {
            account.ConcurrencyStamp = row.ConcurrencyStamp;
            Changed?.Invoke(account.Id);
        }
        return saved;
    }

    /// <summary>Deletes a user and their notifications.</summary>
    public bool Delete(string id)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM notifications WHERE user_id = @id", new { id }, tx);
        var deleted = c.Execute("DELETE FROM users WHERE id = @id", new { id }, tx) == 1;
        if (deleted) AccountCache.Record(c, tx, AccountCache.UserChange, id);
        tx.Commit();
        if (deleted) Changed?.Invoke(id);
        return deleted;
    }

    private Account? One(string where, string value)
    {
        using var c = database.Open();
        return c.QueryFirstOrDefault<Row>($"SELECT {Columns} FROM users WHERE {where}", new { value })?.ToAccount();
    }

    internal static bool IsUniqueViolation(System.Data.Common.DbException e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } || e is Npgsql.PostgresException { SqlState: "23505" };

    // SQLite and PostgreSQL both store times as ISO-8601 text and flags as integers here.
    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string UserName { get; set; } = "";
        public string NormalizedUserName { get; set; } = "";
        public string? Email { get; set; }
        public string? NormalizedEmail { get; set; }
        public string? DisplayName { get; set; }
        public string? PasswordHash { get; set; }
        public string? SecurityStamp { get; set; }
        public string? ConcurrencyStamp { get; set; }
        public string Role { get; set; } = "";
        public string? OrganisationId { get; set; }
        public long LockoutEnabled { get; set; }
        public string? LockoutEnd { get; set; }
        public long AccessFailedCount { get; set; }
        public long MustChangePassword { get; set; }
        public string? Language { get; set; }
        public string CreatedAt { get; set; } = "";

        public Account ToAccount() => new()
        {
            Id = Id, UserName = UserName, NormalizedUserName = NormalizedUserName, Email = Email, NormalizedEmail = NormalizedEmail,
            DisplayName = DisplayName, PasswordHash = PasswordHash, SecurityStamp = SecurityStamp, ConcurrencyStamp = ConcurrencyStamp,
            Role = Role, OrganisationId = OrganisationId, LockoutEnabled = LockoutEnabled != 0, LockoutEnd = Rows.Time(LockoutEnd),
            AccessFailedCount = (int)AccessFailedCount, MustChangePassword = MustChangePassword != 0, Language = Language,
            CreatedAt = Rows.Time(CreatedAt) ?? DateTimeOffset.MinValue,
        };

        public static Row From(Account a) => new()
        {
            Id = a.Id, UserName = a.UserName, NormalizedUserName = a.NormalizedUserName, Email = a.Email, NormalizedEmail = a.NormalizedEmail,
            DisplayName = a.DisplayName, PasswordHash = a.PasswordHash, SecurityStamp = a.SecurityStamp, ConcurrencyStamp = a.ConcurrencyStamp,
            Role = a.Role, OrganisationId = a.OrganisationId, LockoutEnabled = a.LockoutEnabled ? 1 : 0,
            LockoutEnd = a.LockoutEnd?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), AccessFailedCount = a.AccessFailedCount,
            MustChangePassword = a.MustChangePassword ? 1 : 0, Language = a.Language,
            CreatedAt = a.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        };
    }
}
