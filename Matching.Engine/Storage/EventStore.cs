using Matching.Engine.Messages;
using System.Globalization;
using Dapper;
using Matching.Engine.Events;

namespace Matching.Engine.Storage;

/// <summary>Events, participants, constraints, meetings and outcomes in the database (tables of 0003_events.sql).</summary>
public sealed class EventStore(MatchingDatabase database)
{
    private const string LocalFormat = "yyyy-MM-ddTHH:mm";

    /// <summary>Longest reason kept with an outcome.</summary>
    public const int MaxReason = 500;

    public void Save(MatchingEvent e)
    {
        if (!EventFormats.All.Contains(e.Format)) throw new ArgumentException($"unknown event format '{e.Format}' (one of {string.Join("、", EventFormats.All)})");
        ArgumentOutOfRangeException.ThrowIfLessThan(e.Slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(e.SlotMinutes, 5);
        using var connection = database.Open();
        var now = DateTimeOffset.UtcNow.ToString("O");
        connection.Execute("""
            INSERT INTO events (id, name, format, status, time_zone, starts_at, slot_minutes, slots, tables, venue, enterprise_cap, offer_cap,
                                expert_cap, one_per_university, candidates_per_enterprise, min_score, min_score_given, created_at, updated_at)
            VALUES (@Id, @Name, @Format, @Status, @TimeZone, @StartsAt, @SlotMinutes, @Slots, @Tables, @Venue, @EnterpriseCap, @OfferCap,
                    @ExpertCap, @OnePerUniversity, @CandidatesPerEnterprise, @OldMinScore, @MinScore, @now, @now)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, format = excluded.format, status = excluded.status, time_zone = excluded.time_zone,
                starts_at = excluded.starts_at, slot_minutes = excluded.slot_minutes, slots = excluded.slots, tables = excluded.tables,
                venue = excluded.venue, enterprise_cap = excluded.enterprise_cap, offer_cap = excluded.offer_cap, expert_cap = excluded.expert_cap,
                one_per_university = excluded.one_per_university, candidates_per_enterprise = excluded.candidates_per_enterprise,
                min_score = excluded.min_score, min_score_given = excluded.min_score_given, updated_at = excluded.updated_at
            """, new
        {
            e.Id, e.Name, e.Format, e.Status, e.TimeZone, StartsAt = e.StartsAtLocal.ToString(LocalFormat, CultureInfo.InvariantCulture), e.SlotMinutes, e.Slots, e.Tables,
            e.Venue, e.EnterpriseCap, e.OfferCap, e.ExpertCap, OnePerUniversity = e.OnePerUniversity ? 1 : 0, e.CandidatesPerEnterprise, e.MinScore, OldMinScore = e.MinScore ?? 0, now,
        });
    }

    public MatchingEvent? Get(string id)
    {
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<EventRow>("SELECT * FROM events WHERE id = @id", new { id });
        return row?.ToRecord();
    }

    public IReadOnlyList<MatchingEvent> List()
    {
        using var connection = database.Open();
        return connection.Query<EventRow>("SELECT * FROM events ORDER BY starts_at DESC, id").Select(r => r.ToRecord()).ToList();
    }

    public void SetStatus(string id, string status)
    {
        var current = Get(id) ?? throw new KeyNotFoundException($"no event {id}");
        if (!EventStatus.CanMove(current.Status, status)) throw new Events.EventRuleException(Message.Of("Event.CannotMove", Message.Term("EventStatus." + current.Status), Message.Term("EventStatus." + status)));
        using var connection = database.Open();
        connection.Execute("UPDATE events SET status = @status, updated_at = @at WHERE id = @id", new { id, status, at = DateTimeOffset.UtcNow.ToString("O") });
    }

    /// <summary>Adds participants (already there: kept once).</summary>
    public void AddParticipants(string eventId, IEnumerable<EventParticipant> participants)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        foreach (var p in participants)
            connection.Execute("INSERT INTO event_participants (event_id, kind, id) VALUES (@eventId, @Kind, @Id) ON CONFLICT DO NOTHING", new { eventId, p.Kind, p.Id }, tx);
        tx.Commit();
    }

