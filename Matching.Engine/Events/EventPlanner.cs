using Matching.Engine.Messages;
using Matching.Engine.Matches;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Events;

/// <summary>What the viability check found: problems block solving, warnings do not.</summary>
public sealed record Viability(IReadOnlyList<Message> Problems, IReadOnlyList<Message> Warnings)
{
    public bool CanSolve => Problems.Count == 0;
}

/// <summary>
/// Participants chosen by filter: enterprises with an active need in the industries (and zones, when given), results
/// in the industries, and the experts on those results. Empty lists mean "any"; <see cref="Kinds"/> limits what is added.
/// </summary>
public sealed record ParticipantFilter(IReadOnlyList<string> Industries, IReadOnlyList<string>? Zones = null, IReadOnlyList<string>? Organisations = null,
    IReadOnlyList<string>? Kinds = null);

/// <summary>What adding participants did: those added and those refused, each with its reason.</summary>
public sealed record ParticipantsAdded(IReadOnlyList<EventParticipant> Added, IReadOnlyList<(EventParticipant Participant, Message Reason)> Refused);

/// <summary>A generated event: the solved list, its schedule, and the figures an organiser looks at first.</summary>
public sealed record EventPlan(MatchingEvent Event, MeetingProblem Problem, MeetingAssignment Assignment, Schedule Schedule, Viability Viability)
{
    /// <summary>Pairs whose meeting was added, dropped, or moved to another slot or table by this run.</summary>
    public IReadOnlyList<(string Enterprise, string Offer)> Moved { get; init; } = [];
}

/// <summary>A published event asked to generate again without the organiser's confirmation.</summary>
public sealed class RepublishNotConfirmedException(string eventId) : EventRuleException(Messages.Message.Of("Event.RepublishNotConfirmed", eventId));

/// <summary>An event asked to do what its status does not allow (generate a closed event, publish a draft …).</summary>
public class EventRuleException(Message reason) : InvalidOperationException(reason.Render(Messages.Message.English))
{
    public Message Reason { get; } = reason;
}

/// <summary>
/// Turns an event's participants into the solver's problem and back: candidate pairs from each enterprise's needs'
/// match lists (the best need per offer, top <see cref="MatchingEvent.CandidatesPerEnterprise"/>, calibrated scores),
/// conflicts of interest (same organisation or group, a contract signed at an earlier event), the organiser's pins
/// and forbids, and declines since the last run; then solves, places and stores the meetings.
/// </summary>
public sealed class EventPlanner(RecordStore store, EventStore events, MatchLists matches)
{
    /// <summary>Offer ids in the solver: "result:ID" or "expert:ID".</summary>
    public static string OfferKey(string kind, string id) => kind + ":" + id;

    /// <summary>The id in an offer key, or the key itself when it has no kind (as a message names the offer).</summary>
    public static string IdOf(string key) => key.IndexOf(':') is var i and > 0 ? key[(i + 1)..] : key;

    public static (string Kind, string Id) SplitOffer(string key) => key.IndexOf(':') is var i and > 0 ? (key[..i], key[(i + 1)..]) : throw new FormatException($"not an offer key: {key}");

    /// <summary>
    /// What a pair's score came from: the need whose list scored it, the model version, and the feature vector (kept
    /// with the meeting, so an outcome weeks later trains on what the event was planned with).
    /// </summary>
    public sealed record PairSource(string? Need, string? Model = null, float[]? Features = null);

