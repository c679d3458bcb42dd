using System.ComponentModel.DataAnnotations;
using Matching.Engine.Accounts;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Account;

/// <summary>
/// Sign-in with user name (or e-mail) and password. Every refusal reads the same — unknown name, wrong password, a
/// locked account — so the form tells nobody which names exist; guessing is slowed per name and address
/// (<see cref="SignInThrottle"/>) and per address (the "sign-in" rate limit), never by locking the account.
/// </summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(AccountsRegistration.SignInPolicy)]
public sealed class LoginModel(SignInManager<Engine.Accounts.Account> signIn, UserManager<Engine.Accounts.Account> users, SignInThrottle throttle,
    ILogger<LoginModel> logger) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请输入用户名"), StringLength(256, ErrorMessage = "{0}最多 {1} 个字符"), Display(Name = "用户名或邮箱")]
    public string UserName { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "请输入密码"), StringLength(256, ErrorMessage = "{0}最多 {1} 个字符"), DataType(DataType.Password), Display(Name = "密码")]
    public string Password { get; set; } = "";

    [BindProperty, Display(Name = "在这台电脑上保持登录")]
    public bool Remember { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var name = UserName.Trim();
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.Wait(name, address) is { TotalSeconds: > 0 } wait)
        {
            Error = Text.T("尝试次数过多，请 {0} 秒后再试。", Math.Ceiling(wait.TotalSeconds));
            return Page();
        }
        var user = await users.FindByNameAsync(name) ?? (name.Contains('@') ? await users.FindByEmailAsync(name) : null);
        if (user is null)
        {
            // As long as checking a real password takes, so the time does not tell either.
            users.PasswordHasher.VerifyHashedPassword(new Engine.Accounts.Account { UserName = name }, NoSuchUserHash, Password);
            return Refused(name, address);
        }
        var result = await signIn.PasswordSignInAsync(user, Password, Remember, lockoutOnFailure: false);
        // Only someone who knows the password learns that an administrator locked the account.
        if (result.IsLockedOut && await users.CheckPasswordAsync(user, Password))
        {
            logger.LogWarning("Sign-in refused: {User} is locked by an administrator", user.UserName);
            throttle.Succeeded(name, address);
            Error = Text.T("此账号已被管理员锁定，请联系管理员。");
            return Page();
        }
        if (!result.Succeeded) return Refused(name, address);
        throttle.Succeeded(name, address);
        if (user.MustChangePassword) return Redirect("/account/password");
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : Home(user));
    }

    private IActionResult Refused(string name, string? address)
    {
        throttle.Failed(name, address);
        Error = Text.T("用户名或密码不正确。");
        return Page();
    }

    /// <summary>A hash of a random password, checked when no user has the name.</summary>
    private static readonly string NoSuchUserHash =
        new PasswordHasher<Engine.Accounts.Account>().HashPassword(new Engine.Accounts.Account { UserName = "-" }, Guid.NewGuid().ToString("N"));

    /// <summary>Where each role starts: the events organisers run, else the home page.</summary>
    public static string Home(Engine.Accounts.Account user) => user.Role switch
    {
        Roles.Organiser => "/events",
        _ => "/",
    };
}
