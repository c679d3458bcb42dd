using System.Text.Json;
using Dapper;
using Matching.Engine.Import;

namespace Matching.Engine.Storage;

/// <summary>An import run started from the API or the CLI: its files, its job, and its report once finished.</summary>
public sealed record ImportRun(string Id, string Status, IReadOnlyList<string> Files, string? JobId, ImportReport? Report, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>Stores import runs in the database, so any process can answer "how did my import go?".</summary>
public sealed class ImportRuns(MatchingDatabase database)
{
    public const string Queued = "queued", Running = "running", Succeeded = "succeeded", Failed = "failed";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Registers a run; <paramref name="owner"/> is who asked (null: the command line, which imports anything).</summary>
    public void Create(string id, IReadOnlyList<string> files, Accounts.Viewer? owner = null)
    {
        using var c = database.Open();
        c.Execute("""
            INSERT INTO imports (id, status, files, created_at, heartbeat_at, requested_by, requester_role, requester_organisation)
            VALUES (@id, @status, @files, @at, @at, @actor, @role, @organisation)
            """, new { id, status = Queued, files = JsonList.Write(files), at = Rows.Now(), actor = owner?.Actor, role = owner?.Role, organisation = owner?.OrganisationId });
    }

    /// <summary>Who asked for the run, with the role and organisation they had then; null for the command line.</summary>
    public Accounts.Viewer? OwnerOf(string id)
    {
        using var c = database.Open();
        var row = c.QueryFirstOrDefault<(string? Actor, string? Role, string? Organisation)>(
            "SELECT requested_by, requester_role, requester_organisation FROM imports WHERE id = @id", new { id });
        return row.Actor is null ? null : new Accounts.Viewer(row.Actor, row.Role, row.Organisation);
    }

    public void SetJob(string id, string jobId) => Update("job_id = @value", id, jobId);

    /// <summary>Claims the run for <paramref name="owner"/> (a process name, <see cref="Hosting.ProcessOwner"/>).</summary>
    public void SetRunning(string id, string owner)
    {
        using var c = database.Open();
        c.Execute("UPDATE imports SET status = 'running', owner = @owner, heartbeat_at = @at WHERE id = @id", new { id, owner, at = Rows.Now() });
    }

    /// <summary>The running import says it is alive.</summary>
    public void Heartbeat(string id) => Update("heartbeat_at = @value", id, Rows.Now());

    /// <summary>Puts a run whose runner died back in the queue, under a new job.</summary>
    public void Requeue(string id, string jobId)
    {
        using var c = database.Open();
        c.Execute("UPDATE imports SET status = 'queued', owner = NULL, job_id = @jobId, heartbeat_at = @at WHERE id = @id AND finished_at IS NULL",
            new { id, jobId, at = Rows.Now() });
    }

    /// <summary>Runs not finished: their id, status, owner, job and last heartbeat.</summary>
    public IReadOnlyList<(string Id, string Status, string? Owner, string? JobId, DateTimeOffset? Heartbeat)> Unfinished()
    {
        using var c = database.Open();
        return c.Query<(string, string, string?, string?, string?)>("SELECT id, status, owner, job_id, heartbeat_at FROM imports WHERE finished_at IS NULL ORDER BY created_at")
            .Select(r => (r.Item1, r.Item2, r.Item3, r.Item4, Rows.Time(r.Item5))).ToList();
    }

    public void Finish(string id, ImportReport report)
    {
        using var c = database.Open();
        c.Execute("UPDATE imports SET status = @status, report = @report, finished_at = @at WHERE id = @id",
            new { id, status = Succeeded, report = JsonSerializer.Serialize(report, Json), at = Rows.Now() });
    }

    public void Fail(string id, string error)
    {
        using var c = database.Open();
        c.Execute("UPDATE imports SET status = @status, error = @error, finished_at = @at WHERE id = @id",
            new { id, status = Failed, error, at = Rows.Now() });
    }

    public ImportRun? Get(string id)
    {
        using var c = database.Open();
        var row = c.QueryFirstOrDefault<(string Id, string Status, string Files, string? JobId, string? Report, string? Error, string CreatedAt, string? FinishedAt)>(
            "SELECT id, status, files, job_id, report, error, created_at, finished_at FROM imports WHERE id = @id", new { id });
        if (row.Id is null) return null;
        return new ImportRun(row.Id, row.Status, JsonList.Read(row.Files), row.JobId,
            row.Report is null ? null : JsonSerializer.Deserialize<ImportReportView>(row.Report, Json)?.ToReport(),
            row.Error, Rows.Time(row.CreatedAt)!.Value, Rows.Time(row.FinishedAt));
    }

    private void Update(string set, string id, string? value)
    {
        using var c = database.Open();
        c.Execute($"UPDATE imports SET {set} WHERE id = @id", new { id, value });
    }

    // The report's lists are get-only; this shape reads the stored JSON back.
    private sealed record ImportReportView(List<FileReportView> Files, TimeSpan Elapsed)
    {
        public ImportReport ToReport()
        {
            var report = new ImportReport { Elapsed = Elapsed };
            foreach (var f in Files) report.Files.Add(f.ToReport());
            return report;
        }
    }

    private sealed record FileReportView(string File, string Kind, string Encoding, int Rows, int Accepted, int Created, int Updated, int Rejected,
        List<RowProblem> Rejections, List<RowProblem> Warnings, List<DuplicateId> Duplicates, Messages.Message? Error,
        int Unchanged = 0, bool DryRun = false, List<RowChange>? Changes = null)
    {
        public FileReport ToReport()
        {
            var r = new FileReport
            {
                File = File, Kind = Kind, Encoding = Encoding, Rows = Rows, Accepted = Accepted, Created = Created, Updated = Updated, Rejected = Rejected,
                Error = Error, Unchanged = Unchanged, DryRun = DryRun,
            };
            r.Changes.AddRange(Changes ?? []);
            r.Rejections.AddRange(Rejections);
            r.Warnings.AddRange(Warnings);
            r.Duplicates.AddRange(Duplicates);
            return r;
        }
    }
}