    /// <summary>The problem as the solver sees it, with the need (and the scoring behind it) of each pair.</summary>
    /// <remarks><paramref name="keep"/>: pairs held as pins besides the organiser's (a published event's confirmed meetings).</remarks>
    public (MeetingProblem Problem, IReadOnlyDictionary<(string Enterprise, string Offer), PairSource> Needs) Build(MatchingEvent ev,
        IReadOnlyCollection<(string Enterprise, string Offer)>? keep = null)
    {
        var participants = events.Participants(ev.Id);
        var enterpriseIds = participants.Where(p => p.Kind == EventParticipant.Enterprise).Select(p => p.Id).ToList();
        var offers = Offers(ev, participants);
        var offerById = offers.ToDictionary(o => o.Id);

        // Candidate pairs: the enterprise's needs' lists, best need per offer, at or above the event's floor.
        var floor = FloorOf(ev);
        var needsOf = store.ActiveNeedsOf(enterpriseIds);
        var best = new Dictionary<(string, string), (double Score, PairSource Source)>();
        var below = new Dictionary<(string, string), (double Score, PairSource Source)>();
        foreach (var enterprise in enterpriseIds)
        {
            var mine = new Dictionary<string, (double Score, PairSource Source)>();
            foreach (var needId in needsOf[enterprise])
            {
                // Every entry, under the floor too: those are kept for pins and for why-not.
                if (matches.ForNeed(needId, ev.CandidatesPerEnterprise, minScore: 0) is not { } list) continue;
                foreach (var item in list.Results.Select(i => (Key: OfferKey(EventParticipant.Result, i.Id), Item: i))
                             .Concat(list.Experts.Select(i => (Key: OfferKey(EventParticipant.Expert, i.Id), Item: i))))
                {
                    if (!offerById.ContainsKey(item.Key)) continue;
                    var score = item.Item.Score;
                    var source = new PairSource(needId, item.Item.Model, item.Item.Features);
                    if (score < floor)
                    {
                        if (!below.TryGetValue((enterprise, item.Key), out var under) || score > under.Score) below[(enterprise, item.Key)] = (score, source);
                        continue;
                    }
                    if (!mine.TryGetValue(item.Key, out var had) || score > had.Score) mine[item.Key] = (score, source);
                }
            }
            foreach (var (offer, v) in mine.OrderByDescending(kv => kv.Value.Score).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(ev.CandidatesPerEnterprise))
                best[(enterprise, offer)] = v;
        }

        var constraints = events.Constraints(ev.Id);
        var pins = constraints.Where(c => c.Kind == EventConstraint.Pin).Select(c => (c.Enterprise, OfferKey(c.OfferKind, c.OfferId)))
            .Concat(keep ?? []).Distinct().ToList();
        // A pinned pair under the floor keeps its score and need; one not in the lists at all is still a pair, with
        // score 0 and no need.
        foreach (var pin in pins.Where(p => !best.ContainsKey(p) && offerById.ContainsKey(p.Item2)))
            best[pin] = below.TryGetValue(pin, out var under) ? under : (0, new PairSource(null));

        // The strongest reason a pair may not meet: a conflict of interest, then a decline, then the organiser's forbid
        // (the one a pin may replace).
        var reasons = Conflicts(ev, enterpriseIds, offers, best.Keys);
        foreach (var m in events.Meetings(ev.Id).Where(m => m.Status == MeetingStatus.Declined))
            reasons.TryAdd((m.Enterprise, OfferKey(m.OfferKind, m.OfferId)), m.EnterpriseStatus == MeetingStatus.Declined ? Message.Of("Event.DeclinedByEnterprise") : Message.Of("Event.DeclinedByExpert"));
        foreach (var c in constraints.Where(c => c.Kind == EventConstraint.Forbid))
            reasons.TryAdd((c.Enterprise, OfferKey(c.OfferKind, c.OfferId)), c.Note is { Length: > 0 } note ? Message.Of("Event.ForbiddenWithNote", note) : Message.Of("Event.Forbidden"));

        var problem = new MeetingProblem
        {
            Enterprises = enterpriseIds.Select(e => new EnterpriseSeat(e, ev.EnterpriseCap)).ToList(),
            Offers = offers,
            Edges = best.Select(kv => new MeetingEdge(kv.Key.Item1, kv.Key.Item2, kv.Value.Score)).ToList(),
            HostCaps = offers.Select(o => o.Host).OfType<string>().Distinct().ToDictionary(h => h, _ => ev.ExpertCap),
            Forbidden = reasons.Keys.ToHashSet(),
            ForbidReasons = reasons,
            Pins = pins,
            OnePerUniversity = ev.OnePerUniversity,
            MinScore = floor,
            BelowFloor = below.Where(kv => !best.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value.Score),
        };
        return (problem, best.ToDictionary(kv => kv.Key, kv => kv.Value.Source));
    }

