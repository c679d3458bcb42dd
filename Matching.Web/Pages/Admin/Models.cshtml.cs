using Hangfire;
using Matching.Engine;
using Matching.Engine.Accounts;
using Matching.Engine.Scoring;
using Matching.Jobs.Jobs;
using Matching.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Matching.Web.Pages.Admin;

/// <summary>
/// The model registry: versions with their figures, the figures over time as a chart, promotion of a version,
/// rollback to the one before, the history, and a retrain on demand (the train job, queued). A promotion or rollback
/// is served by this process at once (<see cref="ModelHost.LoadActive"/>, the path the engine's poller takes), by the
/// others within a second, and the match lists are recomputed for the new version in the background.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class ModelsModel(ModelRegistry registry, ModelHost models, IBackgroundJobClient jobs, IOptions<MatchingOptions> options, AuditLog audit) : PageModel
{
    public IReadOnlyList<ModelVersion> Versions { get; private set; } = [];
    public IReadOnlyList<ModelEvent> History { get; private set; } = [];
    public string? Serving { get; private set; }
    public MetricChart Chart { get; private set; } = new([], []);

    /// <summary>This process serves a fixed folder (Matching:ModelDirectory), not the registry's active version.</summary>
    public bool FixedFolder => !string.IsNullOrWhiteSpace(options.Value.ModelDirectory);

    public string? Error { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public void OnGet() => Load();

    public IActionResult OnPostPromote(string version)
    {
        if (registry.Find(version ?? "") is not { } found) return Refuse(Text.T("没有这个模型版本"), StatusCodes.Status404NotFound);
        if (found.Status == ModelRegistry.Active) return Refuse(Text.T("{0} 已是当前版本", found.Version));
        registry.Promote(found.Version, $"promoted by {User.Identity?.Name} on /admin/models");
        audit.Record(User.ToViewer(), AuditLog.Promoted, AuditLog.ModelKind, found.Version);
        return Served(found.Version);
    }

    public IActionResult OnPostRollback()
    {
        var from = registry.ActiveVersion()?.Version;
        if (registry.Rollback($"rolled back from {from} by {User.Identity?.Name} on /admin/models") is not { } back)
            return Refuse(Text.T("没有可以回退到的上一个版本"));
        audit.Record(User.ToViewer(), AuditLog.RolledBack, AuditLog.ModelKind, back.Version, $"from {from}");
        return Served(back.Version);
    }

    public IActionResult OnPostRetrain()
    {
        var job = jobs.Enqueue<TrainJob>(j => j.Retrain(true, null, CancellationToken.None));
        audit.Record(User.ToViewer(), AuditLog.RetrainRequested, AuditLog.ModelKind, "retrain", $"job {job}");
        Message = Text.T("已加入重新训练任务（编号 {0}），进度见“任务”页面；新版本只有在留出集上不差于当前版本时才会启用。", job);
        return Redirect("/admin/models");
    }

    /// <summary>Serves the registry's active version in this process now, as the engine's poller would within a second.</summary>
    private IActionResult Served(string version)
    {
        if (FixedFolder)
            Message = Text.T("版本库已将 {0} 设为当前版本；但本进程使用 Matching:ModelDirectory 指定的固定模型，不随版本库切换。", version);
        else if (models.LoadActive(registry) is { } loaded && loaded.Version == version)
            Message = Text.T("现在使用模型 {0}；匹配列表将在后台按这个版本重新计算。", version);
        else
            return Refuse(Text.T("版本库已将 {0} 设为当前版本，但本进程无法加载它，请查看日志。", version));
        return Redirect("/admin/models");
    }

    private PageResult Refuse(string error, int status = StatusCodes.Status200OK)
    {
        Error = error;
        Load();
        return this.PageWithStatus(status);
    }

    private void Load()
    {
        Versions = registry.List();
        History = registry.History().Reverse().ToList();
        Serving = models.Current?.Version;
        Chart = new MetricChart(Versions.Select(v => v.Version).ToList(),
        [
            new MetricSeries(Text.T("留出集 nDCG@10"), "#1d4e89", Versions.Select(ModelMetrics.HeldOut).ToList()),
            new MetricSeries(Text.T("留出集 nDCG@10（BM25）"), "#9aa5b1", Versions.Select(ModelMetrics.HeldOutBm25).ToList()),
            new MetricSeries(Text.T("SciFact nDCG@10"), "#c2410c", Versions.Select(ModelMetrics.Benchmark).ToList()),
        ]);
    }
}
