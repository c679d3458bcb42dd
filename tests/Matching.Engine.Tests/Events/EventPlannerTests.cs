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
        var plan = _planner.Generate(DemoEvent.Id);
        Assert.DoesNotContain(_events.Meetings(DemoEvent.Id), m => (m.Enterprise, m.OfferKind, m.OfferId) == (declined.Enterprise, declined.OfferKind, declined.OfferId));
        var why = WhyNot.Explain(plan.Problem, plan.Assignment, declined.Enterprise, EventPlanner.OfferKey(declined.OfferKind, declined.OfferId));
        Assert.Equal(WhyNotReason.Conflict, why.Reason);
        Assert.Contains("declined by the enterprise", why.Message);
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
}
