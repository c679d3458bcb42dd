using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matching.Engine.Records;

namespace Matching.Engine.Import;

/// <summary>
/// A stored record as an interchange-format JSON object (the fields <see cref="RowParser"/> reads, in its spellings),
/// and the merge of a row onto it. An import row and an API <c>PATCH</c> are JSON Merge Patches (RFC 7396) of the
/// stored record: a field the row leaves out keeps its stored value, a field set to <c>null</c> is cleared, any other
/// value replaces it (objects such as a budget merge member by member). Decision record 0014.
/// </summary>
public static class Interchange
{
    /// <summary>The record's fields as the interchange format spells them; empty fields are left out.</summary>
    public static JsonObject ToJson(object record)
    {
        var o = new JsonObject();
        void Add(string name, JsonNode? value)
        {
            if (value is not null) o[name] = value;
        }
        JsonNode? Text(string? s) => s is null ? null : JsonValue.Create(s);
        JsonNode? List(IReadOnlyList<string> items) => items.Count == 0 ? null : new JsonArray(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        JsonNode? Money(MoneyRange? range) => range is null ? null : new JsonObject { ["min"] = range.Min, ["max"] = range.Max };
        switch (record)
        {
            case Organisation r:
                Add("id", r.Id); Add("name", r.Name); Add("kind", Text(r.Kind)); Add("aliases", List(r.Aliases)); Add("parent", Text(r.Parent));
                Add("region", Text(r.Region)); Add("zone", Text(r.Zone));
                break;
            case ResearchResult r:
                Add("id", r.Id); Add("title", r.Title); Add("abstract", Text(r.Abstract)); Add("keywords", List(r.Keywords)); Add("organisation", Text(r.Organisation));
                Add("experts", List(r.Experts)); Add("industries", List(r.Industries)); Add("maturity", Text(r.Maturity)); Add("cooperation", List(r.Cooperation));
                Add("price", Money(r.Price)); Add("language", Text(r.Language)); Add("visibility", r.Visibility);
                break;
            case Expert r:
                Add("id", r.Id); Add("name", r.Name); Add("organisation", Text(r.Organisation)); Add("title", Text(r.Title)); Add("areas", List(r.Areas));
                Add("bio", Text(r.Bio)); Add("publicProfile", r.PublicProfile);
                break;
            case TechNeed r:
                Add("id", r.Id); Add("title", r.Title); Add("description", Text(r.Description)); Add("keywords", List(r.Keywords)); Add("organisation", Text(r.Organisation));
                Add("industries", List(r.Industries)); Add("zone", Text(r.Zone)); Add("maturity", Text(r.Maturity)); Add("cooperation", List(r.Cooperation));
                Add("budget", Money(r.Budget)); Add("deadline", Text(r.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                Add("visibility", r.Visibility); Add("language", Text(r.Language));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "not a record of the interchange format");
        }
        return o;
    }

    /// <summary>RFC 7396: <paramref name="patch"/> applied to <paramref name="target"/> (neither is changed).</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Object) return JsonNode.Parse(patch.GetRawText());
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var member in patch.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.Null) result.Remove(member.Name);
            else result[member.Name] = MergePatch(result[member.Name], member.Value);
        }
        return result;
    }

    /// <summary>The row merged onto the stored record (or the row itself when nothing is stored), as JSON to parse.</summary>
    public static JsonElement Merge(object? stored, JsonElement row) =>
        stored is null ? row : JsonSerializer.SerializeToElement(MergePatch(ToJson(stored), row));

    /// <summary>The interchange fields whose values differ between two versions of a record, in the format's order.</summary>
    public static IReadOnlyList<string> ChangedFields(object before, object after)
    {
        var (a, b) = (ToJson(before), ToJson(after));
        return a.Select(p => p.Key).Concat(b.Select(p => p.Key)).Distinct()
            .Where(name => !JsonNode.DeepEquals(a[name], b[name])).ToList();
    }
}
