using System.Globalization;
using System.Text.Json;
using Matching.Engine.Messages;
using Matching.Engine.Records;

namespace Matching.Engine.Import;

/// <summary>A row that breaks a rule; the import rejects the row and reports the field and the reason.</summary>
public sealed class RowException(string? field, Message reason) : Exception(reason.Render(Messages.Message.English))
{
    public string? Field { get; } = field;
    public Message Reason { get; } = reason;
}

/// <summary>
/// Turns one JSON object of the interchange format into a record, validating as it goes. Only id and a title
/// (a name for organisations and experts) are required; everything else may be missing. Text is kept verbatim:
/// HTML in it is stored as text and encoded wherever it is shown.
/// </summary>
public static class RowParser
{
    public static Organisation Organisation(JsonElement o) => new()
    {
        Id = Id(o),
        Name = Text(o, "name", ImportLimits.Name, required: true)!,
        Kind = Choice(o, "kind", Vocabulary.OrganisationKinds),
        Aliases = List(o, "aliases", ImportLimits.ListItems, ImportLimits.Name),
        Parent = Text(o, "parent", ImportLimits.Id),
        Region = Text(o, "region", ImportLimits.ShortText),
        Zone = Text(o, "zone", ImportLimits.ShortText),
    };

    public static ResearchResult Result(JsonElement o) => new()
    {
        Id = Id(o),
        Title = Text(o, "title", ImportLimits.Title, required: true)!,
        Abstract = Text(o, "abstract", ImportLimits.LongText),
        Keywords = List(o, "keywords", ImportLimits.ListItems, ImportLimits.ListItemLength),
        Organisation = Text(o, "organisation", ImportLimits.Name),
        Experts = List(o, "experts", ImportLimits.Experts, ImportLimits.Id),
        Industries = List(o, "industries", ImportLimits.ListItems, ImportLimits.ListItemLength),
        Maturity = Maturity(o),
        Cooperation = Cooperation(o),
        Price = Money(o, "price"),
        Language = Text(o, "language", 16),
        Visibility = Choice(o, "visibility", ["public", "summary", "organisers"]) ?? "public",
    };

    public static Expert Expert(JsonElement o) => new()
    {
        Id = Id(o),
        Name = Text(o, "name", ImportLimits.Name, required: true)!,
        Organisation = Text(o, "organisation", ImportLimits.Name),
        Title = Text(o, "title", ImportLimits.ShortText),
        Areas = List(o, "areas", ImportLimits.ListItems, ImportLimits.ListItemLength),
        Bio = Text(o, "bio", ImportLimits.Bio),
        PublicProfile = Flag(o, "publicProfile"),
    };

    public static TechNeed Need(JsonElement o) => new()
    {
        Id = Id(o),
        Title = Text(o, "title", ImportLimits.Title, required: true)!,
        Description = Text(o, "description", ImportLimits.LongText),
        Keywords = List(o, "keywords", ImportLimits.ListItems, ImportLimits.ListItemLength),
        Organisation = Text(o, "organisation", ImportLimits.Name),
        Industries = List(o, "industries", ImportLimits.ListItems, ImportLimits.ListItemLength),
        Zone = Text(o, "zone", ImportLimits.ShortText),
        Maturity = Maturity(o),
        Cooperation = Cooperation(o),
        Budget = Money(o, "budget"),
        Deadline = Date(o, "deadline"),
        Visibility = Choice(o, "visibility", Vocabulary.Visibilities) ?? "public",
        Language = Text(o, "language", 16),
    };

