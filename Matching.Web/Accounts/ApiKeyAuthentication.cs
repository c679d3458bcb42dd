using System.Security.Claims;
using System.Text.Encodings.Web;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Matching.Web.Accounts;

/// <summary>
/// Authenticates a program by its organisation's API key, sent as <c>X-Api-Key: mk_…</c> or
/// <c>Authorization: Bearer mk_…</c>. A request that sends a key that is wrong or revoked is refused (401), never
/// treated as anonymous.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey", Header = "X-Api-Key";

    /// <summary>Whether the request carries a key at all (then this scheme, not the cookie, decides).</summary>
    public static bool Carries(HttpRequest request) =>
        request.Headers.ContainsKey(Header) ||
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Request.Headers.TryGetValue(Header, out var header) ? header.ToString()
            : Request.Headers.Authorization.ToString() is var auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim()
            : null;
        if (secret is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.Key(secret.Trim()) is not { } key) return Task.FromResult(AuthenticateResult.Fail("unknown or revoked API key"));
        var identity = new ClaimsIdentity(AccountClaims.For(key.ToViewer()).Append(new Claim(ClaimTypes.Name, key.Name)), SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"matching\"";
        return Task.CompletedTask;
    }
}