    /// <summary>
    /// Adds participants given by hand, each checked: an enterprise is a known organisation that is not a university
    /// or institute, a result or an expert a live record. The others are refused with their reason and nothing of
    /// them is stored, so "8/9 家企业" counts only real ones. Every front door adds through here.
    /// </summary>
    /// <exception cref="EventRuleException">The event's list is published: participants no longer change.</exception>
    public ParticipantsAdded AddParticipants(string eventId, IReadOnlyCollection<EventParticipant> participants)
    {
        if (events.Get(eventId) is { } ev && !TakesConstraints(ev))
            throw new EventRuleException(Message.Of("Event.ParticipantsFixed", Message.Term("EventStatus." + ev.Status)));
        var ids = (string kind) => participants.Where(p => p.Kind == kind).Select(p => p.Id).Distinct().ToList();
        var organisations = store.GetOrganisations(ids(EventParticipant.Enterprise)).ToDictionary(o => o.Id);
        var results = store.GetResults(ids(EventParticipant.Result)).Where(r => r.Status == RecordStatus.Active).Select(r => r.Id).ToHashSet();
        var experts = store.GetExperts(ids(EventParticipant.Expert)).Where(e => e.Status == RecordStatus.Active).Select(e => e.Id).ToHashSet();
        var accepted = new List<EventParticipant>();
        var refused = new List<(EventParticipant Participant, Message Reason)>();
        foreach (var p in participants.Distinct())
        {
            Message? reason = p.Kind switch
            {
                EventParticipant.Enterprise when !organisations.TryGetValue(p.Id, out var o) || o.Status != RecordStatus.Active => Message.Of("Event.NoSuchOrganisation"),
                EventParticipant.Enterprise when organisations[p.Id].Kind is "university" or "institute" => Message.Of("Event.UniversityAsEnterprise"),
                EventParticipant.Result when !results.Contains(p.Id) => Message.Of("Event.NoSuchResult"),
                EventParticipant.Expert when !experts.Contains(p.Id) => Message.Of("Event.NoSuchExpert"),
                EventParticipant.Enterprise or EventParticipant.Result or EventParticipant.Expert => null,
                _ => Message.Of("Event.BadParticipantKind", "enterprise, result, expert"),
            };
            if (reason is null) accepted.Add(p);
            else refused.Add((p, reason));
        }
        events.AddParticipants(eventId, accepted);
        return new ParticipantsAdded(accepted, refused);
    }

    /// <summary>Most characters of an organiser's note on a constraint or a participant's note on a request.</summary>
    public const int MaxNote = 500;

    /// <summary>Whether an event's pins, forbids and requests may still change: until its list is published.</summary>
    public static bool TakesConstraints(MatchingEvent ev) => ev.Status is EventStatus.Draft or EventStatus.Generated;

    /// <summary>
    /// Pins (must meet) or forbids (must not meet) a pair; the next generation honours it. The rules every front
    /// door applies: the event exists and its list is not yet published; both sides are participants of the event;
    /// a pin never goes on a pair with a conflict of interest (same organisation or group, signed before) or a
    /// decline; on a pair the organiser forbade, it replaces the forbid.
    /// </summary>
    public RuleResult Constrain(string eventId, EventConstraint constraint)
    {
        if (events.Get(eventId) is not { } ev) return RuleResult.NotFound(Message.Of("Event.NotFound", eventId));
        if (constraint.Kind is not (EventConstraint.Pin or EventConstraint.Forbid))
            return RuleResult.Invalid(Message.Of("Event.BadConstraintKind", "pin, forbid"), "kind");
        if (constraint.OfferKind is not (EventParticipant.Result or EventParticipant.Expert))
            return RuleResult.Invalid(Message.Of("Event.BadParticipantKind", "result, expert"), "offerKind");
        if (!TakesConstraints(ev)) return RuleResult.Conflict(Message.Of("Event.ConstraintAfterPublishing", Message.Term("EventStatus." + ev.Status)));
        var participants = events.Participants(eventId);
        if (!participants.Contains(new EventParticipant(EventParticipant.Enterprise, constraint.Enterprise ?? "")))
            return RuleResult.Invalid(Message.Of("WhyNot.NotAtEvent", constraint.Enterprise ?? ""), "enterprise");
        if (!participants.Contains(new EventParticipant(constraint.OfferKind, constraint.OfferId ?? "")))
            return RuleResult.Invalid(Message.Of("WhyNot.NotAtEvent", constraint.OfferId ?? ""), "offerId");
        if (constraint.Kind == EventConstraint.Pin && PinBlocked(ev, constraint.Enterprise!, OfferKey(constraint.OfferKind, constraint.OfferId!)) is { } reason)
            return RuleResult.Conflict(Message.Of("Event.PairCannotMeet", reason));
        events.Constrain(eventId, constraint with { Note = constraint.Note is { Length: > MaxNote } n ? n[..MaxNote] : constraint.Note });
        return RuleResult.Done;
    }

