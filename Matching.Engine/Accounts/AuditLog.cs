using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>One audit entry: who (a user or key), did what, to which record, when.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string RecordKind, string RecordId, string? Detail);

/// <summary>
/// The audit log PIPL asks for: who viewed or exported a need that is not public, who exported or erased a
/// person's data; and what administrators changed (accounts, keys, organisations, models, the taxonomy).
/// Entries are only ever added.
/// </summary>
public sealed class AuditLog(MatchingDatabase database)
{
    public const string Viewed = "view", Exported = "export", Erased = "erase";

    /// <summary>Administrators' actions.</summary>
    public const string Created = "create", Changed = "change", Deleted = "delete", Locked = "lock", Unlocked = "unlock",
        PasswordReset = "reset-password", Issued = "issue", Revoked = "revoke", Merged = "merge", Promoted = "promote",
        RolledBack = "rollback", RetrainRequested = "retrain";

    /// <summary>What an entry is about when it is not a record: a user, an API key, a model version, a taxonomy file.</summary>
    public const string UserKind = "user", KeyKind = "api-key", ModelKind = "model", TaxonomyKind = "taxonomy";

    public void Record(Viewer viewer, string action, RecordKind kind, string recordId, string? detail = null) =>
        Record(viewer, action, kind.Name(), recordId, detail);

    /// <summary>An entry about something other than a record (<see cref="UserKind"/>, <see cref="TaxonomyKind"/>, …).</summary>
    public void Record(Viewer viewer, string action, string kind, string recordId, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        using var c = database.Open();
        c.Execute("INSERT INTO audit_log (at, actor, action, record_kind, record_id, detail) VALUES (@at, @actor, @action, @kind, @recordId, @detail)",
            new { at = Rows.Now(), actor = viewer.Actor, action, kind, recordId, detail });
    }

    /// <summary>A record's entries, newest first.</summary>
    public IReadOnlyList<AuditEntry> For(RecordKind kind, string recordId) => For(kind.Name(), recordId);

    /// <summary>The entries about one thing, newest first.</summary>
    public IReadOnlyList<AuditEntry> For(string kind, string recordId) =>
        Query("WHERE record_kind = @kind AND record_id = @recordId", new { kind, recordId }, 1000);

    public IReadOnlyList<AuditEntry> Recent(int limit = 200) => Query("", new { }, Math.Clamp(limit, 1, 5000));

    private IReadOnlyList<AuditEntry> Query(string where, object args, int limit)
    {
        using var c = database.Open();
        return c.Query<(long Id, string At, string Actor, string Action, string Kind, string RecordId, string? Detail)>(
                $"SELECT id, at, actor, action, record_kind, record_id, detail FROM audit_log {where} ORDER BY id DESC LIMIT {limit}", args)
            .Select(r => new AuditEntry(r.Id, Rows.Time(r.At) ?? DateTimeOffset.MinValue, r.Actor, r.Action, r.Kind, r.RecordId, r.Detail)).ToList();
    }
}
