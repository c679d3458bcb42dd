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
/// Every user, and a new one: the page makes a one-time password, shows it once, and the user chooses their own at
/// the first sign-in. Nothing keeps the password but its hash.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class IndexModel(UserManager<UserAccount> users, AccountStore accounts, RecordStore store, AuditLog audit) : PageModel
{
    [BindProperty]
    public NewAccountForm Input { get; set; } = new();

    public IReadOnlyList<UserAccount> Users { get; private set; } = [];
    public IReadOnlyDictionary<string, string> OrganisationNames { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<(string Id, string Name, string? Kind)> Organisations { get; private set; } = [];

    /// <summary>Set once, on the answer to the form that made the user.</summary>
    public string? OneTimePassword { get; private set; }
    public string? CreatedUserName { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostAsync()
    {
        if (AdminLabels.MembershipProblem(Input.Role, Input.OrganisationId, store) is { } problem)
            ModelState.AddModelError($"{nameof(Input)}.{nameof(NewAccountForm.OrganisationId)}", problem);
        if (!ModelState.IsValid)
        {
            Load();
            return Page();
        }
        var password = FirstAdmin.OneTimePassword();
        var account = new UserAccount
        {
            UserName = Input.UserName.Trim(),
            DisplayName = FormValues.Clean(Input.DisplayName),
            Email = FormValues.Clean(Input.Email),
            Role = Input.Role!,
            OrganisationId = FormValues.Clean(Input.OrganisationId),
            MustChangePassword = true,
        };
        var created = await users.CreateAsync(account, password);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
                ModelState.AddModelError($"{nameof(Input)}.{nameof(NewAccountForm.UserName)}", AccountForm.Describe(error));
            Load();
            return Page();
        }
        audit.Record(User.ToViewer(), AuditLog.Created, AuditLog.UserKind, account.Id, $"{account.UserName} {account.Role} {account.OrganisationId}");
        // The password is in this answer only: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        OneTimePassword = password;
        CreatedUserName = account.UserName;
        Input = new NewAccountForm();
        ModelState.Clear();
        Load();
        return Page();
    }

    private void Load()
    {
        Users = accounts.List();
        Organisations = store.OrganisationChoices();
        var ids = Users.Select(u => u.OrganisationId).OfType<string>().Distinct().ToList();
        OrganisationNames = store.GetOrganisations(ids).ToDictionary(o => o.Id, o => o.Name);
    }
}
