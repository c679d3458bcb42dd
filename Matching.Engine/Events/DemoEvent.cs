using Matching.Engine.Storage;

namespace Matching.Engine.Events;

/// <summary>
/// The demo event over the demo data: 科学家进园区 · 新型显示专场 — the display, optoelectronics and chip
/// enterprises with their needs, the results of those industries and the experts on them — generated on first start.
/// </summary>
public static class DemoEvent
{
    public const string Id = "demo-display-2026";

    public static readonly IReadOnlyList<string> Industries = ["新型显示", "光电信息", "集成电路"];

    /// <summary>Creates and generates the demo event unless it exists; returns whether it did.</summary>
    public static bool SeedIfMissing(EventStore events, EventPlanner planner)
    {
        if (events.Get(Id) is not null) return false;
        events.Save(new MatchingEvent
        {
            Id = Id, Name = "科学家进园区 · 新型显示专场", Format = EventFormats.ScientistsInParks,
            StartsAtLocal = new DateTime(2026, 12, 10, 9, 0, 0), SlotMinutes = 20, Slots = 6, Tables = 30, Venue = "成都高新区菁蓉汇 A 座",
            EnterpriseCap = 3, OfferCap = 3, ExpertCap = 5, OnePerUniversity = false, CandidatesPerEnterprise = 20,
        });
        events.AddParticipants(Id, planner.Select(new ParticipantFilter(Industries)));
        planner.Generate(Id);
        return true;
    }
}