    /// <summary>Removes a pin or forbid, while the list is not yet published.</summary>
    public RuleResult Unconstrain(string eventId, string enterprise, string offerKind, string offerId)
    {
        if (events.Get(eventId) is not { } ev) return RuleResult.NotFound(Message.Of("Event.NotFound", eventId));
        if (!TakesConstraints(ev)) return RuleResult.Conflict(Message.Of("Event.ConstraintAfterPublishing", Message.Term("EventStatus." + ev.Status)));
        events.Unconstrain(eventId, enterprise, offerKind, offerId);
        return RuleResult.Done;
    }

    /// <summary>
    /// Accepts a participant's request (it becomes a pin, so the pin rules hold: not after publishing, never on a
    /// conflicted pair) or declines it.
    /// </summary>
    public RuleResult Decide(string eventId, long requestId, bool accept)
    {
        if (events.Get(eventId) is not { } ev) return RuleResult.NotFound(Message.Of("Event.NotFound", eventId));
        if (events.Requests(eventId).FirstOrDefault(r => r.Id == requestId && r.Status == MeetingRequest.Pending) is not { } request)
            return RuleResult.NotFound(Message.Of("Event.NoSuchRequest", requestId));
        if (accept)
        {
            if (!TakesConstraints(ev)) return RuleResult.Conflict(Message.Of("Event.ConstraintAfterPublishing", Message.Term("EventStatus." + ev.Status)));
            if (PinBlocked(ev, request.Enterprise, OfferKey(request.OfferKind, request.OfferId)) is { } reason)
                return RuleResult.Conflict(Message.Of("Event.PairCannotMeet", reason));
        }
        events.Decide(eventId, requestId, accept);
        return RuleResult.Done;
    }

    /// <summary>
    /// A participant asks for a meeting before the list is published. Who may speak for which side is the front
    /// door's check (it knows the caller); the event's rules are here.
    /// </summary>
    public (RuleResult Result, long Id) Request(string eventId, string enterprise, string offerKind, string offerId, string requestedBy, string? note)
    {
        if (events.Get(eventId) is not { } ev) return (RuleResult.NotFound(Message.Of("Event.NotFound", eventId)), 0);
        if (!TakesConstraints(ev)) return (RuleResult.Conflict(Message.Of("Event.RequestAfterPublishing")), 0);
        var participants = events.Participants(eventId);
        if (!participants.Contains(new EventParticipant(EventParticipant.Enterprise, enterprise)))
            return (RuleResult.Invalid(Message.Of("WhyNot.NotAtEvent", enterprise), "enterprise"), 0);
        if (!participants.Contains(new EventParticipant(offerKind, offerId)))
            return (RuleResult.Invalid(Message.Of("WhyNot.NotAtEvent", offerId), "offerId"), 0);
        return (RuleResult.Done, events.Request(eventId, enterprise, offerKind, offerId, requestedBy, note is { Length: > MaxNote } n ? n[..MaxNote] : note));
    }

    // What stops a pin on a pair: a conflict or a decline. The organiser's own forbid does not: the pin replaces it.
    private Message? PinBlocked(MatchingEvent ev, string enterprise, string offer) =>
        Blocked(ev, enterprise, offer) is { Code: not ("Event.Forbidden" or "Event.ForbiddenWithNote") } reason ? reason : null;

    /// <summary>Why a pair may not meet at this event (a conflict of interest, a decline, a forbid), or null.</summary>
    public Message? Blocked(MatchingEvent ev, string enterprise, string offer)
    {
        var (problem, _) = Build(ev, [(enterprise, offer)]);
        return problem.ForbidReasons.GetValueOrDefault((enterprise, offer));
    }

