using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Matching.Engine.Accounts;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin.Organisations;

/// <summary>
/// One organisation's name, kind, aliases, parent, region and zone. The edit is checked by the import's own row rules
/// (<see cref="RowParser.Organisation"/>), and further: no name that already names another organisation, a parent that
/// exists and is not a descendant, and a kind that still fits the organisation's users and keys. Saved through the
/// record writer, so the change log has it.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class EditModel(RecordStore store, AccountStore accounts, ApiKeys keys, IndustryTaxonomy taxonomy, AuditLog audit) : PageModel
{
    [BindProperty]
    public OrganisationForm Input { get; set; } = new();

    public Organisation? Organisation { get; private set; }
    public IReadOnlyList<string> Zones { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public IActionResult OnGet(string id)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        var o = Organisation!;
        Input = new OrganisationForm
        {
            Name = o.Name, Kind = o.Kind, Aliases = string.Join("\n", o.Aliases), Parent = o.Parent, Region = o.Region, Zone = o.Zone,
        };
        return Page();
    }

    public IActionResult OnPost(string id)
    {
        if (!Load(id)) return this.PageWithStatus(StatusCodes.Status404NotFound);
        if (!ModelState.IsValid) return Page();
        var edited = Validate(Organisation!);
        if (edited is null) return Page();
        using (var writer = store.BeginWrite())
        {
            writer.Upsert(edited);
            writer.Commit();
        }
        audit.Record(User.ToViewer(), AuditLog.Changed, RecordKind.Organisation, edited.Id, edited.Name);
        Message = Text.T("已保存机构 {0}。", edited.Name);
        return Redirect($"/admin/organisations/{Uri.EscapeDataString(edited.Id)}");
    }

    /// <summary>The edited organisation, or null with the problems in the model state.</summary>
    private Organisation? Validate(Organisation current)
    {
        var aliases = (Input.Aliases ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (aliases.Length > ImportLimits.ListItems) Problem(nameof(Input.Aliases), Text.T("别名最多 {0} 个", ImportLimits.ListItems));
        if (aliases.FirstOrDefault(a => a.Length > ImportLimits.Name) is { } tooLong)
            Problem(nameof(Input.Aliases), Text.T("别名“{0}”超过 {1} 个字符", RowParser.Printable(tooLong), ImportLimits.Name));
        var parent = FormValues.Clean(Input.Parent) is { } reference ? store.ResolveOrganisation(reference) : null;
        if (FormValues.Clean(Input.Parent) is not null && parent is null) Problem(nameof(Input.Parent), Text.T("没有这个上级机构"));
        else if (parent is not null && IsSelfOrBelow(parent, current.Id)) Problem(nameof(Input.Parent), Text.T("上级机构不能是本机构或其下级机构"));
        if (!ModelState.IsValid) return null;

        Organisation parsed;
        try
        {
            // The import's row rules decide, so a page edit and an imported row are held to the same limits.
            parsed = RowParser.Organisation(JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["id"] = current.Id, ["name"] = Input.Name, ["kind"] = FormValues.Clean(Input.Kind), ["aliases"] = aliases,
                ["parent"] = parent, ["region"] = FormValues.Clean(Input.Region), ["zone"] = FormValues.Clean(Input.Zone),
            }));
        }
        catch (RowException e)
        {
            Problem(Field(e.Field), Text.T("不符合数据规则：{0}", e.Reason));
            return null;
        }
        foreach (var name in parsed.Aliases.Prepend(parsed.Name))
            if (store.ResolveOrganisation(name) is { } owner && owner != current.Id)
                Problem(name == parsed.Name ? nameof(Input.Name) : nameof(Input.Aliases),
                    Text.T("“{0}”已是另一机构（{1}）的名称或别名；重复的机构请用“合并重复机构”", RowParser.Printable(name), owner));
        if (parsed.Kind != current.Kind)
        {
            var misfits = accounts.InOrganisation(current.Id).Where(a => !Roles.Fits(a.Role, parsed.Kind)).Select(a => a.UserName)
                .Concat(keys.List(current.Id).Where(k => k.RevokedAt is null && !Roles.Fits(k.Role, parsed.Kind)).Select(k => k.Name)).ToList();
            if (misfits.Count > 0)
                Problem(nameof(Input.Kind), Text.T("{0} 的角色与新类型不符，请先调整这些用户或吊销这些密钥", string.Join("、", misfits.Take(5))));
        }
        return ModelState.IsValid ? parsed with { Status = current.Status } : null;
    }

    /// <summary>Whether <paramref name="candidate"/> is the organisation itself or one of those below it.</summary>
    private bool IsSelfOrBelow(string candidate, string id)
    {
        var seen = new HashSet<string>();
        for (var at = candidate; at is not null && seen.Add(at); at = store.GetOrganisation(at)?.Parent)
            if (at == id) return true;
        return false;
    }

    private static string Field(string? rowField) => rowField switch
    {
        "kind" => nameof(OrganisationForm.Kind),
        "aliases" => nameof(OrganisationForm.Aliases),
        "parent" => nameof(OrganisationForm.Parent),
        "region" => nameof(OrganisationForm.Region),
        "zone" => nameof(OrganisationForm.Zone),
        _ => nameof(OrganisationForm.Name),
    };

    private void Problem(string field, string message) => ModelState.AddModelError($"{nameof(Input)}.{field}", message);

    private bool Load(string id)
    {
        Organisation = id.Length <= PageResults.MaxIdLength ? store.GetOrganisation(id) : null;
        Zones = taxonomy.Zones.Order(StringComparer.Ordinal).ToList();
        return Organisation is not null;
    }
}

/// <summary>An organisation as the form edits it; the limits are the import's (<see cref="ImportLimits"/>).</summary>
public sealed class OrganisationForm
{
    [Required(ErrorMessage = "请输入机构名称"), StringLength(ImportLimits.Name, ErrorMessage = "名称最多 {1} 个字符"), Display(Name = "名称")]
    public string Name { get; set; } = "";

    [Display(Name = "类型")]
    public string? Kind { get; set; }

    [StringLength(ImportLimits.ListItems * (ImportLimits.Name + 2), ErrorMessage = "别名太长"), Display(Name = "别名（每行一个）")]
    public string? Aliases { get; set; }

    [StringLength(ImportLimits.Name, ErrorMessage = "上级机构最多 {1} 个字符"), Display(Name = "上级机构（编号或名称）")]
    public string? Parent { get; set; }

    [StringLength(ImportLimits.ShortText, ErrorMessage = "地区最多 {1} 个字符"), Display(Name = "地区")]
    public string? Region { get; set; }

    [StringLength(ImportLimits.ShortText, ErrorMessage = "功能区最多 {1} 个字符"), Display(Name = "功能区")]
    public string? Zone { get; set; }
}
