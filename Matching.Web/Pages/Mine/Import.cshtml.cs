using Hangfire;
using Matching.Engine;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Jobs;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Matching.Web.Pages.Mine;

/// <summary>
/// Bulk import from a file (interchange format, JSON Lines; judgements TSV), run by the import job under the
/// uploader's rules; the page then shows the per-row report: accepted, rejected with row numbers and reasons, warnings.
/// </summary>
[RequestSizeLimit(MaxBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxBytes)]
public sealed class ImportModel(ImportRuns runs, IBackgroundJobClient jobs, IOptions<MatchingOptions> options) : PageModel
{
    /// <summary>A file from the page; larger imports go through the API or the command line.</summary>
    public const long MaxBytes = 30L * 1000 * 1000;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public string? Kind { get; set; }

    /// <summary>Check the file and show what each row would change, writing nothing.</summary>
    [BindProperty]
    public bool DryRun { get; set; }

    public ImportRun? Run { get; private set; }
    public string? Error { get; private set; }
    public bool Running => Run is { FinishedAt: null };

    public IActionResult OnGet(string? id)
    {
        if (id is null) return Page();
        if (id.Length > 64 || runs.Get(id) is not { } run || !Mine(id)) return NotFound();
        Run = run;
        // While the job runs, the page reloads itself every two seconds (no script needed).
        if (Running) Response.Headers["Refresh"] = "2";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var viewer = User.ToViewer();
        if (Upload is null || Upload.Length == 0)
        {
            Error = Text.T("请选择要导入的文件。");
            return Page();
        }
        var kind = Kind switch { "results" => RecordKind.Result, "experts" => RecordKind.Expert, "needs" => RecordKind.Need, "judgements" => RecordKind.Judgement, _ => Importer.KindOf(Upload.FileName) };
        if (kind is null)
        {
            // The name does not say: the rows may.
            await using var head = Upload.OpenReadStream();
            kind = Importer.Sniff(head);
        }
        if (kind is null)
        {
            Error = Text.T("无法判断文件内容，请选择数据类型。");
            return Page();
        }
        if (!viewer.MayPublish(kind.Value))
        {
            Error = Text.T("您的账号不能导入这类数据。");
            return Page();
        }
        var id = Guid.NewGuid().ToString("N");
        var folder = ImportJob.UploadFolder(options.Value.DataPath, id);
        Directory.CreateDirectory(folder);
        // Stored under a name we make, never the uploaded one.
        var name = $"{kind.Value.Name()}s-1{(kind == RecordKind.Judgement ? ".tsv" : ".jsonl")}";
        await using (var target = System.IO.File.Create(Path.Combine(folder, name)))
            await Upload.CopyToAsync(target, cancellationToken);
        runs.Create(id, [name], viewer);
        var dryRun = DryRun;
        runs.SetJob(id, jobs.Enqueue<ImportJob>(j => j.Run(id, null, dryRun, null, CancellationToken.None)));
        return Redirect($"/mine/import/{id}");
    }

    /// <summary>After a dry run the uploader looked at: the same file, imported for real.</summary>
    public IActionResult OnPostApply(string? id)
    {
        if (id is null || id.Length > 64 || runs.Get(id) is not { } run || !Mine(id)) return NotFound();
        if (run.Status != ImportRuns.Succeeded || run.Report is not { } report || !report.Files.All(f => f.DryRun)) return Redirect($"/mine/import/{id}");
        var next = Guid.NewGuid().ToString("N");
        var from = ImportJob.UploadFolder(options.Value.DataPath, id);
        var to = ImportJob.UploadFolder(options.Value.DataPath, next);
        Directory.CreateDirectory(to);
        foreach (var file in run.Files) System.IO.File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        runs.Create(next, run.Files, User.ToViewer());
        runs.SetJob(next, jobs.Enqueue<ImportJob>(j => j.Run(next, null, false, null, CancellationToken.None)));
        return Redirect($"/mine/import/{next}");
    }

    /// <summary>What a row did, in words: 新增, 无变化, or the fields it changed.</summary>
    public static string ChangeText(RowChange change) =>
        change.Created ? Text.T("新增") : change.Fields.Count == 0 ? Text.T("无变化") : string.Join("、", change.Fields.Select(FieldName));

    /// <summary>An interchange field's name on the page.</summary>
    public static string FieldName(string field) => field switch
    {
        "title" => Text.T("标题"), "name" => Text.T("名称"), "abstract" => Text.T("摘要"), "description" => Text.T("需求描述"), "keywords" => Text.T("关键词"),
        "organisation" => Text.T("单位"), "experts" => Text.T("专家"), "industries" => Text.T("行业"), "maturity" => Text.T("成熟度"),
        "cooperation" => Text.T("合作方式"), "price" => Text.T("价格"), "budget" => Text.T("预算"), "deadline" => Text.T("截止日期"),
        "visibility" => Text.T("公开范围"), "language" => Text.T("语言"), "zone" => Text.T("功能区"), "areas" => Text.T("研究方向"), "bio" => Text.T("简介"),
        "publicProfile" => Text.T("公开简介"), "aliases" => Text.T("别名"), "parent" => Text.T("上级单位"), "region" => Text.T("地区"), "kind" => Text.T("类型"),
        _ => field,
    };

    public static string StatusText(string status) => status switch
    {
        ImportRuns.Queued => Text.T("排队中"),
        ImportRuns.Running => Text.T("导入中"),
        ImportRuns.Succeeded => Text.T("已完成"),
        ImportRuns.Failed => Text.T("失败"),
        _ => status,
    };

    private bool Mine(string id) => User.ToViewer() is var viewer && (viewer.IsAdmin || runs.OwnerOf(id)?.Actor == viewer.Actor);
}