    /// <summary>
    /// Takes a participant off the event, with its pins, forbids and pending requests, while the list is not yet
    /// published (after that, people have their agendas; they decline instead).
    /// </summary>
    public RuleResult RemoveParticipant(string eventId, EventParticipant participant)
    {
        if (events.Get(eventId) is not { } ev) return RuleResult.NotFound(Message.Of("Event.NotFound", eventId));
        if (!TakesConstraints(ev)) return RuleResult.Conflict(Message.Of("Event.ParticipantsFixed", Message.Term("EventStatus." + ev.Status)));
        return events.RemoveParticipant(eventId, participant) ? RuleResult.Done : RuleResult.NotFound(Message.Of("WhyNot.NotAtEvent", participant.Id));
    }

    /// <summary>The lowest score the event books a meeting at: the organiser's, else the serving model's match floor, else 0.</summary>
    public double FloorOf(MatchingEvent ev) => ev.MinScore ?? matches.MatchFloor ?? 0;

    /// <summary>The event's results and experts as offers: a result is presented by its first expert, an expert by themselves.</summary>
    private List<Offer> Offers(MatchingEvent ev, IReadOnlyList<EventParticipant> participants)
    {
        var results = store.GetResults(participants.Where(p => p.Kind == EventParticipant.Result).Select(p => p.Id).ToList()).Where(r => r.Status == RecordStatus.Active).ToList();
        var experts = store.GetExperts(participants.Where(p => p.Kind == EventParticipant.Expert).Select(p => p.Id).ToList()).Where(x => x.Status == RecordStatus.Active).ToList();
        return results.Select(r => new Offer(OfferKey(EventParticipant.Result, r.Id), ev.OfferCap, Host: r.Experts.FirstOrDefault(), University: r.Organisation))
            .Concat(experts.Select(x => new Offer(OfferKey(EventParticipant.Expert, x.Id), ev.OfferCap, Host: x.Id, University: x.Organisation)))
            .ToList();
    }

    /// <summary>
    /// The organiser moves meetings by hand: each (enterprise, offer key) to a slot and table. Applied only when the
    /// whole schedule still keeps its rules (nobody and no table twice in a slot); otherwise the broken rules come
    /// back and nothing changes. Swapping two meetings is two moves at once.
    /// </summary>
    public IReadOnlyList<Message> Move(string eventId, IReadOnlyList<(string Enterprise, string Offer, int Slot, int Table)> moves)
    {
        var ev = events.Get(eventId) ?? throw new KeyNotFoundException($"no event {eventId}");
        if (ev.Status is not (EventStatus.Generated or EventStatus.Published)) return [Message.Of("Event.MoveWrongStatus", Message.Term("EventStatus." + ev.Status))];
        var meetings = events.Meetings(eventId).ToDictionary(m => (m.Enterprise, OfferKey(m.OfferKind, m.OfferId)));
        var missing = moves.Where(m => !meetings.ContainsKey((m.Enterprise, m.Offer))).Select(m => Message.Of("Outcome.NotAMeeting", m.Enterprise, IdOf(m.Offer))).ToList();
        if (missing.Count > 0) return missing;
        var target = moves.ToDictionary(m => (m.Enterprise, m.Offer), m => (m.Slot, m.Table));
        var schedule = new Schedule(meetings.Select(kv =>
        {
            var (slot, table) = target.TryGetValue(kv.Key, out var moved) ? moved : (kv.Value.Slot, kv.Value.Table);
            return new PlacedMeeting(new Meeting(kv.Key.Item1, kv.Key.Item2, kv.Value.Score, kv.Value.Pinned), slot, table);
        }).ToList(), 0, 0);
        var broken = MeetingRules.ScheduleViolations(Offers(ev, events.Participants(eventId)), schedule, ev.Slots);
        if (broken.Count > 0) return broken;
        foreach (var m in moves)
        {
            var (kind, id) = SplitOffer(m.Offer);
            events.Place(eventId, m.Enterprise, kind, id, m.Slot, m.Table);
        }
        return [];
    }

