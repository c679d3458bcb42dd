using Matching.Engine.Accounts;
using UserAccount = Matching.Engine.Accounts.Account;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin.Users;

/// <summary>
/// One user: change their details, role and organisation; lock or unlock them; give them a new one-time password;
/// delete them. Nobody locks, demotes or deletes themselves, and the last administrator stays one. A change of role,
/// organisation or lock renews the user's security stamp, so their open sessions end at the next check.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class EditModel(UserManager<UserAccount> users, AccountStore accounts, RecordStore store, AuditLog audit, ApiKeys keys) : PageModel
{
    [BindProperty]
    public AccountForm Input { get; set; } = new();

    public UserAccount? Account { get; private set; }
    public string? OrganisationName { get; private set; }
    public IReadOnlyList<(string Id, string Name, string? Kind)> Organisations { get; private set; } = [];
    public string? OneTimePassword { get; private set; }
    public string? Error { get; private set; }

    [TempData]
    public string? Message { get; set; }

    /// <summary>The live API keys the user issued: revoked when the user is deleted.</summary>
    public int IssuedKeys => Account is null ? 0 : keys.List().Count(k => k.CreatedBy == Account.ToViewer().Actor && k.RevokedAt is null);

    public bool IsSelf => Account is not null && User.ToViewer().Actor == Account.ToViewer().Actor;
    public bool IsLocked => Account?.LockoutEnd > DateTimeOffset.UtcNow;

    public IActionResult OnGet(string id)
    {
        if (!Load(id)) return NotFoundPage();
        Fill(Account!);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string id)
    {
        if (!Load(id)) return NotFoundPage();
        var user = Account!;
        if (AdminLabels.MembershipProblem(Input.Role, Input.OrganisationId, store) is { } problem)
            ModelState.AddModelError($"{nameof(Input)}.{nameof(AccountForm.OrganisationId)}", problem);
        if (Input.Role != user.Role && user.Role == Roles.Admin && (IsSelf || LastAdmin(user)))
            ModelState.AddModelError($"{nameof(Input)}.{nameof(AccountForm.Role)}", IsSelf ? Text.T("不能修改自己的角色") : Text.T("这是最后一位管理员，不能改为其他角色"));
        if (!ModelState.IsValid) return Page();
        var membershipChanged = user.Role != Input.Role || user.OrganisationId != FormValues.Clean(Input.OrganisationId);
        user.DisplayName = FormValues.Clean(Input.DisplayName);
        user.Email = FormValues.Clean(Input.Email);
        user.NormalizedEmail = user.Email is null ? null : users.NormalizeEmail(user.Email);
        user.Role = Input.Role!;
        user.OrganisationId = FormValues.Clean(Input.OrganisationId);
        // A new stamp ends the sessions that carry the old role or organisation in their cookie.
        var saved = membershipChanged ? await users.UpdateSecurityStampAsync(user) : await users.UpdateAsync(user);
        return Done(saved, AuditLog.Changed, $"{user.Role} {user.OrganisationId}", Text.T("已保存用户 {0}。", user.UserName));
    }

    public async Task<IActionResult> OnPostLockAsync(string id)
    {
        if (!Load(id)) return NotFoundPage();
        var user = Account!;
        if (IsSelf) return Refuse(Text.T("不能锁定自己的账号"));
        if (user.Role == Roles.Admin && LastAdmin(user)) return Refuse(Text.T("这是最后一位可登录的管理员，不能锁定"));
        user.LockoutEnabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        return Done(await users.UpdateSecurityStampAsync(user), AuditLog.Locked, null, Text.T("已锁定用户 {0}，其登录已失效。", user.UserName));
    }

    public async Task<IActionResult> OnPostUnlockAsync(string id)
    {
        if (!Load(id)) return NotFoundPage();
        var user = Account!;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        return Done(await users.UpdateAsync(user), AuditLog.Unlocked, null, Text.T("已解锁用户 {0}。", user.UserName));
    }

    public async Task<IActionResult> OnPostResetAsync(string id)
    {
        if (!Load(id)) return NotFoundPage();
        var user = Account!;
        if (IsSelf) return Refuse(Text.T("请在“修改密码”页面修改自己的密码"));
        var password = FirstAdmin.OneTimePassword();
        user.MustChangePassword = true;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded) return Refuse(string.Join("；", reset.Errors.Select(AccountForm.Describe)));
        audit.Record(User.ToViewer(), AuditLog.PasswordReset, AuditLog.UserKind, user.Id, user.UserName);
        Response.Headers.CacheControl = "no-store";
        OneTimePassword = password;
        Fill(user);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, string? confirm)
    {
        if (!Load(id)) return NotFoundPage();
        var user = Account!;
        if (confirm != "yes") return Refuse(Text.T("请勾选确认后再删除"));
        if (IsSelf) return Refuse(Text.T("不能删除自己的账号"));
        if (user.Role == Roles.Admin && LastAdmin(user)) return Refuse(Text.T("这是最后一位管理员，不能删除"));
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded) return Refuse(string.Join("；", deleted.Errors.Select(AccountForm.Describe)));
        // Their sessions ended with the row (every node checks the cached user); the programs they gave keys to stop too.
        var revoked = keys.RevokeIssuedBy(user.ToViewer().Actor);
        audit.Record(User.ToViewer(), AuditLog.Deleted, AuditLog.UserKind, user.Id, user.UserName);
        Message = Text.T("已删除用户 {0}，其登录已全部失效，并吊销了其签发的 {1} 个 API 密钥。", user.UserName, revoked);
        return Redirect("/admin/users");
    }

    /// <summary>Whether <paramref name="user"/> is the only administrator who can sign in.</summary>
    private bool LastAdmin(UserAccount user) =>
        !accounts.List().Any(a => a.Id != user.Id && a.Role == Roles.Admin && !(a.LockoutEnd > DateTimeOffset.UtcNow));

    private IActionResult Done(IdentityResult result, string action, string? detail, string message)
    {
        if (!result.Succeeded) return Refuse(string.Join("；", result.Errors.Select(AccountForm.Describe)));
        audit.Record(User.ToViewer(), action, AuditLog.UserKind, Account!.Id, detail is null ? Account.UserName : $"{Account.UserName} {detail}");
        Message = message;
        return Redirect($"/admin/users/{Account.Id}");
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Fill(Account!);
        return Page();
    }

    private void Fill(UserAccount user) =>
        Input = new AccountForm { DisplayName = user.DisplayName, Email = user.Email, Role = user.Role, OrganisationId = user.OrganisationId };

    private PageResult NotFoundPage() => this.PageWithStatus(StatusCodes.Status404NotFound);

    private bool Load(string id)
    {
        Organisations = store.OrganisationChoices();
        Account = id.Length <= PageResults.MaxIdLength ? accounts.FindById(id) : null;
        if (Account?.OrganisationId is { } org) OrganisationName = store.GetOrganisation(org)?.Name ?? org;
        return Account is not null;
    }
}
