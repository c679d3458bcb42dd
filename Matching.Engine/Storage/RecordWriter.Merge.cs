using Dapper;
using Matching.Engine.Accounts;
using Matching.Engine.Import;
using Matching.Engine.Records;
using Matching.Engine.Text;

namespace Matching.Engine.Storage;

/// <summary>What merging a duplicate organisation into its survivor moved.</summary>
public sealed record OrganisationMerge(
    string Survivor, string Duplicate, int Results, int Experts, int Needs, int Children, int Users, int Keys, IReadOnlyList<string> NewAliases, bool Withdrawn)
{
    /// <summary>False when the duplicate had been merged already, so nothing was written.</summary>
    public bool Changed => Results + Experts + Needs + Children + Users + Keys + NewAliases.Count > 0 || Withdrawn;
}

/// <summary>Why a merge was refused.</summary>
public enum MergeRefusal
{
    SameOrganisation,
    UnknownOrganisation,
    SurvivorNotActive,
    /// <summary>The two kinds' members hold different roles (an enterprise into a university).</summary>
    KindsDiffer,
    /// <summary>A user or live key of the duplicate holds a role the survivor's kind does not allow.</summary>
    MembersDoNotFit,
    TooManyAliases,
}

/// <summary>A merge that would break a rule; nothing was written. <see cref="Refusal"/> says which.</summary>
public sealed class MergeRefusedException(MergeRefusal refusal, string message) : InvalidOperationException(message)
{
    public MergeRefusal Refusal { get; } = refusal;
}

