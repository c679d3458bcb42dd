using System.Security.Claims;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Matching.Web.Accounts;

/// <summary>The claims a signed-in user or an API key carries: who (actor), role, organisation.</summary>
public static class AccountClaims
{
    public const string Actor = "matching:actor", Organisation = "matching:organisation", MustChangePassword = "matching:must-change-password";

    /// <summary>The viewer the visibility rules apply to; anonymous when nobody is signed in.</summary>
    public static Viewer ToViewer(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(Actor) is { } actor
            ? new Viewer(actor, user.FindFirstValue(ClaimTypes.Role), user.FindFirstValue(Organisation))
            : Viewer.Anonymous;

    public static IEnumerable<Claim> For(Viewer viewer)
    {
        yield return new Claim(Actor, viewer.Actor);
        if (viewer.Role is not null) yield return new Claim(ClaimTypes.Role, viewer.Role);
        if (viewer.OrganisationId is not null) yield return new Claim(Organisation, viewer.OrganisationId);
    }
}

/// <summary>Adds the role, the organisation and the actor to the claims Identity puts in the sign-in cookie.</summary>
public sealed class AccountClaimsFactory(UserManager<Account> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(AccountClaims.For(user.ToViewer()));
        if (user.DisplayName is not null) identity.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        if (user.MustChangePassword) identity.AddClaim(new Claim(AccountClaims.MustChangePassword, "1"));
        return identity;
    }
}
