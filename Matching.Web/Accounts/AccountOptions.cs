using System.ComponentModel.DataAnnotations;

namespace Matching.Web.Accounts;

/// <summary>
/// The first administrator and the limits of the site. With no <see cref="AdminPassword"/> configured, the first start
/// makes a one-time password, writes it to the log once, and asks for a new one at the first sign-in.
/// </summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    [Required, StringLength(64, MinimumLength = 3)]
    public string AdminUserName { get; set; } = "admin";

    [EmailAddress]
    public string? AdminEmail { get; set; }

    /// <summary>Only for automated setups (tests, provisioning); it must pass the password rules.</summary>
    public string? AdminPassword { get; set; }
}

/// <summary>Requests each client (a user, an API key, or else an address) may make: a token bucket.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Web:RateLimit";

    /// <summary>Sustained requests per second per client.</summary>
    [Range(1, 100_000)]
    public int PermitsPerSecond { get; set; } = 20;

    /// <summary>Requests a client may make at once before the rate applies (a page with its style sheet, a script's burst).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 100;

    /// <summary>Sign-in attempts one address may make at once, then one per <see cref="SignInSeconds"/>.</summary>
    [Range(1, 100_000)]
    public int SignInBurst { get; set; } = 10;

    [Range(1, 3600)]
    public int SignInSeconds { get; set; } = 6;
}
