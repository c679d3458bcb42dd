using System.Text.Json;
using Matching.Engine.Candidates;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Web.Apis;

/// <summary>
/// The list / get / create / update / withdraw endpoints that results, needs, experts and organisations share.
/// Bodies use the interchange format and go through the same validation as a file import.
/// </summary>
internal sealed record RecordApi<T>(
    RecordKind Kind,
    Func<JsonElement, T> Parse,
    Func<T, string> IdOf,
    Func<RecordStore, IReadOnlyCollection<string>, IReadOnlyList<T>> Get,
    Func<RecordStore, ListQuery, Page<T>> List,
    Action<RecordWriter, T> Upsert,
    Func<T, T> View,
    Func<T, string?> OrganisationOf,
    Func<T, string, T> WithOrganisation) where T : class
{
    /// <summary>Largest JSON body for one record.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public RouteGroupBuilder Map(RouteGroupBuilder group)
    {
        group.MapGet("/", ListRecords).WithSummary($"List {Kind.Name()}s with paging, sorting, filters and optional text search (q)");
        group.MapGet("/{id}", GetOne).WithSummary($"Get one {Kind.Name()} by external id");
        group.MapPost("/", Create).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithSummary($"Create a {Kind.Name()} (interchange format)");
        group.MapPut("/{id}", Update).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithSummary($"Create or replace a {Kind.Name()}");
        group.MapDelete("/{id}", Withdraw).WithSummary($"Withdraw a {Kind.Name()} (kept in the database, removed from matching)");
        return group;
    }

    private Results<Ok<PageResponse<T>>, ValidationProblem> ListRecords([AsParameters] ListParameters parameters, RecordStore store, CandidateRetriever retriever)
    {
        ListQuery query;
        try { query = parameters.ToQuery(); }
        catch (ArgumentException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = [e.Message] }); }
        var pageSize = Math.Clamp(query.PageSize, 1, ListQuery.MaxPageSize);
        if (string.IsNullOrWhiteSpace(parameters.Q) || Kind == RecordKind.Organisation)
        {
            Page<T> page;
            try { page = List(store, query); }
            catch (ArgumentException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sort"] = [e.Message] }); }
            return TypedResults.Ok(new PageResponse<T>(page.Items.Select(View).ToList(), page.PageNumber, page.PageSize, page.Total));
        }
        if (parameters.Q.Length > 500) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["q is over 500 characters"] });
        // Text search ranks by BM25 over the index; paging walks that ranking.
        var hits = retriever.Search(parameters.Q, Kind, 200, withSnippets: 0).Select(c => c.Id).ToList();
        var records = Get(store, hits).ToDictionary(IdOf);
        var ranked = hits.Where(records.ContainsKey).Select(id => records[id]).ToList();
        var pageNumber = Math.Max(1, query.Page);
        var items = ranked.Skip((pageNumber - 1) * pageSize).Take(pageSize).Select(View).ToList();
        return TypedResults.Ok(new PageResponse<T>(items, pageNumber, pageSize, ranked.Count));
    }

    private Results<Ok<T>, NotFound<ProblemDetails>> GetOne(string id, RecordStore store) =>
        Get(store, [id]).FirstOrDefault() is { } record
            ? TypedResults.Ok(View(record))
            : TypedResults.NotFound(NotFoundProblem(id));

    private Results<Created<T>, ValidationProblem, Conflict<ProblemDetails>> Create(JsonElement body, RecordStore store)
    {
        var (record, problem) = Validate(body, null, store);
        if (problem is not null) return problem;
        var id = IdOf(record!);
        if (Get(store, [id]).Count > 0)
            return TypedResults.Conflict(new ProblemDetails { Status = 409, Title = "Already exists", Detail = $"{Kind.Name()} {id} exists; PUT /api/v1/{Kind.Name()}s/{id} replaces it" });
        Save(store, record!);
        return TypedResults.Created($"/api/v1/{Kind.Name()}s/{Uri.EscapeDataString(id)}", View(Get(store, [id])[0]));
    }

    private Results<Ok<T>, Created<T>, ValidationProblem> Update(string id, JsonElement body, RecordStore store)
    {
        var (record, problem) = Validate(body, id, store);
        if (problem is not null) return problem;
        var existed = Get(store, [id]).Count > 0;
        Save(store, record!);
        var saved = View(Get(store, [id])[0]);
        return existed ? TypedResults.Ok(saved) : TypedResults.Created($"/api/v1/{Kind.Name()}s/{Uri.EscapeDataString(id)}", saved);
    }

    private Results<NoContent, NotFound<ProblemDetails>> Withdraw(string id, RecordStore store)
    {
        using var writer = store.BeginWrite();
        if (!writer.SetStatus(Kind, id, RecordStatus.Withdrawn)) return TypedResults.NotFound(NotFoundProblem(id));
        writer.Commit();
        return TypedResults.NoContent();
    }

    private (T? Record, ValidationProblem? Problem) Validate(JsonElement body, string? routeId, RecordStore store)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, Invalid("body", "the body must be a JSON object"));
        T record;
        try
        {
            if (routeId is not null)
            {
                RowParser.ValidateId(routeId);
                if (body.TryGetProperty("id", out var given) && given.ValueKind == JsonValueKind.String && given.GetString() != routeId)
                    return (null, Invalid("id", $"the body's id '{RowParser.Printable(given.GetString()!)}' differs from the route's '{routeId}'"));
                body = WithId(body, routeId);
            }
            record = Parse(body);
        }
        catch (RowException e) { return (null, Invalid(e.Field ?? "body", e.Message)); }
        if (OrganisationOf(record) is { } reference)
        {
            var organisation = store.ResolveOrganisation(reference);
            if (organisation is null)
                return (null, Invalid("organisation", $"organisation '{RowParser.Printable(reference)}' is not known; create it with POST /api/v1/organisations first"));
            record = WithOrganisation(record, organisation);
        }
        return (record, null);
    }

    private void Save(RecordStore store, T record)
    {
        using var writer = store.BeginWrite();
        Upsert(writer, record);
        writer.Commit();
    }

    private static JsonElement WithId(JsonElement body, string id)
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body.GetRawText())!;
        map["id"] = JsonSerializer.SerializeToElement(id);
        return JsonSerializer.SerializeToElement(map);
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private ProblemDetails NotFoundProblem(string id) =>
        new() { Status = 404, Title = "Not found", Detail = $"no {Kind.Name()} with id '{RowParser.Printable(id)}'" };
}
