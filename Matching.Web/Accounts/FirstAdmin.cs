using System.Security.Cryptography;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Matching.Web.Accounts;

/// <summary>
/// Makes the first administrator when there is none: with the configured password, or with a one-time password
/// written to the log once, which must be changed at the first sign-in. There is never a fixed default.
/// Runs after the engine's start-up (the migrations), which is registered before it.
/// </summary>
public sealed class FirstAdmin(IServiceProvider services, IOptions<AccountOptions> options, ILogger<FirstAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountStore>();
        if (accounts.AnyWithRole(Roles.Admin)) return;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var o = options.Value;
        var oneTime = string.IsNullOrEmpty(o.AdminPassword);
        var password = oneTime ? OneTimePassword() : o.AdminPassword!;
        var admin = new Account { UserName = o.AdminUserName, Email = o.AdminEmail, Role = Roles.Admin, DisplayName = "管理员", MustChangePassword = oneTime };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            // Another node may have made it a moment ago; anything else (a configured password that breaks the rules) must stop the start.
            if (accounts.AnyWithRole(Roles.Admin)) return;
            throw new InvalidOperationException("Cannot create the first administrator: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        if (oneTime)
            logger.LogWarning("First administrator '{User}' created. One-time password: {Password} — sign in at /account/login and choose a new one; it is not shown again.",
                admin.UserName, password);
        else
            logger.LogInformation("First administrator '{User}' created with the configured password", admin.UserName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>16 characters from an alphabet without look-alikes, with a digit and a lower-case letter for the password rules.</summary>
    public static string OneTimePassword()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789";
        var chars = Enumerable.Range(0, 14).Select(_ => (letters + digits)[RandomNumberGenerator.GetInt32(letters.Length + digits.Length)]).ToList();
        chars.Add(digits[RandomNumberGenerator.GetInt32(digits.Length)]);
        chars.Add(letters[RandomNumberGenerator.GetInt32(23)]);
        return new string(chars.ToArray());
    }
}
