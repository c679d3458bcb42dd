using System.ComponentModel.DataAnnotations;
using Matching.Engine.Accounts;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Web.Accounts;
using Matching.Web.Pages.Admin;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Account;

/// <summary>
/// API keys for programs: a member of an organisation sees, issues and revokes their organisation's keys (with the role
/// of the organisation's kind); an administrator sees all of them and may issue one for any organisation, with any
/// role that fits it, or an administrator's key that belongs to no organisation. A key is shown once, when issued.
/// Only people signed in with a password come here: a key does not make keys.
/// </summary>
public sealed class KeysModel(ApiKeys keys, RecordStore store, AuditLog audit) : PageModel
{
    [BindProperty]
    public KeyForm Input { get; set; } = new();

    public Viewer Viewer { get; private set; } = Viewer.Anonymous;
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];
    public IReadOnlyDictionary<string, string> OrganisationNames { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<(string Id, string Name, string? Kind)> Organisations { get; private set; } = [];
    public Organisation? Own { get; private set; }

    /// <summary>The new key, in the answer to the form that issued it and nowhere else.</summary>
    public string? Secret { get; private set; }
    public ApiKey? Issued { get; private set; }
    public string? Error { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public IActionResult OnGet() => Refused() ?? Show();

    public IActionResult OnPostIssue()
    {
        if (Refused() is { } refused) return refused;
        string? organisation, role;
        if (Viewer.IsAdmin)
        {
            organisation = FormValues.Clean(Input.OrganisationId);
            var kind = organisation is null ? null : store.GetOrganisation(organisation)?.Kind;
            role = FormValues.Clean(Input.Role) ?? Roles.ForOrganisationKind(kind) ?? Roles.Admin;
            if (AdminLabels.MembershipProblem(role, organisation, store) is { } problem)
                ModelState.AddModelError($"{nameof(Input)}.{nameof(KeyForm.OrganisationId)}", problem);
        }
        else
        {
            organisation = Viewer.OrganisationId;
            role = Roles.ForOrganisationKind(Own?.Kind);
            if (role is null) Error = Text.T("本机构的类型未设置，无法签发密钥；请联系管理员。");
        }
        if (!ModelState.IsValid || Error is not null) return Show();
        var (key, secret) = keys.Issue(Input.Name.Trim(), role!, organisation, Viewer.Actor);
        audit.Record(Viewer, AuditLog.Issued, AuditLog.KeyKind, key.Id, $"{key.Prefix} {key.Role} {key.OrganisationId}");
        // The key is in this answer only: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        Secret = secret;
        Issued = key;
        Input = new KeyForm();
        ModelState.Clear();
        return Show();
    }

    public IActionResult OnPostRevoke(string id)
    {
        if (Refused() is { } refused) return refused;
        var key = id.Length <= PageResults.MaxIdLength ? keys.Get(id) : null;
        if (key is null)
        {
            Error = Text.T("没有这个密钥。");
            return Show(StatusCodes.Status404NotFound);
        }
        if (!Viewer.IsAdmin && !Viewer.Owns(key.OrganisationId))
        {
            Error = Text.T("只能吊销本机构的密钥。");
            return Show(StatusCodes.Status403Forbidden);
        }
        if (keys.Revoke(key.Id)) audit.Record(Viewer, AuditLog.Revoked, AuditLog.KeyKind, key.Id, key.Prefix);
        Message = Text.T("已吊销密钥 {0}（{1}…），使用它的程序将无法再访问。", key.Name, key.Prefix);
        return Redirect("/account/keys");
    }

    /// <summary>Null when this caller may manage keys here, else the answer to give them.</summary>
    private IActionResult? Refused()
    {
        Viewer = User.ToViewer();
        if (User.Identity?.AuthenticationType == ApiKeyAuthentication.SchemeName) return Forbid();
        // A one-time password is changed first (the /account pages are otherwise open to it).
        if (User.HasClaim(c => c.Type == AccountClaims.MustChangePassword)) return Redirect("/account/password");
        if (!Viewer.IsAdmin && Viewer.OrganisationId is null) return Forbid();
        Own = Viewer.OrganisationId is { } own ? store.GetOrganisation(own) : null;
        return null;
    }

    private PageResult Show(int status = StatusCodes.Status200OK)
    {
        Keys = keys.List(Viewer.IsAdmin ? null : Viewer.OrganisationId);
        var ids = Keys.Select(k => k.OrganisationId).OfType<string>().Distinct().ToList();
        OrganisationNames = store.GetOrganisations(ids).ToDictionary(o => o.Id, o => o.Name);
        if (Viewer.IsAdmin) Organisations = store.OrganisationChoices();
        return this.PageWithStatus(status);
    }
}

/// <summary>A new key: its name; an administrator also picks its organisation and role.</summary>
public sealed class KeyForm
{
    [Required(ErrorMessage = "请输入密钥名称"), StringLength(100, ErrorMessage = "名称最多 100 个字符"), Display(Name = "密钥名称（用途，例如“成果同步程序”）")]
    public string Name { get; set; } = "";

    [StringLength(PageResults.MaxIdLength, ErrorMessage = "机构编号太长"), Display(Name = "所属机构")]
    public string? OrganisationId { get; set; }

    [Display(Name = "角色")]
    public string? Role { get; set; }
}
