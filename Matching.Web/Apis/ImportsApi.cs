using Hangfire;
using Matching.Engine;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Matching.Jobs.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;
using Matching.Web.Accounts;
using Microsoft.Extensions.Options;

namespace Matching.Web.Apis;

/// <summary>
/// /api/v1/imports: a multipart upload is saved under the data directory, a background job imports it, and the
/// report (accepted and rejected rows with reasons) is read back by id.
/// </summary>
public static class ImportsApi
{
    public const long MaxUploadBytes = 512L * 1024 * 1024;
    public const int MaxFiles = 10;

    /// <summary>The accepted upload: its report's address, and the job's for those who may read jobs (staff), else null.</summary>
    public sealed record ImportAccepted(string Id, string JobId, string Status, IReadOnlyList<string> Files, string Report, string? Job);

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/imports").WithTags("Imports");
        group.MapPost("/", Upload)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxUploadBytes })
            .WithSummary("Upload interchange files (multipart, field name any; the file name tells the kind); imported by a background job. "
                + "A row merges onto the stored record (JSON Merge Patch: a missing field keeps its value, null clears it); the report lists the fields each row changed. "
                + "Form field dryRun=true checks and reports without writing");
        group.MapGet("/{id}", (string id, ClaimsPrincipal user, ImportRuns runs) =>
                id.Length <= 64 && runs.Get(id) is { } run && (user.ToViewer() is var viewer && (viewer.IsAdmin || runs.OwnerOf(id)?.Actor == viewer.Actor))
                    ? (Results<Ok<ImportRun>, NotFound>)TypedResults.Ok(run) : TypedResults.NotFound())
            .WithSummary("An import's status and report (its requester's and the administrators')");
        return app;
    }

    private static async Task<Results<Accepted<ImportAccepted>, ValidationProblem>> Upload(
        IFormFileCollection files, [FromForm] string? encoding, [FromForm] bool? dryRun, ClaimsPrincipal user, ImportRuns runs, IBackgroundJobClient jobs, IOptions<MatchingOptions> options,
        CancellationToken cancellationToken)
    {
        var viewer = user.ToViewer();
        if (files.Count == 0) return Invalid("files", "no files were uploaded");
        if (files.Count > MaxFiles) return Invalid("files", $"{files.Count} files; at most {MaxFiles} per import");
        if (encoding is not null)
        {
            try { EncodingDetector.Named(encoding); }
            catch (ArgumentException) { return Invalid("encoding", $"unknown encoding '{RowParser.Printable(encoding)}'"); }
        }
        var names = new List<string>();
        var counts = new Dictionary<Engine.Records.RecordKind, int>();
        foreach (var file in files)
        {
            RecordKind? sniffed = null;
            if (Importer.KindOf(file.FileName) is null)
            {
                await using var head = file.OpenReadStream();
                sniffed = Importer.Sniff(head);
            }
            if ((Importer.KindOf(file.FileName) ?? sniffed) is not { } kind)
                return Invalid("files", $"cannot tell what '{RowParser.Printable(file.FileName)}' holds from its name or its rows; name it organisations*, results*, experts*, needs* or judgements*");
            if (!viewer.MayPublish(kind))
                return Invalid("files", $"your role ({viewer.Role}) cannot import {Engine.Records.RecordKinds.Name(kind)}s");
            if (file.Length > options.Value.MaxImportFileBytes)
                return Invalid("files", $"'{RowParser.Printable(file.FileName)}' is over {options.Value.MaxImportFileBytes / 1048576} MB");
            // Stored under a name we make, never the client's path: no traversal, no collisions.
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            var extension = kind == Engine.Records.RecordKind.Judgement ? ".tsv" : ".jsonl";
            names.Add($"{Engine.Records.RecordKinds.Name(kind)}s-{counts[kind]}{extension}");
        }
        var id = Guid.NewGuid().ToString("N");
        var folder = ImportJob.UploadFolder(options.Value.DataPath, id);
        Directory.CreateDirectory(folder);
        for (var i = 0; i < files.Count; i++)
        {
            await using var target = File.Create(Path.Combine(folder, names[i]));
            await files[i].CopyToAsync(target, cancellationToken);
        }
        runs.Create(id, names, viewer);
        var jobId = jobs.Enqueue<ImportJob>(j => j.Run(id, encoding, dryRun == true, null, CancellationToken.None));
        runs.SetJob(id, jobId);
        return TypedResults.Accepted($"/api/v1/imports/{id}",
            new ImportAccepted(id, jobId, ImportRuns.Queued, names, $"/api/v1/imports/{id}", viewer.IsStaff ? $"/api/v1/jobs/{jobId}" : null));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
