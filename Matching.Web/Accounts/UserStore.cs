using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Matching.Web.Accounts;

/// <summary>
/// ASP.NET Core Identity's user store over the records database (<see cref="AccountStore"/>), so accounts live with
/// the records on SQLite or PostgreSQL and are in every backup. One role per user, kept on the user.
/// </summary>
public sealed class UserStore(AccountStore accounts) :
    IUserPasswordStore<Account>, IUserEmailStore<Account>, IUserLockoutStore<Account>, IUserSecurityStampStore<Account>, IUserRoleStore<Account>
{
    public Task<string> GetUserIdAsync(Account user, CancellationToken ct) => Task.FromResult(user.Id);
    public Task<string?> GetUserNameAsync(Account user, CancellationToken ct) => Task.FromResult<string?>(user.UserName);
    public Task SetUserNameAsync(Account user, string? userName, CancellationToken ct) => Set(() => user.UserName = userName ?? "");
    public Task<string?> GetNormalizedUserNameAsync(Account user, CancellationToken ct) => Task.FromResult<string?>(user.NormalizedUserName);
    public Task SetNormalizedUserNameAsync(Account user, string? normalizedName, CancellationToken ct) => Set(() => user.NormalizedUserName = normalizedName ?? "");

    public Task<IdentityResult> CreateAsync(Account user, CancellationToken ct) =>
        Task.FromResult(accounts.Create(user) ? IdentityResult.Success : IdentityResult.Failed(new IdentityErrorDescriber().DuplicateUserName(user.UserName)));

    public Task<IdentityResult> UpdateAsync(Account user, CancellationToken ct) =>
        Task.FromResult(accounts.Update(user, user.ConcurrencyStamp) ? IdentityResult.Success : IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure()));

    public Task<IdentityResult> DeleteAsync(Account user, CancellationToken ct) =>
        Task.FromResult(accounts.Delete(user.Id) ? IdentityResult.Success : IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure()));

    public Task<Account?> FindByIdAsync(string userId, CancellationToken ct) => Task.FromResult(accounts.FindById(userId));
    public Task<Account?> FindByNameAsync(string normalizedUserName, CancellationToken ct) => Task.FromResult(accounts.FindByNormalizedUserName(normalizedUserName));

    public Task SetPasswordHashAsync(Account user, string? passwordHash, CancellationToken ct) => Set(() => user.PasswordHash = passwordHash);
    public Task<string?> GetPasswordHashAsync(Account user, CancellationToken ct) => Task.FromResult(user.PasswordHash);
    public Task<bool> HasPasswordAsync(Account user, CancellationToken ct) => Task.FromResult(user.PasswordHash is not null);

    public Task SetEmailAsync(Account user, string? email, CancellationToken ct) => Set(() => user.Email = email);
    public Task<string?> GetEmailAsync(Account user, CancellationToken ct) => Task.FromResult(user.Email);
    // Addresses are entered by an administrator, not by strangers signing up, so they count as confirmed.
    public Task<bool> GetEmailConfirmedAsync(Account user, CancellationToken ct) => Task.FromResult(user.Email is not null);
    public Task SetEmailConfirmedAsync(Account user, bool confirmed, CancellationToken ct) => Task.CompletedTask;
    public Task<Account?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) => Task.FromResult(accounts.FindByNormalizedEmail(normalizedEmail));
    public Task<string?> GetNormalizedEmailAsync(Account user, CancellationToken ct) => Task.FromResult(user.NormalizedEmail);
    public Task SetNormalizedEmailAsync(Account user, string? normalizedEmail, CancellationToken ct) => Set(() => user.NormalizedEmail = normalizedEmail);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(Account user, CancellationToken ct) => Task.FromResult(user.LockoutEnd);
    public Task SetLockoutEndDateAsync(Account user, DateTimeOffset? lockoutEnd, CancellationToken ct) => Set(() => user.LockoutEnd = lockoutEnd);
    public Task<int> IncrementAccessFailedCountAsync(Account user, CancellationToken ct) => Task.FromResult(++user.AccessFailedCount);
    public Task ResetAccessFailedCountAsync(Account user, CancellationToken ct) => Set(() => user.AccessFailedCount = 0);
    public Task<int> GetAccessFailedCountAsync(Account user, CancellationToken ct) => Task.FromResult(user.AccessFailedCount);
    public Task<bool> GetLockoutEnabledAsync(Account user, CancellationToken ct) => Task.FromResult(user.LockoutEnabled);
    public Task SetLockoutEnabledAsync(Account user, bool enabled, CancellationToken ct) => Set(() => user.LockoutEnabled = enabled);

    public Task SetSecurityStampAsync(Account user, string stamp, CancellationToken ct) => Set(() => user.SecurityStamp = stamp);
    public Task<string?> GetSecurityStampAsync(Account user, CancellationToken ct) => Task.FromResult(user.SecurityStamp);

    public Task AddToRoleAsync(Account user, string roleName, CancellationToken ct) => Set(() => user.Role = Role(roleName));
    public Task RemoveFromRoleAsync(Account user, string roleName, CancellationToken ct) => Task.CompletedTask;
    public Task<IList<string>> GetRolesAsync(Account user, CancellationToken ct) => Task.FromResult<IList<string>>([user.Role]);
    public Task<bool> IsInRoleAsync(Account user, string roleName, CancellationToken ct) => Task.FromResult(user.Role == Role(roleName));
    public Task<IList<Account>> GetUsersInRoleAsync(string roleName, CancellationToken ct) =>
        Task.FromResult<IList<Account>>(accounts.List().Where(a => a.Role == Role(roleName)).ToList());

    public void Dispose() { }

    // Identity passes role names normalised (upper case); the roles are a closed lower-case set.
    private static string Role(string name) =>
        Roles.All.FirstOrDefault(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase)) ?? throw new ArgumentException($"unknown role '{name}'", nameof(name));

    private static Task Set(Action change)
    {
        change();
        return Task.CompletedTask;
    }
}
