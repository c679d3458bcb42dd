using System.Security.Cryptography;
using System.Text;
using Matching.Engine.Accounts;
using Matching.Engine.Taxonomy;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matching.Web.Pages.Admin;

/// <summary>
/// The industry tree (industries.json) and the synonym dictionary (synonyms.txt) as text to edit. Each is checked by
/// the engine's loaders before it is saved (<see cref="TaxonomyEditor"/>); a file with a problem is shown again with
/// its problems by line and changes nothing. A saved file is in use for the next search at once.
/// </summary>
[Authorize(Policy = Policies.Admin)]
[RequestSizeLimit(MaxRequestBytes)]
public sealed class TaxonomyModel(TaxonomyEditor editor, AuditLog audit, AccountStore accounts) : PageModel
{
    /// <summary>A 1 MB file of Chinese text, form-encoded, with room to spare.</summary>
    public const long MaxRequestBytes = 12 * 1024 * 1024;

    [BindProperty]
    public string Industries { get; set; } = "";

    [BindProperty]
    public string Synonyms { get; set; } = "";

    public IReadOnlyList<TaxonomyProblem> IndustryProblems { get; private set; } = [];
    public IReadOnlyList<TaxonomyProblem> SynonymProblems { get; private set; } = [];
    public IReadOnlyList<AuditEntry> Changes { get; private set; } = [];

    /// <summary>Who made a change: a user's name, else the actor as the audit log has it.</summary>
    public string Who(AuditEntry entry) =>
        entry.Actor.StartsWith("user:", StringComparison.Ordinal) && accounts.FindById(entry.Actor[5..]) is { } user ? user.UserName : entry.Actor;

    [TempData]
    public string? Message { get; set; }

    public void OnGet() => Load(industries: true, synonyms: true);

    public IActionResult OnPostIndustries() =>
        Save(TaxonomyFiles.IndustriesFile, Industries, editor.SaveIndustries, problems => IndustryProblems = problems, () => Load(industries: false, synonyms: true));

    public IActionResult OnPostSynonyms() =>
        Save(TaxonomyFiles.SynonymsFile, Synonyms, editor.SaveSynonyms, problems => SynonymProblems = problems, () => Load(industries: true, synonyms: false));

    private IActionResult Save(string file, string? text, Func<string, IReadOnlyList<TaxonomyProblem>> save,
        Action<IReadOnlyList<TaxonomyProblem>> show, Action reloadTheOther)
    {
        text = (text ?? "").Replace("\r\n", "\n");
        var problems = save(text);
        if (problems.Count > 0)
        {
            // The edited text stays in its box, so the problems can be fixed there; the other box shows the saved file.
            show(problems);
            reloadTheOther();
            return Page();
        }
        audit.Record(User.ToViewer(), AuditLog.Changed, AuditLog.TaxonomyKind, file,
            $"{Encoding.UTF8.GetByteCount(text)} bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}");
        Message = Text.T("已保存 {0}，新的搜索和匹配立即使用。", file);
        return Redirect("/admin/taxonomy");
    }

    private void Load(bool industries, bool synonyms)
    {
        if (industries) Industries = editor.IndustriesText();
        if (synonyms) Synonyms = editor.SynonymsText();
        Changes = audit.For(AuditLog.TaxonomyKind, TaxonomyFiles.IndustriesFile).Concat(audit.For(AuditLog.TaxonomyKind, TaxonomyFiles.SynonymsFile))
            .OrderByDescending(e => e.Id).Take(10).ToList();
    }

    /// <summary>A problem in the site's words.</summary>
    public static string Describe(TaxonomyProblem problem)
    {
        var what = problem.Kind switch
        {
            TaxonomyProblemKind.TooLarge => Text.T("文件超过 {0}", problem.Detail),
            TaxonomyProblemKind.Syntax => Text.T("JSON 格式错误：{0}", problem.Detail),
            TaxonomyProblemKind.Empty => Text.T("至少需要一个产业体系（systems）"),
            TaxonomyProblemKind.MissingName => Text.T("缺少名称：{0}", problem.Detail),
            TaxonomyProblemKind.Duplicate => Text.T("名称“{0}”重复，行业名称必须唯一", problem.Detail),
            TaxonomyProblemKind.NoEcosystems => Text.T("“{0}”下没有产业生态圈（ecosystems）", problem.Detail),
            TaxonomyProblemKind.SingleMember => Text.T("这一行只有一个词，同义词组至少需要两个（用逗号分隔）：{0}", problem.Detail),
            TaxonomyProblemKind.MemberTooLong => Text.T("词语超过 {0} 个字符：{1}", TaxonomyEditor.MaxMemberLength, problem.Detail),
            _ => problem.Detail,
        };
        return problem.Line is { } line ? Text.T("第 {0} 行：{1}", line, what) : what;
    }
}