    /// <summary>Removes a participant with its pins, forbids and pending requests; false when it was not one.</summary>
    public bool RemoveParticipant(string eventId, EventParticipant participant)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var removed = connection.Execute("DELETE FROM event_participants WHERE event_id = @eventId AND kind = @Kind AND id = @Id", new { eventId, participant.Kind, participant.Id }, tx) > 0;
        if (removed)
        {
            var (enterprise, offerKind, offerId) = participant.Kind == Events.EventParticipant.Enterprise ? (participant.Id, "", "") : ("", participant.Kind, participant.Id);
            const string Theirs = "event_id = @eventId AND (enterprise_id = @enterprise OR (offer_kind = @offerKind AND offer_id = @offerId))";
            connection.Execute($"DELETE FROM event_constraints WHERE {Theirs}", new { eventId, enterprise, offerKind, offerId }, tx);
            connection.Execute($"DELETE FROM event_requests WHERE {Theirs} AND status = 'pending'", new { eventId, enterprise, offerKind, offerId }, tx);
        }
        tx.Commit();
        return removed;
    }

    public IReadOnlyList<EventParticipant> Participants(string eventId)
    {
        using var connection = database.Open();
        return connection.Query<(string Kind, string Id)>("SELECT kind, id FROM event_participants WHERE event_id = @eventId ORDER BY kind, id", new { eventId })
            .Select(r => new EventParticipant(r.Kind, r.Id)).ToList();
    }

    /// <summary>Sets a pin or a forbid on a pair (replacing either one on the same pair).</summary>
    public void Constrain(string eventId, EventConstraint c)
    {
        using var connection = database.Open();
        connection.Execute("""
            INSERT INTO event_constraints (event_id, enterprise_id, offer_kind, offer_id, kind, note, created_at)
            VALUES (@eventId, @Enterprise, @OfferKind, @OfferId, @Kind, @Note, @at)
            ON CONFLICT (event_id, enterprise_id, offer_kind, offer_id) DO UPDATE SET kind = excluded.kind, note = excluded.note
            """, new { eventId, c.Enterprise, c.OfferKind, c.OfferId, c.Kind, c.Note, at = DateTimeOffset.UtcNow.ToString("O") });
    }

    public void Unconstrain(string eventId, string enterprise, string offerKind, string offerId)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM event_constraints WHERE event_id = @eventId AND enterprise_id = @enterprise AND offer_kind = @offerKind AND offer_id = @offerId",
            new { eventId, enterprise, offerKind, offerId });
    }

    public IReadOnlyList<EventConstraint> Constraints(string eventId)
    {
        using var connection = database.Open();
        return connection.Query<(string Enterprise, string OfferKind, string OfferId, string Kind, string? Note)>(
                "SELECT enterprise_id, offer_kind, offer_id, kind, note FROM event_constraints WHERE event_id = @eventId", new { eventId })
            .Select(r => new EventConstraint(r.Enterprise, r.OfferKind, r.OfferId, r.Kind, r.Note)).ToList();
    }

    /// <summary>Replaces an event's meetings, keeping each surviving pair's confirmations.</summary>
    public void ReplaceMeetings(string eventId, IReadOnlyList<StoredMeeting> meetings)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var before = connection.Query<(string Enterprise, string OfferKind, string OfferId, string EnterpriseStatus, string OfferStatus)>(
                "SELECT enterprise_id, offer_kind, offer_id, enterprise_status, offer_status FROM event_meetings WHERE event_id = @eventId", new { eventId }, tx)
            .ToDictionary(r => (r.Enterprise, r.OfferKind, r.OfferId), r => (r.EnterpriseStatus, r.OfferStatus));
        connection.Execute("DELETE FROM event_meetings WHERE event_id = @eventId", new { eventId }, tx);
        foreach (var m in meetings)
        {
            var (enterpriseStatus, offerStatus) = before.GetValueOrDefault((m.Enterprise, m.OfferKind, m.OfferId), (m.EnterpriseStatus, m.OfferStatus));
            connection.Execute("""
                INSERT INTO event_meetings (event_id, enterprise_id, offer_kind, offer_id, need_id, score, slot, table_no, pinned, enterprise_status, offer_status, model, features)
                VALUES (@eventId, @Enterprise, @OfferKind, @OfferId, @NeedId, @Score, @Slot, @Table, @Pinned, @enterpriseStatus, @offerStatus, @Model, @features)
                """, new
            {
                eventId, m.Enterprise, m.OfferKind, m.OfferId, m.NeedId, m.Score, m.Slot, m.Table, Pinned = m.Pinned ? 1 : 0, enterpriseStatus, offerStatus,
                m.Model, features = Features.FeatureLog.EncodeOrNull(m.Features),
            }, tx);
        }
        tx.Commit();
    }

    public IReadOnlyList<StoredMeeting> Meetings(string eventId)
    {
        using var connection = database.Open();
        return connection.Query<MeetingRow>("SELECT * FROM event_meetings WHERE event_id = @eventId ORDER BY slot, table_no", new { eventId })
            .Select(r => new StoredMeeting(r.enterprise_id, r.offer_kind, r.offer_id, r.need_id, r.score, (int)r.slot, (int)r.table_no, r.pinned != 0, r.enterprise_status, r.offer_status)
            {
                Model = r.model, Features = Features.FeatureLog.Decode(r.features),
            })
            .ToList();
    }

    /// <summary>Files a request for a meeting; returns its id.</summary>
    public long Request(string eventId, string enterprise, string offerKind, string offerId, string requestedBy, string? note)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("""
            INSERT INTO event_requests (event_id, enterprise_id, offer_kind, offer_id, requested_by, note, created_at)
            VALUES (@eventId, @enterprise, @offerKind, @offerId, @requestedBy, @note, @at) RETURNING id
            """, new { eventId, enterprise, offerKind, offerId, requestedBy, note, at = DateTimeOffset.UtcNow.ToString("O") });
    }

    public IReadOnlyList<MeetingRequest> Requests(string eventId)
    {
        using var connection = database.Open();
        return connection.Query<(long Id, string Enterprise, string OfferKind, string OfferId, string By, string Status, string? Note)>(
                "SELECT id, enterprise_id, offer_kind, offer_id, requested_by, status, note FROM event_requests WHERE event_id = @eventId ORDER BY id", new { eventId })
            .Select(r => new MeetingRequest(r.Id, r.Enterprise, r.OfferKind, r.OfferId, r.By, r.Status, r.Note)).ToList();
    }

    /// <summary>Decides a pending request; accepting pins its pair, in the same transaction. False when there is no such pending request.</summary>
    public bool Decide(string eventId, long requestId, bool accept)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var request = connection.QuerySingleOrDefault<(string Enterprise, string OfferKind, string OfferId)?>(
            "SELECT enterprise_id, offer_kind, offer_id FROM event_requests WHERE event_id = @eventId AND id = @requestId AND status = 'pending'", new { eventId, requestId }, tx);
        if (request is not { } r) return false;
        var at = DateTimeOffset.UtcNow.ToString("O");
        connection.Execute("UPDATE event_requests SET status = @status, decided_at = @at WHERE id = @requestId",
            new { requestId, status = accept ? MeetingRequest.Accepted : MeetingRequest.Declined, at }, tx);
        if (accept)
            connection.Execute("""
                INSERT INTO event_constraints (event_id, enterprise_id, offer_kind, offer_id, kind, note, created_at)
                VALUES (@eventId, @Enterprise, @OfferKind, @OfferId, 'pin', @note, @at)
                ON CONFLICT (event_id, enterprise_id, offer_kind, offer_id) DO UPDATE SET kind = 'pin', note = excluded.note
                """, new { eventId, r.Enterprise, r.OfferKind, r.OfferId, note = $"request #{requestId}", at }, tx);
        tx.Commit();
        return true;
    }

    /// <summary>Moves one meeting to a slot and table (the caller checks the schedule).</summary>
    public bool Place(string eventId, string enterprise, string offerKind, string offerId, int slot, int table)
    {
        using var connection = database.Open();
        return connection.Execute("UPDATE event_meetings SET slot = @slot, table_no = @table WHERE event_id = @eventId AND enterprise_id = @enterprise AND offer_kind = @offerKind AND offer_id = @offerId",
            new { eventId, enterprise, offerKind, offerId, slot, table }) == 1;
    }

    /// <summary>One side's answer to a proposed meeting: side "enterprise" or "offer", status confirmed or declined.</summary>
    public bool Respond(string eventId, string enterprise, string offerKind, string offerId, string side, string status)
    {
        if (status is not (MeetingStatus.Confirmed or MeetingStatus.Declined or MeetingStatus.Proposed)) throw new ArgumentException($"unknown answer '{status}'");
        var column = side switch { "enterprise" => "enterprise_status", "offer" => "offer_status", _ => throw new ArgumentException($"unknown side '{side}'") };
        using var connection = database.Open();
        return connection.Execute($"UPDATE event_meetings SET {column} = @status WHERE event_id = @eventId AND enterprise_id = @enterprise AND offer_kind = @offerKind AND offer_id = @offerId",
            new { eventId, enterprise, offerKind, offerId, status }) == 1;
    }

    /// <summary>
    /// Records outcomes and, in the same transaction, the judgements they teach (source "event:{id}", on the need the
    /// meeting was matched through). A later outcome for the same meeting replaces the earlier one and its judgement.
    /// An outcome for a pair that is not a meeting of the event, or with an unknown stage, is rejected with its
    /// position in <paramref name="outcomes"/>; the others are recorded.
    /// </summary>
    public OutcomeReport RecordOutcomes(string eventId, IReadOnlyList<MeetingOutcome> outcomes)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        database.LockChangeLog(connection, tx);
        // The judgement carries the meeting's model and feature vector: it trains on what the event was planned with.
        var meetings = connection.Query<(string Enterprise, string OfferKind, string OfferId, string? NeedId, string? Model, string? Features)>(
                "SELECT enterprise_id, offer_kind, offer_id, need_id, model, features FROM event_meetings WHERE event_id = @eventId", new { eventId }, tx)
            .ToDictionary(r => (r.Enterprise, r.OfferKind, r.OfferId));
        var needs = meetings.ToDictionary(m => m.Key, m => m.Value.NeedId);
        var source = "event:" + eventId;
        var (recorded, judged) = (0, 0);
        var rejected = new List<(int, Message)>();
        var at = DateTimeOffset.UtcNow.ToString("O");
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i] is { Reason.Length: > MaxReason } tooLong ? tooLong with { Reason = tooLong.Reason![..MaxReason] } : outcomes[i];
            if (o.Amount is < 0) { rejected.Add((i, Message.Of("Outcome.NegativeAmount"))); continue; }
            if (!needs.TryGetValue((o.Enterprise, o.OfferKind, o.OfferId), out var needId))
            {
                rejected.Add((i, Message.Of("Outcome.NotAMeeting", o.Enterprise, o.OfferId)));
                continue;
            }
            if (o.Stage is { } stage && !MeetingOutcome.Stages.Contains(stage))
            {
                rejected.Add((i, Message.Of("Outcome.BadStage", stage, string.Join(", ", MeetingOutcome.Stages))));
                continue;
            }
            connection.Execute("""
                INSERT INTO event_outcomes (event_id, enterprise_id, offer_kind, offer_id, attended, stage, amount, reason, recorded_at)
                VALUES (@eventId, @Enterprise, @OfferKind, @OfferId, @Attended, @Stage, @Amount, @Reason, @at)
                ON CONFLICT (event_id, enterprise_id, offer_kind, offer_id) DO UPDATE SET attended = excluded.attended, stage = excluded.stage,
                    amount = excluded.amount, reason = excluded.reason, recorded_at = excluded.recorded_at
                """, new { eventId, o.Enterprise, o.OfferKind, o.OfferId, Attended = o.Attended ? 1 : 0, o.Stage, o.Amount, o.Reason, at }, tx);
            recorded++;
            if (needId is null) continue;
            var removed = connection.Execute("DELETE FROM judgements WHERE need_id = @needId AND candidate_id = @OfferId AND source = @source", new { needId, o.OfferId, source }, tx);
            // Judgements enter the change log like any written through RecordWriter, so the learning loop sees them.
            var change = new { entity = Records.RecordKinds.Name(Records.RecordKind.Judgement), id = needId + "\t" + o.OfferId, at };
            if (o.Grade is not { } grade)
            {
                if (removed > 0) connection.Execute("INSERT INTO changes (entity, entity_id, op, at) VALUES (@entity, @id, 'delete', @at)", change, tx);
                continue;
            }
            var meeting = meetings[(o.Enterprise, o.OfferKind, o.OfferId)];
            connection.Execute("INSERT INTO judgements (need_id, candidate_id, grade, source, created_at, model, features) VALUES (@needId, @OfferId, @grade, @source, @at, @Model, @Features)",
                new { needId, o.OfferId, grade, source, at, meeting.Model, meeting.Features }, tx);
            connection.Execute("INSERT INTO changes (entity, entity_id, op, at) VALUES (@entity, @id, 'upsert', @at)", change, tx);
            judged++;
        }
        tx.Commit();
        return new OutcomeReport(recorded, judged, rejected);
    }

    public IReadOnlyList<MeetingOutcome> Outcomes(string eventId)
    {
        using var connection = database.Open();
        return connection.Query<(string Enterprise, string OfferKind, string OfferId, long Attended, string? Stage, decimal? Amount, string? Reason)>(
                "SELECT enterprise_id, offer_kind, offer_id, attended, stage, amount, reason FROM event_outcomes WHERE event_id = @eventId", new { eventId })
            .Select(r => new MeetingOutcome(r.Enterprise, r.OfferKind, r.OfferId, r.Attended != 0, r.Stage, r.Amount, r.Reason)).ToList();
    }

    /// <summary>Pairs (enterprise, organisation of the offer) that signed at an earlier event: a conflict for new meetings.</summary>
    public IReadOnlyList<(string Enterprise, string OfferKind, string OfferId)> Signed()
    {
        using var connection = database.Open();
        return connection.Query<(string, string, string)>("SELECT enterprise_id, offer_kind, offer_id FROM event_outcomes WHERE stage = 'signed'").ToList();
    }

    /// <summary>What recording outcomes did: outcomes stored, judgements written, and the rejected ones by position.</summary>
    public sealed record OutcomeReport(int Recorded, int Judgements, IReadOnlyList<(int Index, Message Reason)> Rejected);

    private sealed record EventRow(string id, string name, string format, string status, string time_zone, string starts_at, long slot_minutes, long slots,
        long tables, string? venue, long enterprise_cap, long offer_cap, long expert_cap, long one_per_university, long candidates_per_enterprise,
        double min_score, string created_at, string updated_at, double? min_score_given)
    {
        public MatchingEvent ToRecord() => new()
        {
            Id = id, Name = name, Format = format, Status = status, TimeZone = time_zone,
            StartsAtLocal = DateTime.ParseExact(starts_at, LocalFormat, CultureInfo.InvariantCulture), SlotMinutes = (int)slot_minutes, Slots = (int)slots,
            Tables = (int)tables, Venue = venue, EnterpriseCap = (int)enterprise_cap, OfferCap = (int)offer_cap, ExpertCap = (int)expert_cap,
            OnePerUniversity = one_per_university != 0, CandidatesPerEnterprise = (int)candidates_per_enterprise, MinScore = min_score_given,
        };
    }

    private sealed record MeetingRow(string event_id, string enterprise_id, string offer_kind, string offer_id, string? need_id, double score, long slot,
        long table_no, long pinned, string enterprise_status, string offer_status, string? model, string? features);
}
