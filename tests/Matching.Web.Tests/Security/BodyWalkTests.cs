using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Engine.Accounts;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Web.Tests.Security;

/// <summary>
/// The <c>{}</c>-body walk: every POST, PUT and PATCH endpoint of the JSON API (enumerated from the app's endpoints,
/// so a new one cannot be forgotten) gets bodies a careless or hostile client sends — empty objects, <c>null</c>,
/// the wrong JSON kind, each field with the wrong type or null, oversized strings and numbers, too many items — as
/// an organiser and as a participant, and never answers 5xx; a refusal is ProblemDetails. Routes are filled with
/// records this test makes, so the walk changes nothing another test reads.
/// </summary>
[Collection(WebCollection.Name)]
public class BodyWalkTests(MatchingWebFactory factory)
{
    private const string Event = "walk-event", Need = "n-walk-01", Result = "r-walk-01", Expert = "e-walk-01";

    [Fact]
    public async Task EveryJsonEndpoint_RefusesBadBodiesWithProblemDetails_NeverA500()
    {
        using var admin = factory.AdminClient();
        var organisation = await OwnRecords(admin);
        using var participant = factory.ClientWithKey(Roles.Enterprise, organisation);

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH") == true)
            .ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} write endpoints found");

        var failures = new List<string>();
        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            var path = Fill(endpoint.RoutePattern);
            var bodyType = BodyType(endpoint);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Where(m => m is "POST" or "PUT" or "PATCH"))
                foreach (var (label, body) in Bodies(bodyType))
                    foreach (var client in new[] { admin, participant })
                    {
                        using var response = await WithinTheAllowance(client, method, path, body);
                        sent++;
                        var who = ReferenceEquals(client, admin) ? "organiser" : "participant";
                        var status = (int)response.StatusCode;
                        if (status >= 500)
                            failures.Add($"{method} {path} [{label}] as {who}: {status} {Shorten(await response.Content.ReadAsStringAsync())}");
                        else if (status is >= 400 and not 404 and not 429 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                            failures.Add($"{method} {path} [{label}] as {who}: {status} without ProblemDetails ({response.Content.Headers.ContentType?.MediaType ?? "no body"})");
                    }
        }
        Assert.True(sent > 300, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers:\n" + string.Join("\n", failures.Take(60)));
    }

    [Fact]
    public async Task AnEmptyRequestOrAnswer_NamesTheMissingFields()
    {
        using var admin = factory.AdminClient();
        await OwnRecords(admin);
        foreach (var path in new[] { $"/api/v1/events/{Event}/requests", $"/api/v1/events/{Event}/meetings/respond" })
        {
            var response = await admin.PostAsJsonAsync(path, new { });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Contains("enterprise", fields);
            Assert.Contains("offerId", fields);
        }
    }

    /// <summary>An event, an enterprise, a need, a result and an expert of the test's own; the enterprise's id.</summary>
    private static async Task<string> OwnRecords(HttpClient admin)
    {
        const string enterprise = "org-walk-enterprise", university = "org-walk-university";
        await admin.PutAsJsonAsync($"/api/v1/organisations/{enterprise}", new { id = enterprise, name = "走查测试企业", kind = "enterprise" });
        await admin.PutAsJsonAsync($"/api/v1/organisations/{university}", new { id = university, name = "走查测试大学", kind = "university" });
        await admin.PutAsJsonAsync($"/api/v1/experts/{Expert}", new { id = Expert, name = "走查专家", organisation = university, areas = new[] { "柔性显示" }, consent = true });
        await admin.PutAsJsonAsync($"/api/v1/results/{Result}", new { id = Result, title = "柔性盖板走查成果", @abstract = "耐弯折的透明聚酰亚胺盖板。", organisation = university, experts = new[] { Expert } });
        await admin.PutAsJsonAsync($"/api/v1/needs/{Need}", new { id = Need, title = "柔性盖板耐弯折需求", description = "折叠屏盖板需要耐弯折。", organisation = enterprise });
        await admin.PostAsJsonAsync("/api/v1/events", new { id = Event, name = "走查活动", startsAt = "2026-12-20T09:00:00" });
        await admin.PostAsJsonAsync($"/api/v1/events/{Event}/participants", new
        {
            participants = new[] { new { kind = "enterprise", id = enterprise }, new { kind = "result", id = Result }, new { kind = "expert", id = Expert } },
        });
        return enterprise;
    }

    /// <summary>The type an endpoint reads from its body, from the handler's parameters; null when it reads none.</summary>
    private static Type? BodyType(RouteEndpoint endpoint)
    {
        var method = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
        if (method is null) return null;
        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return method.GetParameters().Where(p => !routeNames.Contains(p.Name!)).Select(p => p.ParameterType).FirstOrDefault(IsBody);

        static bool IsBody(Type type) =>
            type == typeof(JsonElement)
            || (type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Matching.", StringComparison.Ordinal) == true && !type.Name.EndsWith("Store")
                && type.GetConstructors().Any(c => c.GetParameters().Length > 0) && type.GetProperties().Length > 0 && IsRecord(type))
            || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>));

        static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
    }

    /// <summary>Bodies to send: a label and the JSON text.</summary>
    private static IEnumerable<(string Label, string Json)> Bodies(Type? type)
    {
        yield return ("{}", "{}");
        yield return ("null", "null");
        yield return ("[]", "[]");
        yield return ("string", "\"x\"");
        yield return ("number", "42");
        yield return ("broken", "{\"id\":");
        var element = type is { IsGenericType: true } && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : type;
        var fields = element is null || element == typeof(JsonElement) ? InterchangeFields() : Fields(element);
        var isList = element != type;

        string Wrap(JsonNode node) => isList ? new JsonArray(node).ToJsonString() : node.ToJsonString();
        var wrong = new JsonObject();
        var nulls = new JsonObject();
        var huge = new JsonObject();
        foreach (var (name, kind) in fields)
        {
            wrong[name] = kind == FieldKind.Text ? JsonValue.Create(12345) : JsonValue.Create("not-a-" + kind.ToString().ToLowerInvariant());
            nulls[name] = null;
            huge[name] = kind switch
            {
                FieldKind.Text => JsonValue.Create(new string('x', 25_000)),
                FieldKind.Number => JsonValue.Create(1e308),
                FieldKind.Integer => JsonValue.Create(long.MaxValue),
                FieldKind.List => new JsonArray(Enumerable.Range(0, 300).Select(i => (JsonNode?)JsonValue.Create("x" + i)).ToArray()),
                FieldKind.Date => JsonValue.Create("9999-12-31T23:59:59"),
                _ => JsonValue.Create(true),
            };
        }
        yield return ("wrong types", Wrap(wrong));
        yield return ("nulls", Wrap(nulls));
        yield return ("huge values", Wrap(huge));
        if (isList)
        {
            yield return ("[null]", "[null]");
            yield return ("too many items", "[" + string.Join(",", Enumerable.Repeat("{}", 10_001)) + "]");
        }
    }

    private enum FieldKind { Text, Number, Integer, Boolean, Date, List, Object }

    /// <summary>The JSON fields a record type reads (camel case) and what kind each is.</summary>
    private static IEnumerable<(string Name, FieldKind Kind)> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.SetMethod is not null || true)
            .Where(p => p.Name != "EqualityContract")
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), KindOf(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)));

    private static FieldKind KindOf(Type type) =>
        type == typeof(string) ? FieldKind.Text
        : type == typeof(bool) ? FieldKind.Boolean
        : type == typeof(int) || type == typeof(long) ? FieldKind.Integer
        : type == typeof(double) || type == typeof(decimal) || type == typeof(float) ? FieldKind.Number
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) ? FieldKind.Date
        : typeof(IEnumerable).IsAssignableFrom(type) ? FieldKind.List
        : FieldKind.Object;

    /// <summary>The interchange format's fields, for endpoints that read a record as raw JSON.</summary>
    private static IEnumerable<(string, FieldKind)> InterchangeFields() =>
    [
        ("id", FieldKind.Text), ("title", FieldKind.Text), ("name", FieldKind.Text), ("abstract", FieldKind.Text), ("description", FieldKind.Text),
        ("bio", FieldKind.Text), ("organisation", FieldKind.Text), ("kind", FieldKind.Text), ("visibility", FieldKind.Text), ("maturity", FieldKind.Text),
        ("keywords", FieldKind.List), ("industries", FieldKind.List), ("experts", FieldKind.List), ("areas", FieldKind.List), ("aliases", FieldKind.List),
        ("cooperation", FieldKind.List), ("budget", FieldKind.Object), ("price", FieldKind.Object), ("deadline", FieldKind.Date), ("consent", FieldKind.Boolean),
        ("region", FieldKind.Text), ("zone", FieldKind.Text), ("updated", FieldKind.Date),
    ];

    private static string Fill(RoutePattern pattern)
    {
        var raw = pattern.RawText!.TrimStart('/');
        var recordId = raw.StartsWith("api/v1/events") ? Event
            : raw.StartsWith("api/v1/needs") ? Need
            : raw.StartsWith("api/v1/results") ? Result
            : raw.StartsWith("api/v1/experts") ? Expert
            : raw.StartsWith("api/v1/organisations") ? "org-walk-enterprise" : "x";
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart { Name: "id" } => recordId,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content?.StartsWith("long") == true || p.Content?.StartsWith("int") == true) => "1",
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content?.Contains("accept") == true) => "accept",
            _ => "x",
        })));
        return "/" + string.Join("/", segments);
    }

    private static async Task<HttpResponseMessage> WithinTheAllowance(HttpClient client, string method, string path, string body)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 20) return response;
            response.Dispose();
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
