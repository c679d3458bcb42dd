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
        runs.SetJob(id, jobs.Enqueue<ImportJob>(j => j.Run(id, null, null, CancellationToken.None)));
        return Redirect($"/mine/import/{id}");
    }

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
