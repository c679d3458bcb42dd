using Matching.Engine.Accounts;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin;

/// <summary>
/// The audit log (PIPL): who viewed a non-public need, who exported or erased a person's data, who changed accounts,
/// keys, models and the taxonomy; newest first, filterable by record. Actors are shown by user name where known.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AuditModel(AuditLog audit, AccountStore accounts, ApiKeys keys) : PageModel
{
    public const int Shown = 500;

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "record")]
    public string? Record { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Actors { get; private set; } = new Dictionary<string, string>();

    public void OnGet()
    {
        var all = audit.Recent(Record is { Length: > 0 and <= 200 } ? 5000 : Shown);
        Entries = (Record is { Length: > 0 and <= 200 } r ? all.Where(e => e.RecordId == r) : all).Take(Shown).ToList();
        var names = accounts.List().ToDictionary(a => "user:" + a.Id, a => a.UserName);
        foreach (var k in keys.List()) names["key:" + k.Id] = Text.T("密钥 {0}（{1}）", k.Prefix, k.Name);
        Actors = names;
    }
}
