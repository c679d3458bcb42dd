using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Account;

/// <summary>
/// Signs out (a POST with the page's token, so no other site can sign a user out). Signing out renews the user's
/// security stamp, so every session of theirs ends — a copy of the cookie kept from before opens nothing.
/// </summary>
public sealed class LogoutModel(SignInManager<Engine.Accounts.Account> signIn, UserManager<Engine.Accounts.Account> users) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is { } user) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
