using Dapper;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Accounts;

/// <summary>Everything Matching holds about one expert, as given to them on request (PIPL art. 45).</summary>
public sealed record ExpertData(
    Expert Expert, IReadOnlyList<string> Results, IReadOnlyList<Judgement> Judgements,
    IReadOnlyList<ExpertMeeting> Meetings, IReadOnlyList<AuditEntry> Audit, DateTimeOffset ExportedAt);

/// <summary>One event meeting the expert was part of.</summary>
public sealed record ExpertMeeting(string EventId, string EnterpriseId, int Slot, string EnterpriseStatus, string OfferStatus);

/// <summary>
/// A person's data on request: export it (and log the export), or erase it for good (and log who did). Erasing goes
/// through <see cref="RecordWriter.EraseExpert"/>, so the index and the stored match lists follow.
/// </summary>
public sealed class PersonalData(RecordStore store, AuditLog audit)
{
    public ExpertData? Export(string expertId, Viewer by)
    {
        if (store.GetExpert(expertId) is not { } expert) return null;
        using var c = store.Database.Open();
        var results = c.Query<string>("SELECT result_id FROM result_experts WHERE expert_id = @expertId ORDER BY result_id", new { expertId }).ToList();
        var judgements = c.Query<(string Need, string Candidate, long Grade, string Source)>(
                "SELECT need_id, candidate_id, grade, source FROM judgements WHERE candidate_id = @expertId ORDER BY need_id", new { expertId })
            .Select(j => new Judgement(j.Need, j.Candidate, (int)j.Grade, j.Source)).ToList();
        var meetings = c.Query<(string Event, string Enterprise, long Slot, string EnterpriseStatus, string OfferStatus)>(
                "SELECT event_id, enterprise_id, slot, enterprise_status, offer_status FROM event_meetings WHERE offer_kind = 'expert' AND offer_id = @expertId ORDER BY event_id, slot",
                new { expertId })
            .Select(m => new ExpertMeeting(m.Event, m.Enterprise, (int)m.Slot, m.EnterpriseStatus, m.OfferStatus)).ToList();
        var entries = audit.For(RecordKind.Expert, expertId);
        audit.Record(by, AuditLog.Exported, RecordKind.Expert, expertId, "personal data");
        return new ExpertData(expert, results, judgements, meetings, entries, DateTimeOffset.UtcNow);
    }

    /// <summary>Erases the expert; the audit log keeps that it happened, by whom, and nothing about the person.</summary>
    public bool Erase(string expertId, Viewer by)
    {
        using var writer = store.BeginWrite();
        if (!writer.EraseExpert(expertId)) return false;
        writer.Commit();
        audit.Record(by, AuditLog.Erased, RecordKind.Expert, expertId);
        return true;
    }
}
