using Matching.Engine.Accounts;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Web.Pages.Admin;

/// <summary>How roles and organisation kinds read on the administrator's pages, and which organisation a role may belong to.</summary>
public static class AdminLabels
{
    public static string Role(string? role) => role switch
    {
        Roles.University => Text.T("高校/院所用户"),
        Roles.Enterprise => Text.T("企业用户"),
        Roles.Organiser => Text.T("活动组织方"),
        Roles.Admin => Text.T("管理员"),
        _ => role ?? "—",
    };

    public static string Kind(string? kind) => kind switch
    {
        "university" => Text.T("高校"),
        "institute" => Text.T("科研院所"),
        "enterprise" => Text.T("企业"),
        "agency" => Text.T("服务机构"),
        null or "" => Text.T("未设置"),
        _ => kind,
    };

    public static string Status(string status) => status switch
    {
        RecordStatus.Active => Text.T("有效"),
        RecordStatus.Withdrawn => Text.T("已撤回"),
        RecordStatus.Closed => Text.T("已关闭"),
        _ => status,
    };

    /// <summary>
    /// Why <paramref name="role"/> may not belong to the organisation <paramref name="organisationId"/> (none when empty),
    /// or null when it may: members of a university or institute are university users, of an enterprise enterprise users,
    /// and organisers and administrators belong to an agency or to nobody.
    /// </summary>
    public static string? MembershipProblem(string? role, string? organisationId, RecordStore store)
    {
        if (role is null || !Roles.All.Contains(role)) return Text.T("请选择角色");
        string? kind = null;
        if (!string.IsNullOrEmpty(organisationId))
        {
            if (organisationId.Length > PageResults.MaxIdLength || store.GetOrganisation(organisationId) is not { Status: RecordStatus.Active } organisation)
                return Text.T("所选机构不存在或已撤回");
            kind = organisation.Kind;
        }
        if (Roles.Fits(role, kind)) return null;
        return role switch
        {
            Roles.University => Text.T("高校/院所用户须属于高校或科研院所"),
            Roles.Enterprise => Text.T("企业用户须属于企业"),
            _ => Text.T("活动组织方和管理员只能属于服务机构，或不属于任何机构"),
        };
    }
}
