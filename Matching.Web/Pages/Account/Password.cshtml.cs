using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Account;

/// <summary>Changes the signed-in user's password; required after a one-time password.</summary>
public sealed class PasswordModel(UserManager<Engine.Accounts.Account> users, SignInManager<Engine.Accounts.Account> signIn) : PageModel
{
    [BindProperty, Required(ErrorMessage = "请输入当前密码"), StringLength(256, ErrorMessage = "{0}最多 {1} 个字符"), DataType(DataType.Password), Display(Name = "当前密码")]
    public string Current { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "请输入新密码"), StringLength(256, MinimumLength = 10, ErrorMessage = "新密码至少 10 个字符"), DataType(DataType.Password), Display(Name = "新密码（至少 10 位，含数字和小写字母）")]
    public string New { get; set; } = "";

    [BindProperty, Compare(nameof(New), ErrorMessage = "两次输入的新密码不一致"), DataType(DataType.Password), Display(Name = "再次输入新密码")]
    public string Repeat { get; set; } = "";

    public bool MustChange { get; private set; }
    public bool Changed { get; private set; }

    public async Task OnGetAsync() => MustChange = (await users.GetUserAsync(User))?.MustChangePassword == true;

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        MustChange = user.MustChangePassword;
        if (!ModelState.IsValid) return Page();
        if (New == Current)
        {
            ModelState.AddModelError(nameof(New), Text.T("新密码不能与当前密码相同"));
            return Page();
        }
        user.MustChangePassword = false;
        var result = await users.ChangePasswordAsync(user, Current, New);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors) ModelState.AddModelError(error.Code == "PasswordMismatch" ? nameof(Current) : nameof(New), Describe(error));
            return Page();
        }
        // A new cookie without the "must change" mark.
        await signIn.RefreshSignInAsync(user);
        Changed = true;
        MustChange = false;
        return Page();
    }

    private static string Describe(IdentityError error) => error.Code switch
    {
        "PasswordMismatch" => Text.T("当前密码不正确"),
        "PasswordTooShort" => Text.T("新密码至少 10 个字符"),
        "PasswordRequiresDigit" => Text.T("新密码需要包含数字"),
        "PasswordRequiresLower" => Text.T("新密码需要包含小写字母"),
        _ => error.Description,
    };
}
