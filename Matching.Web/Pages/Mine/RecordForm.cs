using System.Text.Json;
using Matching.Engine.Accounts;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Storage;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Matching.Web.Pages.Mine;

/// <summary>
/// What the publish forms share: list fields typed as text, the interchange row they make (so a form goes through the
/// same validation as the API and a file import), and saving under the viewer's organisation.
/// </summary>
public static class RecordForm
{
    private static readonly char[] Separators = [',', '，', '、', ';', '；', '\n', '\r'];

    /// <summary>"OLED、驱动芯片, 封装" → ["OLED", "驱动芯片", "封装"].</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    public static string Join(IEnumerable<string> items) => string.Join("、", items);

    /// <summary>A new record's id: its kind's letter and a random part (ids are stable once made).</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>
    /// Parses the row with the importer's rules; a broken rule becomes a model error on the form field it names
    /// (<paramref name="fields"/> maps row fields to form properties). Returns null when the row was refused.
    /// </summary>
    public static T? Parse<T>(Dictionary<string, object?> row, Func<JsonElement, T> parse, ModelStateDictionary state, IReadOnlyDictionary<string, string> fields) where T : class
    {
        try { return parse(JsonSerializer.SerializeToElement(row.Where(kv => kv.Value is not null).ToDictionary())); }
        catch (RowException e)
        {
            state.AddModelError(e.Field is not null && fields.TryGetValue(e.Field, out var property) ? property : "", Text.T(e.Reason));
            return null;
        }
    }

    /// <summary>
    /// The organisation a record of <paramref name="kind"/> the viewer publishes belongs to: the existing record's when
    /// they may edit it, else theirs; null when their role does not publish the kind or the record is not theirs.
    /// </summary>
    public static string? OwnerFor(Viewer viewer, RecordKind kind, string? existingOrganisation) =>
        !viewer.MayPublish(kind) ? null
        : existingOrganisation is not null ? (viewer.MayEdit(existingOrganisation) ? existingOrganisation : null)
        : viewer.OrganisationId;

    public static void Save(RecordStore store, Action<RecordWriter> write)
    {
        using var writer = store.BeginWrite();
        write(writer);
        writer.Commit();
    }
}
