using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>One audit entry: who (a user or key), did what, to which record, when.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string RecordKind, string RecordId, string? Detail);

/// <summary>
/// The audit log PIPL asks for: who viewed or exported a need that is not public, who exported or erased a
/// person's data. Entries are only ever added.
/// </summary>
public sealed class AuditLog(MatchingDatabase database)
{
    public const string Viewed = "view", Exported = "export", Erased = "erase";

    public void Record(Viewer viewer, string action, RecordKind kind, string recordId, string? detail = null)
    {
        using var c = database.Open();
        c.Execute("INSERT INTO audit_log (at, actor, action, record_kind, record_id, detail) VALUES (@at, @actor, @action, @kind, @recordId, @detail)",
            new { at = Rows.Now(), actor = viewer.Actor, action, kind = kind.Name(), recordId, detail });
    }

    /// <summary>A record's entries, newest first.</summary>
    public IReadOnlyList<AuditEntry> For(RecordKind kind, string recordId) =>
        Query("WHERE record_kind = @kind AND record_id = @recordId", new { kind = kind.Name(), recordId }, 1000);

    public IReadOnlyList<AuditEntry> Recent(int limit = 200) => Query("", new { }, Math.Clamp(limit, 1, 5000));

    private IReadOnlyList<AuditEntry> Query(string where, object args, int limit)
    {
        using var c = database.Open();
        return c.Query<(long Id, string At, string Actor, string Action, string Kind, string RecordId, string? Detail)>(
                $"SELECT id, at, actor, action, record_kind, record_id, detail FROM audit_log {where} ORDER BY id DESC LIMIT {limit}", args)
            .Select(r => new AuditEntry(r.Id, Rows.Time(r.At) ?? DateTimeOffset.MinValue, r.Actor, r.Action, r.Kind, r.RecordId, r.Detail)).ToList();
    }
}
