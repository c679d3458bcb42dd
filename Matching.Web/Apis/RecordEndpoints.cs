using System.Security.Claims;
using Matching.Engine.Accounts;
using Matching.Engine.Candidates;
using Matching.Engine.Import;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Matching.Web.Accounts;

namespace Matching.Web.Apis;

/// <summary>
/// /api/v1/needs, /results, /experts, /organisations, and the match lists. A need's lists, explanations and feedback
/// are its enterprise's and the organisers'; which needs fit a result or an expert is their organisation's and the
/// organisers'. Anything the caller may not see answers 404, as if it did not exist.
/// </summary>
public static class RecordEndpoints
{
    public static IEndpointRouteBuilder MapNeedsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/needs").WithTags("Needs");
        new RecordApi<TechNeed>(RecordKind.Need, RowParser.Need, n => n.Id, (s, ids) => s.GetNeeds(ids), (s, q) => s.ListNeeds(q),
            (w, n) => w.Upsert(n), (v, n) => v.View(n), n => n.Organisation, (n, o) => n with { Organisation = o },
            (r, q, ids) => r.TitleMatches(q, RecordKind.Need, ids)).Map(group);
        group.MapGet("/{id}/matches", (string id, int? k, double? minScore, ClaimsPrincipal user, RecordStore store, MatchLists matches) =>
                minScore is < 0 or > 1
                    ? (Results<Ok<NeedMatches>, NotFound<ProblemDetails>, ValidationProblem>)TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["minScore"] = ["minScore is between 0 and 1"] })
                    : MatchesOf(store, id, user.ToViewer()) is { } viewer && matches.ForNeed(id, k ?? 20, viewer, minScore) is { } list
                        ? TypedResults.Ok(list) : TypedResults.NotFound(Missing("need", id)))
            .WithSummary("Top results and experts for a need at or above minScore (default: the model's match floor, where P(grade ≥ 1) reaches 0.5; 0 for all k), with highlighted snippets (the need's enterprise and organisers)");
        group.MapGet("/{id}/explain/{candidateId}", (string id, string candidateId, ClaimsPrincipal user, RecordStore store, Engine.Scoring.Explainer explainer) =>
                MatchesOf(store, id, user.ToViewer()) is not null && Visible(store, candidateId, user.ToViewer()) && explainer.Explain(id, candidateId) is { } explanation
                    ? (Results<Ok<Engine.Scoring.Explanation>, NotFound<ProblemDetails>>)TypedResults.Ok(explanation)
                    : TypedResults.NotFound(new ProblemDetails
                    {
                        Status = 404, Title = "Not found",
                        Detail = $"no need '{RowParser.Printable(id)}' with a live result or expert '{RowParser.Printable(candidateId)}'",
                    }))
            .WithSummary("Score and explain one (need, result) or (need, expert) pair, in the match list or not");
        group.MapPost("/{id}/feedback", (string id, Feedback feedback, ClaimsPrincipal user, RecordStore store, MatchLists matches) =>
        {
            if (MatchesOf(store, id, user.ToViewer()) is null) return Results.NotFound(Missing("need", id));
            var candidate = feedback.CandidateId ?? "";
            if (store.ExistingIds(RecordKind.Result, [candidate]).Count == 0 && store.ExistingIds(RecordKind.Expert, [candidate]).Count == 0)
                return Results.Problem(statusCode: 400, title: "Invalid feedback", detail: $"no result or expert '{RowParser.Printable(candidate)}'");
            using var writer = store.BeginWrite();
            writer.Upsert(matches.Feedback(id, candidate, feedback.Helpful ? FeedbackUp : FeedbackDown));
            writer.Commit();
            return Results.NoContent();
        }).WithSummary("Thumbs up or down on a match: a judgement (up 2, down 0) for the next training run");
        return app;
    }

    public static IEndpointRouteBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/results").WithTags("Results");
        new RecordApi<ResearchResult>(RecordKind.Result, RowParser.Result, r => r.Id, (s, ids) => s.GetResults(ids), (s, q) => s.ListResults(q),
            (w, r) => w.Upsert(r), (v, r) => v.View(r), r => r.Organisation, (r, o) => r with { Organisation = o },
            (r, q, ids) => r.TitleMatches(q, RecordKind.Result, ids)).Map(group);
        group.MapGet("/{id}/matches", (string id, int? k, ClaimsPrincipal user, RecordStore store, MatchLists matches) =>
                user.ToViewer() is var viewer && store.GetResult(id) is { } result && viewer.MaySeeMatchesOf(result.Organisation)
                && matches.ForResult(id, k ?? 20, viewer) is { } list
                    ? (Results<Ok<ResultMatches>, NotFound<ProblemDetails>>)TypedResults.Ok(list) : TypedResults.NotFound(Missing("result", id)))
            .WithSummary("Top needs for a research result");
        return app;
    }

    public static IEndpointRouteBuilder MapExpertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experts").WithTags("Experts");
        new RecordApi<Expert>(RecordKind.Expert, RowParser.Expert, e => e.Id, (s, ids) => s.GetExperts(ids), (s, q) => s.ListExperts(q),
            (w, e) => w.Upsert(e), (v, e) => v.View(e), e => e.Organisation, (e, o) => e with { Organisation = o }).Map(group);
        group.MapGet("/{id}/matches", (string id, int? k, ClaimsPrincipal user, RecordStore store, MatchLists matches) =>
                user.ToViewer() is var viewer && store.GetExpert(id) is { } expert && viewer.MaySeeMatchesOf(expert.Organisation)
                && matches.ForExpert(id, k ?? 20, viewer) is { } list
                    ? (Results<Ok<ExpertMatches>, NotFound<ProblemDetails>>)TypedResults.Ok(list) : TypedResults.NotFound(Missing("expert", id)))
            .WithSummary("Needs that fit an expert's areas, bio and results");
        group.MapGet("/{id}/personal-data", (string id, ClaimsPrincipal user, RecordStore store, PersonalData data) =>
                user.ToViewer() is var viewer && id.Length <= ImportLimits.Id && store.GetExpert(id) is { } expert && viewer.MayEdit(expert.Organisation)
                && data.Export(id, viewer) is { } export
                    ? (Results<Ok<ExpertData>, NotFound<ProblemDetails>>)TypedResults.Ok(export) : TypedResults.NotFound(Missing("expert", id)))
            .WithSummary("Everything held about an expert, for a request under PIPL (their organisation, administrators); the export is audited");
        group.MapPost("/{id}/erase", (string id, ClaimsPrincipal user, RecordStore store, PersonalData data) =>
                user.ToViewer() is var viewer && id.Length <= ImportLimits.Id && store.GetExpert(id) is { } expert && viewer.MayEdit(expert.Organisation)
                && data.Erase(id, viewer)
                    ? (Results<NoContent, NotFound<ProblemDetails>>)TypedResults.NoContent() : TypedResults.NotFound(Missing("expert", id)))
            .WithSummary("Erase an expert for good (PIPL): record, links, judgements, event places; the index and match lists follow");
        return app;
    }

    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organisations").WithTags("Organisations");
        new RecordApi<Organisation>(RecordKind.Organisation, RowParser.Organisation, o => o.Id, (s, ids) => s.GetOrganisations(ids), (s, q) => s.ListOrganisations(q),
            (w, o) => w.Upsert(o), (v, o) => v.View(o), _ => null, (o, _) => o).Map(group);
        return app;
    }

    /// <summary>The viewer when they may read the need's match lists (its enterprise, organisers), else null.</summary>
    private static Viewer? MatchesOf(RecordStore store, string needId, Viewer viewer) =>
        needId.Length <= ImportLimits.Id && store.GetNeed(needId) is { } need && viewer.MaySeeMatchesOf(need) ? viewer : null;

    /// <summary>Whether the viewer may see the result or expert <paramref name="id"/> names.</summary>
    private static bool Visible(RecordStore store, string id, Viewer viewer) =>
        store.GetResult(id) is { } result ? viewer.View(result) is not null
        : store.GetExpert(id) is { } expert && viewer.View(expert) is not null;

    /// <summary>A thumbs up or down on one of a need's matches.</summary>
    public sealed record Feedback(string? CandidateId, bool Helpful);

    /// <summary>Grades of feedback: up is "clearly relevant" (2), down "not relevant" (0); 3 is kept for signed contracts.</summary>
    public const int FeedbackUp = 2, FeedbackDown = 0;

    private static ProblemDetails Missing(string kind, string id) =>
        new() { Status = 404, Title = "Not found", Detail = $"no {kind} with id '{RowParser.Printable(id)}'" };
}