    /// <summary>Validates an external id: required, at most 128 characters, nothing that breaks a URL path or a TSV file.</summary>
    public static string ValidateId(string? id, string field = "id")
    {
        if (string.IsNullOrWhiteSpace(id)) throw new RowException(field, Message.Of("Import.Required", field));
        id = id.Trim();
        if (id.Length > ImportLimits.Id) throw new RowException(field, Message.Of("Import.TooLong", field, id.Length, ImportLimits.Id));
        foreach (var c in id)
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or '\\' or '?' or '#' or '%' or '"' or '<' or '>')
                throw new RowException(field, Message.Of("Import.BadIdCharacter", field, Printable(id), Printable(c.ToString()), "/ \\ ? # % \" < >"));
        return id;
    }

    private static string Id(JsonElement o)
    {
        if (!o.TryGetProperty("id", out var v) || v.ValueKind == JsonValueKind.Null) throw new RowException("id", Message.Of("Import.Required", "id"));
        var id = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new RowException("id", Message.Of("Import.NotText", "id", Kind(v))),
        };
        return ValidateId(id);
    }

    private static string? Text(JsonElement o, string field, int max, bool required = false)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new RowException(field, Message.Of("Import.Required", field)) : null;
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new RowException(field, Message.Of("Import.NotText", field, Kind(v))),
        };
        if (s.Length == 0) return required ? throw new RowException(field, Message.Of("Import.Empty", field)) : null;
        if (s.Length > max) throw new RowException(field, Message.Of("Import.TooLong", field, s.Length, max));
        return s;
    }

    private static IReadOnlyList<string> List(JsonElement o, string field, int maxItems, int maxLength)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        IEnumerable<string> items = v.ValueKind switch
        {
            JsonValueKind.Array => v.EnumerateArray().Select(e => e.ValueKind switch
            {
                JsonValueKind.String => e.GetString()!,
                JsonValueKind.Number => e.GetRawText(),
                _ => throw new RowException(field, Message.Of("Import.ItemNotText", field, Kind(e))),
            }),
            // A single string is accepted as a list separated by Chinese or Latin commas, semicolons or 、.
            JsonValueKind.String => v.GetString()!.Split([',', '，', ';', '；', '、'], StringSplitOptions.None),
            _ => throw new RowException(field, Message.Of("Import.NotList", field, Kind(v))),
        };
        var list = items.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        if (list.Count > maxItems) throw new RowException(field, Message.Of("Import.TooManyItems", field, list.Count, maxItems));
        var tooLong = list.FirstOrDefault(s => s.Length > maxLength);
        if (tooLong is not null) throw new RowException(field, Message.Of("Import.ItemTooLong", field, tooLong.Length, maxLength));
        return list;
    }

    /// <summary>A true/false field; missing or null is false.</summary>
    private static bool Flag(JsonElement o, string field) =>
        !o.TryGetProperty(field, out var value) ? false : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new RowException(field, Message.Of("Import.NotFlag", field, "true", "false")),
        };

    private static string? Choice(JsonElement o, string field, IReadOnlyList<string> allowed)
    {
        var s = Text(o, field, ImportLimits.ShortText);
        if (s is null) return null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new RowException(field, Message.Of("Import.NotOneOf", field, Printable(s), string.Join(", ", allowed)));
    }

    private static string? Maturity(JsonElement o)
    {
        var s = Text(o, "maturity", ImportLimits.ShortText);
        if (s is null) return null;
        return Vocabulary.NormaliseMaturity(s)
            ?? throw new RowException("maturity", Message.Of("Import.BadMaturity", Printable(s), string.Join(", ", Vocabulary.Maturities), "TRL 1–9"));
    }

    private static IReadOnlyList<string> Cooperation(JsonElement o)
    {
        var modes = List(o, "cooperation", ImportLimits.ListItems, ImportLimits.ListItemLength);
        return modes.Select(m => Vocabulary.NormaliseCooperation(m)
                ?? throw new RowException("cooperation", Message.Of("Import.BadCooperation", Printable(m), string.Join(", ", Vocabulary.CooperationModes))))
            .Distinct().ToList();
    }

    private static MoneyRange? Money(JsonElement o, string field)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) throw new RowException(field, Message.Of("Import.MoneyNotObject", field, Kind(v), "{\"min\", \"max\"}"));
        decimal? End(string name)
        {
            if (!v.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            decimal value;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d)) value = d;
            else if (e.ValueKind == JsonValueKind.String && decimal.TryParse(e.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var p)) value = p;
            else throw new RowException(field, Message.Of("Import.NotNumber", $"{field}.{name}"));
            if (value < 0 || value > ImportLimits.MaxMoney) throw new RowException(field, Message.Of("Import.MoneyRange", $"{field}.{name}", ImportLimits.MaxMoney));
            return value;
        }
        var range = new MoneyRange(End("min"), End("max"));
        if (range.Min > range.Max) throw new RowException(field, Message.Of("Import.MinAboveMax", $"{field}.min", range.Min, $"{field}.max", range.Max));
        return range.IsEmpty ? null : range;
    }

    private static DateOnly? Date(JsonElement o, string field)
    {
        var s = Text(o, field, 32);
        if (s is null) return null;
        if (DateOnly.TryParseExact(s, ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-M-d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return DateOnly.FromDateTime(t.Date);
        throw new RowException(field, Message.Of("Import.NotDate", field, Printable(s), "yyyy-MM-dd"));
    }

    private static string Kind(JsonElement v) => v.ValueKind.ToString().ToLowerInvariant();

    /// <summary>A short, control-character-free rendering of user text for messages.</summary>
    public static string Printable(string s)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 60 ? clean[..60] + "…" : clean;
    }
}