    /// <summary>The participants a filter selects (see <see cref="ParticipantFilter"/>).</summary>
    public IReadOnlyList<EventParticipant> Select(ParticipantFilter filter)
    {
        bool InIndustries(IReadOnlyList<string> industries) => filter.Industries.Count == 0 || industries.Any(filter.Industries.Contains);
        bool InOrganisations(string? organisation) => filter.Organisations is not { Count: > 0 } list || organisation is not null && list.Contains(organisation);
        bool Wanted(string kind) => filter.Kinds is not { Count: > 0 } kinds || kinds.Contains(kind);
        var selected = new List<EventParticipant>();
        if (Wanted(EventParticipant.Enterprise))
        {
            var needs = store.GetNeeds(store.ActiveIds(RecordKind.Need));
            var enterprises = needs.Where(n => n.Organisation is not null && InIndustries(n.Industries) && InOrganisations(n.Organisation)
                    && (filter.Zones is not { Count: > 0 } zones || n.Zone is not null && zones.Contains(n.Zone)))
                .Select(n => n.Organisation!).Distinct();
            selected.AddRange(enterprises.Select(e => new EventParticipant(EventParticipant.Enterprise, e)));
        }
        var results = store.GetResults(store.ActiveIds(RecordKind.Result)).Where(r => InIndustries(r.Industries) && InOrganisations(r.Organisation)).ToList();
        if (Wanted(EventParticipant.Result)) selected.AddRange(results.Select(r => new EventParticipant(EventParticipant.Result, r.Id)));
        if (Wanted(EventParticipant.Expert))
            selected.AddRange(results.SelectMany(r => r.Experts).Distinct().Select(x => new EventParticipant(EventParticipant.Expert, x)));
        return selected.OrderBy(p => p.Kind).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Before solving: is there room and are there candidates for what is asked?</summary>
    public static Viability Check(MatchingEvent ev, MeetingProblem problem)
    {
        var problems = new List<Message>();
        var warnings = new List<Message>();
        if (problem.Enterprises.Count == 0) problems.Add(Message.Of("Event.NoEnterprises"));
        if (problem.Offers.Count == 0) problems.Add(Message.Of("Event.NoOffers"));
        if (ev.EnterpriseCap > ev.Slots) problems.Add(Message.Of("Event.EnterpriseCapOverSlots", ev.EnterpriseCap, ev.Slots));
        if (ev.ExpertCap > ev.Slots) problems.Add(Message.Of("Event.ExpertCapOverSlots", ev.ExpertCap, ev.Slots));
        var open = problem.Edges.Where(e => !problem.Forbidden.Contains((e.Enterprise, e.Offer))).GroupBy(e => e.Enterprise).ToDictionary(g => g.Key, g => g.Count());
        var without = problem.Enterprises.Where(e => !open.ContainsKey(e.Id)).Select(e => e.Id).ToList();
        if (without.Count > 0)
        {
            var underFloor = without.Where(e => problem.BelowFloor.Keys.Any(k => k.Enterprise == e)).ToList();
            warnings.Add(Message.Of("Event.EnterprisesWithoutCandidates", without.Count, string.Join(", ", without.Take(10))));
            if (underFloor.Count > 0) warnings.Add(Message.Of("Event.OnlyUnderFloor", underFloor.Count, Math.Round(problem.MinScore * 100) + "%"));
        }
        var demand = problem.Enterprises.Sum(e => (long)e.Cap);
        var supply = problem.Offers.GroupBy(o => o.Host ?? o.Id).Sum(g => Math.Min(g.Sum(o => (long)o.Cap), g.Key is { } h && problem.HostCaps.TryGetValue(h, out var cap) ? cap : long.MaxValue));
        if (supply < demand) warnings.Add(Message.Of("Event.SupplyUnderDemand", supply, demand));
        if (supply < problem.Enterprises.Count) problems.Add(Message.Of("Event.NoRoom", problem.Enterprises.Count, supply));
        return new Viability(problems, warnings);
    }

    /// <summary>
    /// Checks, solves, places and stores the meetings; the event becomes generated. A published event is generated
    /// again only when <paramref name="republish"/> confirms it (people may have planned around their meetings):
    /// then every meeting both sides confirmed stays as a pin, the event stays published, and the plan says which
    /// meetings moved, so the front door tells those people (<c>Notifier.Published</c> tells only those whose
    /// meetings changed).
    /// </summary>
    public EventPlan Generate(string eventId, bool republish = false)
    {
        var ev = events.Get(eventId) ?? throw new KeyNotFoundException($"no event {eventId}");
        var published = ev.Status == EventStatus.Published;
        if (published && !republish) throw new RepublishNotConfirmedException(eventId);
        if (!published && !EventStatus.CanMove(ev.Status, EventStatus.Generated)) throw new EventRuleException(Message.Of("Event.CannotGenerate", Message.Term("EventStatus." + ev.Status)));
        var before = events.Meetings(eventId);
        var confirmed = published
            ? before.Where(m => m.Status == MeetingStatus.Confirmed).Select(m => (m.Enterprise, OfferKey(m.OfferKind, m.OfferId))).ToList()
            : [];
        var (problem, needs) = Build(ev, confirmed);
        var viability = Check(ev, problem);
        if (!viability.CanSolve) throw new MeetingProblemException(viability.Problems[0]);
        var assignment = MeetingSolver.Solve(problem);
        var schedule = SlotPlanner.Place(assignment.Meetings, problem.Offers, ev.Slots, ev.Tables);
        events.ReplaceMeetings(eventId, schedule.Meetings.Select(p =>
        {
            var (kind, id) = SplitOffer(p.Meeting.Offer);
            var source = needs.GetValueOrDefault((p.Meeting.Enterprise, p.Meeting.Offer));
            return new StoredMeeting(p.Meeting.Enterprise, kind, id, source?.Need, p.Meeting.Score, p.Slot, p.Table, p.Meeting.Pinned)
            {
                // The model shown beside the meeting: the one that scored it (a pin on an unscored pair has none).
                Model = source?.Need is null ? null : source.Model, Features = source?.Features,
            };
        }).ToList());
        if (!published) events.SetStatus(eventId, EventStatus.Generated);
        var was = before.ToDictionary(m => (m.Enterprise, OfferKey(m.OfferKind, m.OfferId)), m => (m.Slot, m.Table));
        var now = schedule.Meetings.ToDictionary(p => (p.Meeting.Enterprise, p.Meeting.Offer), p => (p.Slot, p.Table));
        var moved = was.Keys.Union(now.Keys).Where(k => !was.TryGetValue(k, out var a) || !now.TryGetValue(k, out var b) || a != b).ToList();
        return new EventPlan(ev with { Status = published ? EventStatus.Published : EventStatus.Generated }, problem, assignment, schedule, viability) { Moved = moved };
    }

    /// <summary>Conflicts of interest among the candidate pairs: same organisation, same group, or signed before.</summary>
    private Dictionary<(string Enterprise, string Offer), Message> Conflicts(MatchingEvent ev, IReadOnlyList<string> enterprises, IReadOnlyList<Offer> offers,
        IEnumerable<(string Enterprise, string Offer)> pairs)
    {
        var organisations = store.GetOrganisations(enterprises.Concat(offers.Select(o => o.University).OfType<string>()).Distinct().ToList()).ToDictionary(o => o.Id);
        string? Group(string id) => organisations.TryGetValue(id, out var o) ? o.Parent ?? o.Id : id;
        var universityOf = offers.ToDictionary(o => o.Id, o => o.University);
        var signed = events.Signed().Select(s => (s.Enterprise, OfferKey(s.OfferKind, s.OfferId))).ToHashSet();
        var signedOrganisations = signed.Select(s => (s.Enterprise, universityOf.GetValueOrDefault(s.Item2))).Where(s => s.Item2 is not null).ToHashSet();
        var reasons = new Dictionary<(string, string), Message>();
        foreach (var (enterprise, offer) in pairs)
        {
            var university = universityOf.GetValueOrDefault(offer);
            if (university == enterprise) reasons[(enterprise, offer)] = Message.Of("Event.SameOrganisation");
            else if (university is not null && Group(university) == Group(enterprise)) reasons[(enterprise, offer)] = Message.Of("Event.SameGroup");
            else if (signed.Contains((enterprise, offer)) || signedOrganisations.Contains((enterprise, university)))
                reasons[(enterprise, offer)] = Message.Of("Event.SignedBefore");
        }
        return reasons;
    }
}
