namespace Matching.Engine.Accounts;

/// <summary>
/// A user of the site. Mutable, because ASP.NET Core Identity changes a user in place (password hash, lockout
/// counters, stamps) and then asks its store to save it.
/// </summary>
public sealed class Account
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public string UserName { get; set; } = "";
    public string NormalizedUserName { get; set; } = "";
    public string? Email { get; set; }
    public string? NormalizedEmail { get; set; }
    public string? DisplayName { get; set; }
    public string? PasswordHash { get; set; }
    public string? SecurityStamp { get; set; }
    public string? ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");
    public string Role { get; set; } = Roles.University;
    public string? OrganisationId { get; set; }
    public bool LockoutEnabled { get; set; } = true;
    public DateTimeOffset? LockoutEnd { get; set; }
    public int AccessFailedCount { get; set; }
    /// <summary>Set for a one-time password: the user chooses their own at the next sign-in.</summary>
    public bool MustChangePassword { get; set; }
    public string? Language { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>How a user is named as a <see cref="Viewer"/>'s actor: this prefix and their id.</summary>
    public const string ActorPrefix = "user:";

    public Viewer ToViewer() => new(ActorPrefix + Id, Role, OrganisationId);
}
