using Matching.Engine.Events;

namespace Matching.Engine.Tests.Events;

public class SlotPlannerTests
{
    [Fact]
    public void OnManySeededInstances_NobodyIsDoubleBooked_AndSlotsSufficeForTheBusiestParticipant()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var problem = MeetingInstances.Random(seed, enterprises: 10 + seed % 40, offers: 8 + seed % 30, edgesPerEnterprise: 8, maxCap: 4, pins: seed % 3);
            var meetings = MeetingSolver.Solve(problem).Meetings;
            var offers = problem.Offers.ToDictionary(o => o.Id);
            string HostOf(Meeting m) => offers[m.Offer].Host is { } h ? "h:" + h : "o:" + m.Offer;
            var busiest = meetings.GroupBy(m => m.Enterprise).Select(g => g.Count())
                .Concat(meetings.GroupBy(HostOf).Select(g => g.Count())).DefaultIfEmpty(0).Max();
            var slots = Math.Max(1, busiest);

            var schedule = SlotPlanner.Place(meetings, problem.Offers, slots);

            Assert.Equal(meetings.Count, schedule.Meetings.Count);
            Assert.True(MeetingRules.Violations(problem, schedule, slots) is [], $"seed {seed}: {string.Join("; ", MeetingRules.Violations(problem, schedule, slots))}");
            // The same, checked here by hand: an enterprise, a host (expert or unnamed offer) and a table once per slot.
            Assert.All(schedule.Meetings, p => Assert.InRange(p.Slot, 0, slots - 1));
            Assert.True(schedule.Meetings.GroupBy(p => (p.Meeting.Enterprise, p.Slot)).All(g => g.Count() == 1), $"seed {seed}: an enterprise double-booked");
            Assert.True(schedule.Meetings.GroupBy(p => (HostOf(p.Meeting), p.Slot)).All(g => g.Count() == 1), $"seed {seed}: a host double-booked");
            Assert.True(schedule.Meetings.GroupBy(p => HostOf(p.Meeting)).All(g => g.Select(p => p.Table).Distinct().Count() == 1), $"seed {seed}: a host moves tables");
        }
    }

    [Fact]
    public void AHostsMeetings_FormOneStretch_WhenNothingForcesAGap()
    {
        // One expert, four enterprises, six slots: four meetings back to back.
        var offers = new[] { new Offer("r1", 4, Host: "x"), new Offer("r2", 4, Host: "x") };
        var meetings = Enumerable.Range(0, 4).Select(i => new Meeting($"e{i}", i % 2 == 0 ? "r1" : "r2", 0.5, false)).ToList();
        var schedule = SlotPlanner.Place(meetings, offers, slots: 6);
        Assert.Equal(0, schedule.HostGaps);
        Assert.Equal(1, schedule.Tables);
    }

    [Fact]
    public void TooFewSlots_IsAClearError()
    {
        var offers = new[] { new Offer("r1", 3, Host: "x") };
        var meetings = Enumerable.Range(0, 3).Select(i => new Meeting($"e{i}", "r1", 0.5, false)).ToList();
        var error = Assert.Throws<MeetingProblemException>(() => SlotPlanner.Place(meetings, offers, slots: 2));
        Assert.Contains("3 meetings", error.Message);
    }
}
