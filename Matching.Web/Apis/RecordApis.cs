using System.Security.Claims;
using System.Text.Json;
using Matching.Engine.Accounts;
using Matching.Web.Accounts;
using Matching.Engine.Candidates;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Web.Apis;

/// <summary>
/// The list / get / create / update / withdraw endpoints that results, needs, experts and organisations share.
/// Bodies use the interchange format and go through the same validation as a file import. Reads apply the caller's
/// visibility rules (<see cref="Viewer"/>); writes need a role that may publish the kind (<see cref="Viewer.MayPublish"/>)
/// and touch only the caller's organisation's records, unless the caller is an administrator. A record posted without
/// an organisation by a member of one is theirs.
/// </summary>
internal sealed record RecordApi<T>(
    RecordKind Kind,
    Func<JsonElement, T> Parse,
    Func<T, string> IdOf,
    Func<RecordStore, IReadOnlyCollection<string>, IReadOnlyList<T>> Get,
    Func<RecordStore, ListQuery, Page<T>> List,
    Action<RecordWriter, T> Upsert,
    Func<Viewer, T, T?> View,
    Func<T, string?> OrganisationOf,
    Func<T, string, T> WithOrganisation,
    Func<CandidateRetriever, string, IReadOnlyCollection<string>, ISet<string>>? TitleMatches = null) where T : class
{
    /// <summary>Largest JSON body for one record.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public RouteGroupBuilder Map(RouteGroupBuilder group)
    {
        group.MapGet("/", ListRecords).WithSummary($"List {Kind.Name()}s with paging, sorting, filters and optional text search (q)");
        group.MapGet("/{id}", GetOne).WithSummary($"Get one {Kind.Name()} by external id");
        group.MapPost("/", Create).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithSummary($"Create a {Kind.Name()} (interchange format)");
        group.MapPut("/{id}", Update).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithSummary($"Create or replace a {Kind.Name()}");
        group.MapPatch("/{id}", Patch).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .WithSummary($"Change some fields of a {Kind.Name()} (JSON Merge Patch, RFC 7396: a field left out keeps its value, null clears it)");
        group.MapDelete("/{id}", Withdraw).WithSummary($"Withdraw a {Kind.Name()} (kept in the database, removed from matching)");
        return group;
    }

    private Results<Ok<PageResponse<T>>, ValidationProblem> ListRecords([AsParameters] ListParameters parameters, ClaimsPrincipal user, RecordStore store, CandidateRetriever retriever)
    {
        var viewer = user.ToViewer();
        ListQuery query;
        try { query = parameters.ToQuery() with { Viewer = viewer }; }
        catch (ArgumentException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = [e.Message] }); }
        var pageSize = Math.Clamp(query.PageSize, 1, ListQuery.MaxPageSize);
        if (string.IsNullOrWhiteSpace(parameters.Q) || Kind == RecordKind.Organisation)
        {
            Page<T> page;
            try { page = List(store, query); }
            catch (ArgumentException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sort"] = [e.Message] }); }
            return TypedResults.Ok(new PageResponse<T>(page.Items.Select(r => View(viewer, r)).OfType<T>().ToList(), page.PageNumber, page.PageSize, page.Total));
        }
        if (parameters.Q.Length > Pages.Display.MaxQueryLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = [$"q is over {Pages.Display.MaxQueryLength:N0} characters"] });
        // Text search ranks by BM25 over the index; paging walks that ranking.
        var hits = retriever.Search(parameters.Q, Kind, 200, withSnippets: 0).Select(c => c.Id).ToList();
        var records = Get(store, hits).Select(r => (Record: r, Shown: View(viewer, r))).Where(x => x.Shown is not null).ToDictionary(x => IdOf(x.Record));
        // A record seen by its public fields only is found by those (its title), never by its hidden text.
        var partial = records.Values.Where(x => !ReferenceEquals(x.Record, x.Shown)).Select(x => IdOf(x.Record)).ToList();
        var byTitle = partial.Count > 0 && TitleMatches is not null ? TitleMatches(retriever, parameters.Q, partial) : new HashSet<string>();
        var ranked = hits.Where(id => records.ContainsKey(id) && (ReferenceEquals(records[id].Record, records[id].Shown) || byTitle.Contains(id)))
            .Select(id => records[id].Shown!).ToList();
        var pageNumber = Math.Max(1, query.Page);
        var items = ranked.Skip((pageNumber - 1) * pageSize).Take(pageSize).ToList();
        return TypedResults.Ok(new PageResponse<T>(items, pageNumber, pageSize, ranked.Count));
    }

    private Results<Ok<T>, NotFound<ProblemDetails>> GetOne(string id, ClaimsPrincipal user, RecordStore store, AuditLog audit)
    {
        var viewer = user.ToViewer();
        if (Get(store, [id]).FirstOrDefault() is not { } record || View(viewer, record) is not { } shown) return TypedResults.NotFound(NotFoundProblem(id));
        // Reading a need that is not public in full is on the audit log (PIPL).
        if (record is TechNeed { Visibility: not "public" } need && viewer.SeesInFull(need)) audit.Record(viewer, AuditLog.Viewed, RecordKind.Need, need.Id, "api");
        return TypedResults.Ok(shown);
    }

    private Results<Created<T>, ValidationProblem, Conflict<ProblemDetails>, ProblemHttpResult> Create(JsonElement body, ClaimsPrincipal user, RecordStore store)
    {
        var viewer = user.ToViewer();
        if (!viewer.MayPublish(Kind)) return Forbidden($"your role cannot publish {Kind.Name()}s");
        var (record, problem) = Validate(body, null, store, viewer);
        if (problem is not null) return problem;
        if (!viewer.MayEdit(OwnerOf(record!))) return Forbidden($"you may publish {Kind.Name()}s only for your own organisation");
        if (ForeignExperts(record!, store, viewer) is { } foreignExperts) return Forbidden(foreignExperts);
        var id = IdOf(record!);
        if (Get(store, [id]).Count > 0)
            return TypedResults.Conflict(new ProblemDetails { Status = 409, Title = "Already exists", Detail = $"{Kind.Name()} {id} exists; PUT /api/v1/{Kind.Name()}s/{id} replaces it" });
        Save(store, record!);
        return TypedResults.Created($"/api/v1/{Kind.Name()}s/{Uri.EscapeDataString(id)}", View(viewer, Get(store, [id])[0]));
    }

    private Results<Ok<T>, Created<T>, ValidationProblem, ProblemHttpResult> Update(string id, JsonElement body, ClaimsPrincipal user, RecordStore store)
    {
        var viewer = user.ToViewer();
        if (!viewer.MayPublish(Kind)) return Forbidden($"your role cannot publish {Kind.Name()}s");
        var existing = id.Length <= ImportLimits.Id ? Get(store, [id]).FirstOrDefault() : null;
        // Someone else's record is refused before its body is read, so the answer says nothing about the body.
        if (existing is not null && !viewer.MayEdit(OwnerOf(existing)))
            return Forbidden($"{Kind.Name()} '{RowParser.Printable(id)}' belongs to another organisation");
        var (record, problem) = Validate(body, id, store, viewer);
        if (problem is not null) return problem;
        if (!viewer.MayEdit(OwnerOf(record!))) return Forbidden($"you may publish {Kind.Name()}s only for your own organisation");
        if (ForeignExperts(record!, store, viewer) is { } foreignExperts) return Forbidden(foreignExperts);
        Save(store, record!);
        var saved = View(viewer, Get(store, [id])[0]);
        return existing is not null ? TypedResults.Ok(saved) : TypedResults.Created($"/api/v1/{Kind.Name()}s/{Uri.EscapeDataString(id)}", saved);
    }

    private Results<Ok<T>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult> Patch(string id, JsonElement body, ClaimsPrincipal user, RecordStore store)
    {
        var viewer = user.ToViewer();
        if (!viewer.MayPublish(Kind)) return Forbidden($"your role cannot publish {Kind.Name()}s");
        if (id.Length > ImportLimits.Id || Get(store, [id]).FirstOrDefault() is not { } existing || View(viewer, existing) is null)
            return TypedResults.NotFound(NotFoundProblem(id));
        if (!viewer.MayEdit(OwnerOf(existing))) return Forbidden($"{Kind.Name()} '{RowParser.Printable(id)}' belongs to another organisation");
        if (body.ValueKind != JsonValueKind.Object) return Invalid("body", "a merge patch is a JSON object");
        // The same merge as a re-imported row: what the patch leaves out keeps its stored value.
        var (record, problem) = Validate(Interchange.Merge(existing, body), id, store, viewer);
        if (problem is not null) return problem;
        if (!viewer.MayEdit(OwnerOf(record!))) return Forbidden($"you may publish {Kind.Name()}s only for your own organisation");
        if (ForeignExperts(record!, store, viewer) is { } foreignExperts) return Forbidden(foreignExperts);
        Save(store, record!);
        return TypedResults.Ok(View(viewer, Get(store, [id])[0])!);
    }

    private Results<NoContent, NotFound<ProblemDetails>, ProblemHttpResult> Withdraw(string id, ClaimsPrincipal user, RecordStore store)
    {
        var viewer = user.ToViewer();
        var existing = Get(store, [id]).FirstOrDefault();
        if (existing is null || View(viewer, existing) is null) return TypedResults.NotFound(NotFoundProblem(id));
        if (!viewer.MayEdit(OwnerOf(existing)))
            return Forbidden($"{Kind.Name()} '{RowParser.Printable(id)}' belongs to another organisation");
        using var writer = store.BeginWrite();
        if (!writer.SetStatus(Kind, id, RecordStatus.Withdrawn)) return TypedResults.NotFound(NotFoundProblem(id));
        writer.Commit();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A result names only its own organisation's experts (another's expert would gain a result on their profile), unless
    /// an administrator writes it; null when it is fine.
    /// </summary>
    private static string? ForeignExperts(T record, RecordStore store, Viewer viewer)
    {
        if (viewer.IsAdmin || record is not ResearchResult { Experts.Count: > 0 } result) return null;
        var foreign = store.OrganisationsOf(RecordKind.Expert, result.Experts).Where(e => e.Value != result.Organisation).Select(e => e.Key).ToList();
        return foreign.Count == 0 ? null : $"expert(s) {string.Join(", ", foreign.Take(5).Select(RowParser.Printable))} belong to another organisation";
    }

    /// <summary>The organisation a record belongs to: its own id for an organisation.</summary>
    private string? OwnerOf(T record) => Kind == RecordKind.Organisation ? IdOf(record) : OrganisationOf(record);

    private static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: detail);

    private (T? Record, ValidationProblem? Problem) Validate(JsonElement body, string? routeId, RecordStore store, Viewer viewer)
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
        catch (RowException e) { return (null, Invalid(e.Field ?? "body", Text.T(e.Reason))); }
        if (OrganisationOf(record) is { } reference)
        {
            var organisation = store.ResolveOrganisation(reference);
            if (organisation is null)
                return (null, Invalid("organisation", $"organisation '{RowParser.Printable(reference)}' is not known; create it with POST /api/v1/organisations first"));
            record = WithOrganisation(record, organisation);
        }
        else if (Kind != RecordKind.Organisation && viewer.OrganisationId is { } own)
            record = WithOrganisation(record, own);
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
