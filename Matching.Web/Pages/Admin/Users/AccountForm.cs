using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Matching.Web.Pages.Admin.Users;

/// <summary>What an administrator may set about a user.</summary>
public class AccountForm
{
    [StringLength(100, ErrorMessage = "显示名称最多 100 个字符"), Display(Name = "显示名称")]
    public string? DisplayName { get; set; }

    [EmailAddress(ErrorMessage = "邮箱格式不正确"), StringLength(256, ErrorMessage = "邮箱最多 256 个字符"), Display(Name = "邮箱")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "请选择角色"), Display(Name = "角色")]
    public string? Role { get; set; }

    [StringLength(PageResults.MaxIdLength, ErrorMessage = "机构编号太长"), Display(Name = "所属机构")]
    public string? OrganisationId { get; set; }

    /// <summary>Identity's refusals in the site's words.</summary>
    public static string Describe(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" => Text.T("这个用户名已被使用"),
        "InvalidUserName" => Text.T("用户名只能包含英文字母、数字和 . _ @ + -"),
        "ConcurrencyFailure" => Text.T("该用户刚被其他人修改，请刷新后重试"),
        _ => error.Description,
    };
}

/// <summary>A new user: a user name as well.</summary>
public sealed class NewAccountForm : AccountForm
{
    [Required(ErrorMessage = "请输入用户名"), StringLength(64, MinimumLength = 3, ErrorMessage = "用户名为 3–64 个字符")]
    [RegularExpression("^[A-Za-z0-9._@+-]+$", ErrorMessage = "用户名只能包含英文字母、数字和 . _ @ + -"), Display(Name = "用户名")]
    public string UserName { get; set; } = "";
}