public sealed partial class RecordWriter
{
    /// <summary>
    /// Merges a duplicate organisation into a survivor, in this writer's transaction: the duplicate's results, experts
    /// and needs, its child organisations, users and API keys move to the survivor; its name and aliases become the
    /// survivor's aliases (so the old names resolve to the survivor); it is withdrawn. Every moved record is written to
    /// the change log, so the index and the match lists follow. Running it again finds nothing to move and writes nothing.
    /// </summary>
    /// <exception cref="MergeRefusedException">The merge would break a rule; nothing was written.</exception>
    public OrganisationMerge MergeOrganisation(string duplicateId, string survivorId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(duplicateId);
        ArgumentException.ThrowIfNullOrWhiteSpace(survivorId);
        if (duplicateId == survivorId) throw new MergeRefusedException(MergeRefusal.SameOrganisation, "an organisation cannot be merged into itself");
        var survivor = ReadOrganisation(survivorId) ?? throw new MergeRefusedException(MergeRefusal.UnknownOrganisation, $"no organisation '{survivorId}'");
        var duplicate = ReadOrganisation(duplicateId) ?? throw new MergeRefusedException(MergeRefusal.UnknownOrganisation, $"no organisation '{duplicateId}'");
        if (survivor.Status != RecordStatus.Active)
            throw new MergeRefusedException(MergeRefusal.SurvivorNotActive, $"{survivor.Name} is {survivor.Status}; merge into an active organisation");
        if (Roles.ForOrganisationKind(survivor.Kind) is { } kept && Roles.ForOrganisationKind(duplicate.Kind) is { } merged && kept != merged)
            throw new MergeRefusedException(MergeRefusal.KindsDiffer, $"{duplicate.Name} is {duplicate.Kind} and {survivor.Name} is {survivor.Kind}: their members have different roles");
        var misfits = _connection.Query<(string Name, string Role)>("""
            SELECT user_name, role FROM users WHERE organisation_id = @duplicateId
            UNION ALL SELECT name, role FROM api_keys WHERE organisation_id = @duplicateId AND revoked_at IS NULL
            """, new { duplicateId }, _tx).Where(m => !Roles.Fits(m.Role, survivor.Kind)).Select(m => m.Name).ToList();
        if (misfits.Count > 0)
            throw new MergeRefusedException(MergeRefusal.MembersDoNotFit, $"the roles of {string.Join(", ", misfits.Take(5))} do not fit a {survivor.Kind ?? "kindless"} organisation");

        // Every name of the duplicate that does not name the survivor yet.
        var known = survivor.Aliases.Prepend(survivor.Name).Select(OrganisationNames.Key).ToHashSet();
        var added = duplicate.Aliases.Prepend(duplicate.Name).Where(n => OrganisationNames.Key(n) is { Length: > 0 } key && known.Add(key)).ToList();
        if (survivor.Aliases.Count + added.Count > ImportLimits.ListItems)
            throw new MergeRefusedException(MergeRefusal.TooManyAliases, $"{survivor.Name} would have {survivor.Aliases.Count + added.Count} aliases; at most {ImportLimits.ListItems}");

        var results = MoveRecords(RecordKind.Result, duplicateId, survivorId);
        var experts = MoveRecords(RecordKind.Expert, duplicateId, survivorId);
        var needs = MoveRecords(RecordKind.Need, duplicateId, survivorId);
        var children = _connection.Query<string>("SELECT id FROM organisations WHERE parent_id = @duplicateId AND id <> @survivorId ORDER BY id",
            new { duplicateId, survivorId }, _tx).ToList();
        foreach (var child in children) Upsert(ReadOrganisation(child)! with { Parent = survivorId });
        // A survivor that was the duplicate's child takes its grandparent (never itself).
        var parent = survivor.Parent == duplicateId ? (duplicate.Parent == survivorId ? null : duplicate.Parent) : survivor.Parent;
        // The survivor is written before the duplicate is withdrawn: its upsert points the duplicate's names at it, also
        // those it had already (a name both carry may point at the duplicate, which was written last).
        var namesOfDuplicate = _connection.ExecuteScalar<long>("SELECT COUNT(*) FROM organisation_names WHERE organisation_id = @duplicateId", new { duplicateId }, _tx);
        if (added.Count > 0 || parent != survivor.Parent || namesOfDuplicate > 0)
            Upsert(survivor with { Aliases = [.. survivor.Aliases, .. added], Parent = parent });
        // Moved users and keys act for the survivor from their next request: their sessions end (a new security stamp)
        // and every process forgets what it held about them.
        var movedUsers = _connection.Query<string>("SELECT id FROM users WHERE organisation_id = @duplicateId", new { duplicateId }, _tx).ToList();
        var movedKeys = _connection.Query<string>("SELECT id FROM api_keys WHERE organisation_id = @duplicateId", new { duplicateId }, _tx).ToList();
        var users = _connection.Execute("UPDATE users SET organisation_id = @survivorId, security_stamp = @stamp WHERE organisation_id = @duplicateId",
            new { survivorId, duplicateId, stamp = Guid.NewGuid().ToString("N") }, _tx);
        var keys = _connection.Execute("UPDATE api_keys SET organisation_id = @survivorId WHERE organisation_id = @duplicateId", new { survivorId, duplicateId }, _tx);
        foreach (var id in movedUsers) Accounts.AccountCache.Record(_connection, _tx, Accounts.AccountCache.UserChange, id);
        foreach (var id in movedKeys) Accounts.AccountCache.Record(_connection, _tx, Accounts.AccountCache.KeyChange, id);
        var withdrawn = duplicate.Status != RecordStatus.Withdrawn && SetStatus(RecordKind.Organisation, duplicateId, RecordStatus.Withdrawn);
        return new OrganisationMerge(survivorId, duplicateId, results, experts, needs, children.Count, users, keys, added, withdrawn);
    }

    private Organisation? ReadOrganisation(string id) =>
        _connection.QueryFirstOrDefault<OrganisationRow>($"SELECT {OrganisationRow.Columns} FROM organisations WHERE id = @id", new { id }, _tx)?.ToRecord();

    /// <summary>Gives every record of a kind the duplicate owns to the survivor, each logged so the index re-reads it.</summary>
    private int MoveRecords(RecordKind kind, string duplicateId, string survivorId)
    {
        var table = RecordStore.Table(kind);
        var ids = _connection.Query<string>($"SELECT id FROM {table} WHERE organisation_id = @duplicateId ORDER BY id", new { duplicateId }, _tx).ToList();
        if (ids.Count == 0) return 0;
        _connection.Execute($"UPDATE {table} SET organisation_id = @survivorId, updated_at = @now WHERE organisation_id = @duplicateId",
            new { survivorId, duplicateId, now = _now }, _tx);
        foreach (var id in ids) Log(kind, id, "upsert");
        return ids.Count;
    }
}
