using System.Security.Claims;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Matching.Web.Accounts;

/// <summary>
/// Every request's sign-in cookie is checked against the user as stored, from the per-process <see cref="AccountCache"/>:
/// a deleted or locked user, or a security stamp that changed (sign-out, password or role change, an administrator's
/// reset or lock, an organisation merge), ends the session on that request — on every web node within a second, and
/// without a database read while nothing changes. It replaces Identity's interval check (once a minute, a database
/// read each time). Decision record 0015.
/// </summary>
public static class SessionCheck
{
    public static async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var cache = context.HttpContext.RequestServices.GetRequiredService<AccountCache>();
        var claims = context.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var id = principal?.FindFirstValue(claims.UserIdClaimType);
        var stamp = principal?.FindFirstValue(claims.SecurityStampClaimType);
        var user = id is null ? null : cache.User(id);
        if (user is not null && stamp is not null && stamp == user.SecurityStamp && !(user.LockoutEnd > DateTimeOffset.UtcNow)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}

/// <summary>Reads other processes' account and key changes each second, so this process's cache follows them.</summary>
public sealed class AccountChangeWatcher(AccountCache cache, IHostApplicationLifetime lifetime, ILogger<AccountChangeWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the start-up work (migrations among it) has run.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (TaskCanceledException) { return; }
        }
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { cache.Poll(); }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The database is away: keep what is known and try again next second.
                logger.LogWarning(e, "Could not read account changes; retrying");
            }
        }
    }
}
