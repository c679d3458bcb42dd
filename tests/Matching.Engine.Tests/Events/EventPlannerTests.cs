using Matching.Engine.Events;
using Matching.Engine.Features;
using Matching.Engine.Matches;
using Matching.Engine.Scoring;
using Matching.Engine.Storage;
using Matching.Engine.Taxonomy;
using Matching.Engine.Vectors;

namespace Matching.Engine.Tests.Events;

/// <summary>The demo event end to end on the demo data, ranked by BM25 (no model loaded): generate, edit, decline, outcomes.</summary>
public class EventPlannerTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly EventStore _events;
    private readonly EventPlanner _planner;

    public EventPlannerTests()
    {
        _data.SeedDemo();
        _data.Maintainer().CatchUp();
        var retriever = _data.Retriever();
        var queries = new Matching.Engine.Candidates.QueryBuilder(TempDataDirectory.Analyzer, TaxonomyFiles.DefaultSynonyms());
        var scorer = new MatchScorer(new FeatureExtractor(_data.Indexes!, _data.Store, queries, TaxonomyFiles.DefaultTaxonomy()), new RecordVectors(_data.Database), _data.Store, retriever);
        var lists = new MatchLists(_data.Store, retriever, new ModelHost(TempDataDirectory.Analyzer), scorer);
        _events = new EventStore(_data.Database);
        _planner = new EventPlanner(_data.Store, _events, lists);
    }

    public void Dispose() => _data.Dispose();

    private (MeetingProblem Problem, IReadOnlyList<StoredMeeting> Meetings) Current()
    {
        var ev = _events.Get(DemoEvent.Id)!;
        return (_planner.Build(ev).Problem, _events.Meetings(DemoEvent.Id));
    }

    private static Meeting ToMeeting(StoredMeeting m) => new(m.Enterprise, EventPlanner.OfferKey(m.OfferKind, m.OfferId), m.Score, m.Pinned);

    [Fact]
    public void TheDemoEvent_Generates_AKeptScheduleThatCoversEveryEnterpriseWithACandidate()
    {
        Assert.True(DemoEvent.SeedIfMissing(_events, _planner));
        Assert.False(DemoEvent.SeedIfMissing(_events, _planner));
        var ev = _events.Get(DemoEvent.Id)!;
        Assert.Equal(EventStatus.Generated, ev.Status);
        var (problem, meetings) = Current();
        Assert.True(problem.Enterprises.Count >= 3, "the demo event has display enterprises");
        Assert.NotEmpty(meetings);
        var schedule = new Schedule(meetings.Select(m => new PlacedMeeting(ToMeeting(m), m.Slot, m.Table)).ToList(), 0, 0);
        Assert.Empty(MeetingRules.Violations(problem, schedule, ev.Slots));
        var withCandidates = problem.Edges.Where(e => !problem.Forbidden.Contains((e.Enterprise, e.Offer))).Select(e => e.Enterprise).Distinct().Count();
        Assert.Equal(withCandidates, meetings.Select(m => m.Enterprise).Distinct().Count());

        var agendas = new EventAgendas(_data.Store, _events).Agendas(DemoEvent.Id);
        var enterpriseAgendas = agendas.Where(a => a.Role == "enterprise").ToList();
        Assert.Equal(withCandidates, enterpriseAgendas.Count);
        Assert.All(agendas.SelectMany(a => a.Entries), e => Assert.Equal(ev.StartsAtLocal.AddMinutes(e.Slot * ev.SlotMinutes), e.StartLocal));
        Assert.All(enterpriseAgendas, a => Assert.Equal(a.Entries.Count, a.Entries.Select(e => e.Slot).Distinct().Count()));
    }

    [Fact]
    public void PinsAndForbids_AreKeptOnReSolving_AndADeclineFreesItsPair()
    {
        DemoEvent.SeedIfMissing(_events, _planner);
        var (problem, meetings) = Current();
        var listed = meetings.First(m => !m.Pinned);
        var chosen = meetings.Select(m => (m.Enterprise, EventPlanner.OfferKey(m.OfferKind, m.OfferId))).ToHashSet();
        var unlisted = problem.Edges.First(e => !chosen.Contains((e.Enterprise, e.Offer)) && !problem.Forbidden.Contains((e.Enterprise, e.Offer)));
        var (pinKind, pinId) = EventPlanner.SplitOffer(unlisted.Offer);
        _events.Constrain(DemoEvent.Id, new EventConstraint(listed.Enterprise, listed.OfferKind, listed.OfferId, EventConstraint.Forbid, "organiser"));
        _events.Constrain(DemoEvent.Id, new EventConstraint(unlisted.Enterprise, pinKind, pinId, EventConstraint.Pin));

        _planner.Generate(DemoEvent.Id);
        var after = _events.Meetings(DemoEvent.Id);
        Assert.DoesNotContain(after, m => (m.Enterprise, m.OfferKind, m.OfferId) == (listed.Enterprise, listed.OfferKind, listed.OfferId));
        Assert.Contains(after, m => (m.Enterprise, m.OfferKind, m.OfferId) == (unlisted.Enterprise, pinKind, pinId) && m.Pinned);

        _events.SetStatus(DemoEvent.Id, EventStatus.Published);
        var declined = after.First(m => !m.Pinned);
        Assert.True(_events.Respond(DemoEvent.Id, declined.Enterprise, declined.OfferKind, declined.OfferId, "enterprise", MeetingStatus.Declined));
        // A published event is re-solved only when the organiser confirms it; it stays published.
        Assert.Throws<RepublishNotConfirmedException>(() => _planner.Generate(DemoEvent.Id));
        var plan = _planner.Generate(DemoEvent.Id, republish: true);
        Assert.Equal(EventStatus.Published, _events.Get(DemoEvent.Id)!.Status);
        Assert.Contains((declined.Enterprise, EventPlanner.OfferKey(declined.OfferKind, declined.OfferId)), plan.Moved);
        Assert.DoesNotContain(_events.Meetings(DemoEvent.Id), m => (m.Enterprise, m.OfferKind, m.OfferId) == (declined.Enterprise, declined.OfferKind, declined.OfferId));
        var why = WhyNot.Explain(plan.Problem, plan.Assignment, declined.Enterprise, EventPlanner.OfferKey(declined.OfferKind, declined.OfferId));
        Assert.Equal(WhyNotReason.Conflict, why.Reason);
        Assert.Equal("有冲突：企业已婉拒", why.Message.Render(Matching.Engine.Messages.Message.Chinese));
    }

    [Fact]
    public void AnOutcome_BecomesAJudgement_OnTheNeedTheMeetingCameFrom()
    {
        DemoEvent.SeedIfMissing(_events, _planner);
        var meeting = _events.Meetings(DemoEvent.Id).First(m => m.NeedId is not null);
        var before = _data.Store.Judgements().Count;

        Assert.Equal(1, _events.RecordOutcomes(DemoEvent.Id, [new MeetingOutcome(meeting.Enterprise, meeting.OfferKind, meeting.OfferId, true, "signed", 500_000m)]).Judgements);
        var judgement = Assert.Single(_data.Store.Judgements("event:" + DemoEvent.Id));
        Assert.Equal((meeting.NeedId, meeting.OfferId, 3), (judgement.NeedId, judgement.CandidateId, judgement.Grade));
        Assert.Equal(before + 1, _data.Store.Judgements().Count);

        // A corrected outcome replaces the judgement; "did not come" teaches nothing.
        _events.RecordOutcomes(DemoEvent.Id, [new MeetingOutcome(meeting.Enterprise, meeting.OfferKind, meeting.OfferId, false, null, Reason: "未到场")]);
        Assert.Empty(_data.Store.Judgements("event:" + DemoEvent.Id));
        var report = _events.RecordOutcomes(DemoEvent.Id,
            [new MeetingOutcome("nobody", "result", "x", true, "met"), new MeetingOutcome(meeting.Enterprise, meeting.OfferKind, meeting.OfferId, true, "intent")]);
        Assert.Equal((1, 1), (report.Recorded, report.Judgements));
        Assert.Equal(0, Assert.Single(report.Rejected).Index);
        Assert.Equal(2, Assert.Single(_data.Store.Judgements("event:" + DemoEvent.Id)).Grade);
    }

    [Fact]
    public void AnAcceptedRequest_BecomesAPin_AndADeclinedOneChangesNothing()
    {
        DemoEvent.SeedIfMissing(_events, _planner);
        var (problem, meetings) = Current();
        var chosen = meetings.Select(m => (m.Enterprise, EventPlanner.OfferKey(m.OfferKind, m.OfferId))).ToHashSet();
        var open = problem.Edges.Where(e => !chosen.Contains((e.Enterprise, e.Offer)) && !problem.Forbidden.Contains((e.Enterprise, e.Offer))).Take(2).ToList();
        var (kind, id) = EventPlanner.SplitOffer(open[0].Offer);
        var (otherKind, otherId) = EventPlanner.SplitOffer(open[1].Offer);
        var accepted = _events.Request(DemoEvent.Id, open[0].Enterprise, kind, id, "enterprise", "想见这位专家");
        var declined = _events.Request(DemoEvent.Id, open[1].Enterprise, otherKind, otherId, "expert", null);
        Assert.True(_events.Decide(DemoEvent.Id, accepted, accept: true));
        Assert.True(_events.Decide(DemoEvent.Id, declined, accept: false));
        Assert.False(_events.Decide(DemoEvent.Id, declined, accept: true)); // decided already

        _planner.Generate(DemoEvent.Id);
        Assert.Contains(_events.Meetings(DemoEvent.Id), m => m.Enterprise == open[0].Enterprise && m.OfferId == id && m.Pinned);
        Assert.Contains(_events.Constraints(DemoEvent.Id), c => c.Kind == EventConstraint.Pin && c.Note == $"request #{accepted}");
        Assert.Equal([MeetingRequest.Accepted, MeetingRequest.Declined], _events.Requests(DemoEvent.Id).Select(r => r.Status));
    }

    [Fact]
    public void MovingMeetings_IsRefusedWhenSomeoneWouldBeInTwoPlaces_AndASwapGoesThrough()
    {
        DemoEvent.SeedIfMissing(_events, _planner);
        var meetings = _events.Meetings(DemoEvent.Id);
        string Key(StoredMeeting m) => EventPlanner.OfferKey(m.OfferKind, m.OfferId);
        string? Host(StoredMeeting m) => m.OfferKind == "expert" ? m.OfferId : _data.Store.GetResult(m.OfferId)?.Experts.FirstOrDefault() ?? Key(m);
        bool HostFree(StoredMeeting moving, int slot, StoredMeeting leaving) =>
            !meetings.Any(m => m != moving && m != leaving && m.Slot == slot && Host(m) == Host(moving));
        // Two meetings of one enterprise in different slots whose hosts are free in each other's slot.
        var (a, b) = meetings.GroupBy(m => m.Enterprise).SelectMany(g => g.SelectMany(x => g.Where(y => y.Slot > x.Slot).Select(y => (x, y))))
            .First(p => HostFree(p.x, p.y.Slot, p.y) && HostFree(p.y, p.x.Slot, p.x));

        var clash = _planner.Move(DemoEvent.Id, [(a.Enterprise, Key(a), b.Slot, 999)]);
        Assert.Contains(clash, c => c.Code == "Event.TwiceInSlot" && c.ToString().Contains($"{a.Enterprise} is in 2 meetings"));
        Assert.Equal(a.Slot, _events.Meetings(DemoEvent.Id).Single(m => m.Enterprise == a.Enterprise && m.OfferId == a.OfferId).Slot);

        var swap = _planner.Move(DemoEvent.Id, [(a.Enterprise, Key(a), b.Slot, b.Table), (b.Enterprise, Key(b), a.Slot, a.Table)]);
        Assert.Empty(swap);
        var after = _events.Meetings(DemoEvent.Id);
        Assert.Equal(b.Slot, after.Single(m => m.Enterprise == a.Enterprise && m.OfferId == a.OfferId).Slot);
        Assert.Equal(a.Slot, after.Single(m => m.Enterprise == b.Enterprise && m.OfferId == b.OfferId).Slot);
    }

    [Fact]
    public void PinsForbidsAndRequests_FollowTheEventsRules_WhoeverAsks()
    {
        Assert.True(DemoEvent.SeedIfMissing(_events, _planner));
        var meeting = _events.Meetings(DemoEvent.Id)[0];
        var enterprise = meeting.Enterprise;

        // Only the event's participants: a stranger is refused with the field named.
        var stranger = _planner.Constrain(DemoEvent.Id, new EventConstraint("ent-nobody", meeting.OfferKind, meeting.OfferId, EventConstraint.Pin));
        Assert.Equal((Matching.Engine.Messages.RuleStatus.Invalid, "enterprise", "WhyNot.NotAtEvent"), (stranger.Status, stranger.Field, stranger.Reason!.Code));
        Assert.Equal(Matching.Engine.Messages.RuleStatus.NotFound, _planner.Constrain("no-such-event", new EventConstraint(enterprise, meeting.OfferKind, meeting.OfferId, EventConstraint.Pin)).Status);

        // A pair the enterprise declined is blocked: a pin on it is refused with the reason, in both languages.
        Assert.True(_events.Respond(DemoEvent.Id, enterprise, meeting.OfferKind, meeting.OfferId, "enterprise", MeetingStatus.Declined));
        var pin = _planner.Constrain(DemoEvent.Id, new EventConstraint(enterprise, meeting.OfferKind, meeting.OfferId, EventConstraint.Pin));
        Assert.Equal(Matching.Engine.Messages.RuleStatus.Conflict, pin.Status);
        Assert.Equal("这一对不能安排：企业已婉拒", pin.Reason!.Render(Matching.Engine.Messages.Message.Chinese));
        Assert.Equal("this pair cannot meet: declined by the enterprise", pin.Reason.Render(Matching.Engine.Messages.Message.English));
        Assert.DoesNotContain(_events.Constraints(DemoEvent.Id), c => c.Kind == EventConstraint.Pin && c.Enterprise == enterprise && c.OfferId == meeting.OfferId);
        // Accepting a request for it is refused the same way.
        var (asked, requestId) = _planner.Request(DemoEvent.Id, enterprise, meeting.OfferKind, meeting.OfferId, "enterprise", null);
        Assert.True(asked.Ok);
        Assert.Equal(Matching.Engine.Messages.RuleStatus.Conflict, _planner.Decide(DemoEvent.Id, requestId, accept: true).Status);

        // A forbid goes in while the list is open; once it is published nothing changes any more.
        var other = _events.Meetings(DemoEvent.Id).First(m => m.Enterprise != enterprise);
        Assert.True(_planner.Constrain(DemoEvent.Id, new EventConstraint(other.Enterprise, other.OfferKind, other.OfferId, EventConstraint.Forbid, "去年已合作")).Ok);
        // The organiser changes their mind: a pin replaces their own forbid (a decline or a conflict it would not).
        Assert.True(_planner.Constrain(DemoEvent.Id, new EventConstraint(other.Enterprise, other.OfferKind, other.OfferId, EventConstraint.Pin)).Ok);
        Assert.Equal(EventConstraint.Pin, _events.Constraints(DemoEvent.Id).Single(c => c.Enterprise == other.Enterprise && c.OfferId == other.OfferId).Kind);
        Assert.True(_planner.Constrain(DemoEvent.Id, new EventConstraint(other.Enterprise, other.OfferKind, other.OfferId, EventConstraint.Forbid, "去年已合作")).Ok);
        _events.SetStatus(DemoEvent.Id, EventStatus.Published);
        var late = _planner.Constrain(DemoEvent.Id, new EventConstraint(other.Enterprise, other.OfferKind, other.OfferId, EventConstraint.Pin));
        Assert.Equal((Matching.Engine.Messages.RuleStatus.Conflict, "Event.ConstraintAfterPublishing"), (late.Status, late.Reason!.Code));
        Assert.Equal("the event is published: pins, forbids and requests no longer change once the list is published", late.Reason.Render(Matching.Engine.Messages.Message.English));
        Assert.False(_planner.Unconstrain(DemoEvent.Id, other.Enterprise, other.OfferKind, other.OfferId).Ok);
        var adding = Assert.Throws<EventRuleException>(() => _planner.AddParticipants(DemoEvent.Id, [new EventParticipant(EventParticipant.Expert, "e-display-02")]));
        Assert.Equal("Event.ParticipantsFixed", adding.Reason.Code);
        Assert.Equal(Matching.Engine.Messages.RuleStatus.Conflict, _planner.RemoveParticipant(DemoEvent.Id, new EventParticipant(EventParticipant.Enterprise, enterprise)).Status);
        Assert.Contains(_events.Constraints(DemoEvent.Id), c => c.Kind == EventConstraint.Forbid && c.Enterprise == other.Enterprise);
        Assert.Equal(Matching.Engine.Messages.RuleStatus.Conflict, _planner.Request(DemoEvent.Id, enterprise, meeting.OfferKind, meeting.OfferId, "enterprise", null).Result.Status);
    }
}
