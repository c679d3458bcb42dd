using Matching.Engine.Messages;
namespace Matching.Engine.Events;

/// <summary>
/// Checks an assignment or a placed schedule against every rule of its problem: candidate pairs only, each pair once,
/// no forbidden pair, caps of enterprises, offers and hosts, pins kept, one meeting per person (pins aside), one offer
/// per university when asked, and in a
/// schedule nobody (enterprise, host, table) in two meetings of one slot. Used after solving, after an organiser's
/// edit, and by bench events.
/// </summary>
public static class MeetingRules
{
    public static List<string> Violations(MeetingProblem problem, IReadOnlyList<Meeting> meetings)
    {
        var broken = new List<string>();
        var offers = problem.Offers.ToDictionary(o => o.Id);
        var edges = problem.Edges.Select(e => (e.Enterprise, e.Offer)).ToHashSet();
        var pairs = meetings.Select(m => (m.Enterprise, m.Offer)).ToList();
        foreach (var twice in pairs.GroupBy(p => p).Where(g => g.Count() > 1)) broken.Add($"{twice.Key.Enterprise} · {twice.Key.Offer} meets twice");
        foreach (var pair in pairs.Distinct())
        {
            if (!edges.Contains(pair)) broken.Add($"{pair.Enterprise} · {pair.Offer} is not a candidate pair");
            if (problem.Forbidden.Contains(pair)) broken.Add($"{pair.Enterprise} · {pair.Offer} is forbidden");
        }
        foreach (var e in problem.Enterprises)
            if (pairs.Count(p => p.Enterprise == e.Id) is var n && n > e.Cap) broken.Add($"{e.Id} has {n} meetings, cap {e.Cap}");
        foreach (var o in problem.Offers)
            if (pairs.Count(p => p.Offer == o.Id) is var n && n > o.Cap) broken.Add($"{o.Id} has {n} meetings, cap {o.Cap}");
        foreach (var (host, cap) in problem.HostCaps)
            if (pairs.Count(p => offers.TryGetValue(p.Offer, out var o) && o.Host == host) is var n && n > cap) broken.Add($"{host} has {n} meetings, cap {cap}");
        var kept = pairs.ToHashSet();
        foreach (var pin in problem.Pins.Where(p => !kept.Contains(p))) broken.Add($"pin {pin.Enterprise} · {pin.Offer} dropped");
        // An enterprise meets a person once, unless the organiser pinned the extra meetings.
        var pinned = problem.Pins.ToHashSet();
        foreach (var g in pairs.Distinct().Where(p => offers.TryGetValue(p.Offer, out var o) && o.Host is not null).GroupBy(p => (p.Enterprise, offers[p.Offer].Host)))
            if (g.Count(p => !pinned.Contains(p)) is var chosen && chosen > (g.Any(pinned.Contains) ? 0 : 1))
                broken.Add($"{g.Key.Enterprise} meets {g.Key.Host} {g.Count()} times");
        if (problem.OnePerUniversity)
            foreach (var g in pairs.Where(p => offers.TryGetValue(p.Offer, out var o) && o.University is not null).GroupBy(p => (p.Enterprise, offers[p.Offer].University)))
                if (g.Count() > 1) broken.Add($"{g.Key.Enterprise} meets {g.Count()} offers of {g.Key.University}");
        return broken;
    }

    public static List<string> Violations(MeetingProblem problem, Schedule schedule, int slots)
    {
        var broken = Violations(problem, schedule.Meetings.Select(p => p.Meeting).ToList());
        broken.AddRange(ScheduleViolations(problem.Offers, schedule, slots).Select(m => m.ToString()));
        return broken;
    }

    /// <summary>The schedule's own rules: every meeting in a slot of the event, nobody and no table twice in a slot.</summary>
    public static List<Message> ScheduleViolations(IReadOnlyCollection<Offer> offers, Schedule schedule, int slots)
    {
        var broken = new List<Message>();
        var byId = offers.ToDictionary(o => o.Id);
        string Host(Meeting m) => byId.TryGetValue(m.Offer, out var o) && o.Host is { } h ? h : m.Offer;
        foreach (var p in schedule.Meetings.Where(p => p.Slot < 0 || p.Slot >= slots)) broken.Add(Message.Of("Event.OutsideSlots", p.Meeting.Enterprise, p.Meeting.Offer));
        foreach (var g in schedule.Meetings.GroupBy(p => (p.Meeting.Enterprise, p.Slot)).Where(g => g.Count() > 1)) broken.Add(Message.Of("Event.TwiceInSlot", g.Key.Enterprise, g.Count(), g.Key.Slot + 1));
        foreach (var g in schedule.Meetings.GroupBy(p => (Host(p.Meeting), p.Slot)).Where(g => g.Count() > 1)) broken.Add(Message.Of("Event.TwiceInSlot", g.Key.Item1, g.Count(), g.Key.Slot + 1));
        foreach (var g in schedule.Meetings.GroupBy(p => (p.Table, p.Slot)).Where(g => g.Count() > 1)) broken.Add(Message.Of("Event.TableTwiceInSlot", g.Key.Table, g.Count(), g.Key.Slot + 1));
        return broken;
    }
}
