namespace Matching.Engine.Events;

/// <summary>An event's lifecycle: draft → generated → published → closed.</summary>
public static class EventStatus
{
    public const string Draft = "draft", Generated = "generated", Published = "published", Closed = "closed";

    /// <summary>Whether an event may move from one status to another (re-generating a generated event is allowed).</summary>
    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Draft or Generated, Generated) => true,
        (Generated, Published) => true,
        (Published, Generated) => true, // declines re-solved after publishing
        (Published, Closed) => true,
        _ => false,
    };
}

/// <summary>The event formats of 校企双进.</summary>
public static class EventFormats
{
    public const string EntrepreneursOnCampus = "企业家进校园", ScientistsInParks = "科学家进园区", HundredUniversitiesThousandEnterprises = "百校千企大对接";
    public static readonly IReadOnlyList<string> All = [EntrepreneursOnCampus, ScientistsInParks, HundredUniversitiesThousandEnterprises];
}

/// <summary>An event and its settings: slots from <see cref="StartsAtLocal"/> in <see cref="TimeZone"/>, caps, rules.</summary>
public sealed record MatchingEvent
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Format { get; init; } = EventFormats.ScientistsInParks;
    public string Status { get; init; } = EventStatus.Draft;
    public string TimeZone { get; init; } = "Asia/Shanghai";
    public required DateTime StartsAtLocal { get; init; }
    public int SlotMinutes { get; init; } = 20;
    public int Slots { get; init; } = 6;
    public int Tables { get; init; } = 40;
    public string? Venue { get; init; }
    public int EnterpriseCap { get; init; } = 3;
    public int OfferCap { get; init; } = 4;
    public int ExpertCap { get; init; } = 5;
    public bool OnePerUniversity { get; init; }
    public int CandidatesPerEnterprise { get; init; } = 30;
    /// <summary>The lowest match score a meeting is booked at, as the organiser set it; null: the serving model's match floor.</summary>
    public double? MinScore { get; init; }

    public AgendaEvent ForAgenda() => new(Id, Name, Format, TimeZone, StartsAtLocal, SlotMinutes, Venue);
}

/// <summary>Who takes part: an enterprise (organisation id), a result or an expert.</summary>
public sealed record EventParticipant(string Kind, string Id)
{
    public const string Enterprise = "enterprise", Result = "result", Expert = "expert";
}

/// <summary>An organiser's pin or forbid on a pair.</summary>
public sealed record EventConstraint(string Enterprise, string OfferKind, string OfferId, string Kind, string? Note = null)
{
    public const string Pin = "pin", Forbid = "forbid";
}

/// <summary>A generated meeting as stored, with the need it was matched through and each side's confirmation.</summary>
public sealed record StoredMeeting(string Enterprise, string OfferKind, string OfferId, string? NeedId, double Score, int Slot, int Table, bool Pinned,
    string EnterpriseStatus = MeetingStatus.Proposed, string OfferStatus = MeetingStatus.Proposed)
{
    /// <summary>The model version the meeting's score is from (it keeps that score when a newer model is promoted); null for a pair no list scored.</summary>
    public string? Model { get; init; }

    /// <summary>The feature vector behind the score, when logged: an outcome on the meeting trains on it (never shown).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[]? Features { get; init; }

    /// <summary>The meeting's state as both sides made it: declined when either declined, confirmed when both confirmed.</summary>
    public string Status => EnterpriseStatus == MeetingStatus.Declined || OfferStatus == MeetingStatus.Declined ? MeetingStatus.Declined
        : EnterpriseStatus == MeetingStatus.Confirmed && OfferStatus == MeetingStatus.Confirmed ? MeetingStatus.Confirmed : MeetingStatus.Proposed;
}

public static class MeetingStatus
{
    public const string Proposed = "proposed", Confirmed = "confirmed", Declined = "declined";
}

/// <summary>What came of a meeting. Stage: met, interested, intent, signed; null when nobody came.</summary>
public sealed record MeetingOutcome(string Enterprise, string OfferKind, string OfferId, bool Attended, string? Stage, decimal? Amount = null, string? Reason = null)
{
    public static readonly IReadOnlyList<string> Stages = ["met", "interested", "intent", "signed"];

    /// <summary>The judgement grade an outcome teaches: signed 3, intent 2, interested 1, met without interest 0; none when nobody came.</summary>
    public int? Grade => !Attended ? null : Stage switch { "signed" => 3, "intent" => 2, "interested" => 1, "met" => 0, _ => null };
}

/// <summary>A request for a meeting before publishing: by "enterprise" or "expert"; status pending, accepted or declined.</summary>
public sealed record MeetingRequest(long Id, string Enterprise, string OfferKind, string OfferId, string RequestedBy, string Status, string? Note)
{
    public const string Pending = "pending", Accepted = "accepted", Declined = "declined";
}
