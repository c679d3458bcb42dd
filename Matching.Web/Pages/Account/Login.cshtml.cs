using System.ComponentModel.DataAnnotations;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Account;

/// <summary>Sign-in with user name (or e-mail) and password; five failures lock the account for a while.</summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<Engine.Accounts.Account> signIn, UserManager<Engine.Accounts.Account> users, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请输入用户名"), StringLength(256), Display(Name = "用户名或邮箱")]
    public string UserName { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "请输入密码"), StringLength(256), DataType(DataType.Password), Display(Name = "密码")]
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
        var user = await users.FindByNameAsync(name) ?? (name.Contains('@') ? await users.FindByEmailAsync(name) : null);
        if (user is null)
        {
            Error = Text.T("用户名或密码不正确。");
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(user, Password, Remember, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused: {User} is locked out", user.UserName);
            Error = Text.T("连续输错密码次数过多，账号已暂时锁定，请稍后再试或联系管理员。");
            return Page();
        }
        if (!result.Succeeded)
        {
            Error = Text.T("用户名或密码不正确。");
            return Page();
        }
        if (user.MustChangePassword) return Redirect("/account/password");
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : Home(user));
    }

    /// <summary>Where each role starts: the events organisers run, else the home page.</summary>
    public static string Home(Engine.Accounts.Account user) => user.Role switch
    {
        Roles.Organiser => "/events",
        _ => "/",
    };
}
