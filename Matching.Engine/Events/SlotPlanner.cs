using Matching.Engine.Messages;
namespace Matching.Engine.Events;

/// <summary>A meeting with its time slot (0-based) and table (1-based).</summary>
public sealed record PlacedMeeting(Meeting Meeting, int Slot, int Table);

/// <summary>A placed schedule: meetings, tables in use, and the idle slots between a host's first and last meeting.</summary>
public sealed record Schedule(IReadOnlyList<PlacedMeeting> Meetings, int Tables, int HostGaps);

/// <summary>
/// Places chosen meetings in time slots and at tables. Nobody is in two places at once: an enterprise and a host
/// (the expert at the table, or the offer itself when nobody is named) each have at most one meeting per slot. That
/// is edge colouring of a bipartite graph, which always succeeds with as many slots as the busiest participant has
/// meetings (König); alternating-path swaps make it so. Among free slots, a host's meetings go next to the ones they
/// already have, so an expert sits through one stretch instead of waiting between meetings. A host keeps one table
/// for their stretch; tables are reused by hosts whose stretches do not overlap.
/// </summary>
public static class SlotPlanner
{
    public static Schedule Place(IReadOnlyList<Meeting> meetings, IReadOnlyCollection<Offer> offers, int slots, int tables = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var hostOf = offers.ToDictionary(o => o.Id, o => o.Host is { } h ? "h:" + h : "o:" + o.Id);
        var left = new Dictionary<string, int>();
        var right = new Dictionary<string, int>();
        var ends = new (int Left, int Right)[meetings.Count];
        for (var i = 0; i < meetings.Count; i++)
        {
            var m = meetings[i];
            if (!hostOf.TryGetValue(m.Offer, out var host)) throw new MeetingProblemException(Message.Of("Event.PinNotAtEvent", m.Enterprise, m.Offer));
            ends[i] = (Index(left, m.Enterprise), Index(right, host));
        }
        var busiest = Math.Max(Degree(ends.Select(e => e.Left)), Degree(ends.Select(e => e.Right)));
        if (busiest > slots)
            throw new MeetingProblemException(Message.Of("Event.BusierThanSlots", busiest, slots));

        // slotAt[vertex][slot] = meeting index or -1; right vertices follow the left ones.
        var vertices = left.Count + right.Count;
        var slotAt = new int[vertices][];
        for (var v = 0; v < vertices; v++) slotAt[v] = Enumerable.Repeat(-1, slots).ToArray();
        var slotOf = Enumerable.Repeat(-1, meetings.Count).ToArray();

        // The busiest hosts first, each host's meetings together, so each host's stretch forms while slots are free.
        var order = Enumerable.Range(0, meetings.Count)
            .GroupBy(i => ends[i].Right).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .SelectMany(g => g.OrderByDescending(i => meetings[i].Score).ThenBy(i => meetings[i].Enterprise, StringComparer.Ordinal));
        foreach (var i in order)
        {
            var u = ends[i].Left;
            var v = left.Count + ends[i].Right;
            var hostSlots = slotAt[v];
            var both = Enumerable.Range(0, slots).Where(s => slotAt[u][s] < 0 && hostSlots[s] < 0).ToList();
            int slot;
            if (both.Count > 0) slot = both.MinBy(s => (Distance(hostSlots, s), s));
            else
            {
                // a is free at the enterprise, b at the host; flip the a/b path from the host, then a is free at both.
                var a = Enumerable.Range(0, slots).Where(s => slotAt[u][s] < 0).MinBy(s => (Distance(hostSlots, s), s));
                var b = Enumerable.Range(0, slots).First(s => hostSlots[s] < 0);
                Flip(v, a, b, slotAt, slotOf, ends, left.Count);
                slot = a;
            }
            slotAt[u][slot] = i;
            slotAt[v][slot] = i;
            slotOf[i] = slot;
        }

        // Tables: a host holds one from their first to their last slot; interval partitioning reuses freed tables.
        var stretches = Enumerable.Range(0, right.Count).Select(r =>
        {
            var used = Enumerable.Range(0, slots).Where(s => slotAt[left.Count + r][s] >= 0).ToList();
            return (Host: r, First: used.Count > 0 ? used[0] : -1, Last: used.Count > 0 ? used[^1] : -1, Count: used.Count);
        }).Where(s => s.Count > 0).OrderBy(s => s.First).ThenBy(s => s.Host).ToList();
        var tableOf = new int[right.Count];
        var freeAt = new List<int>(); // per table, the first slot it is free again
        foreach (var s in stretches)
        {
            var table = freeAt.FindIndex(f => f <= s.First);
            if (table < 0) { freeAt.Add(0); table = freeAt.Count - 1; }
            freeAt[table] = s.Last + 1;
            tableOf[s.Host] = table + 1;
        }
        if (freeAt.Count > tables)
            throw new MeetingProblemException(Message.Of("Event.TooFewTables", freeAt.Count, tables));
        var gaps = stretches.Sum(s => s.Last - s.First + 1 - s.Count);
        var placed = Enumerable.Range(0, meetings.Count).Select(i => new PlacedMeeting(meetings[i], slotOf[i], tableOf[ends[i].Right])).ToList();
        return new Schedule(placed, freeAt.Count, gaps);
    }

    private static int Index(Dictionary<string, int> map, string key) => map.TryGetValue(key, out var i) ? i : map[key] = map.Count;

    private static int Degree(IEnumerable<int> ends) => ends.GroupBy(x => x).Select(g => g.Count()).DefaultIfEmpty(0).Max();

    /// <summary>How far slot <paramref name="s"/> is from a host's nearest meeting (0 for a host with none yet).</summary>
    private static int Distance(int[] hostSlots, int s)
    {
        var best = int.MaxValue;
        for (var t = 0; t < hostSlots.Length; t++) if (hostSlots[t] >= 0) best = Math.Min(best, Math.Abs(t - s));
        return best == int.MaxValue ? 0 : best;
    }

    /// <summary>Swaps slots a and b along the path that starts at <paramref name="start"/> with its slot-a meeting.</summary>
    private static void Flip(int start, int a, int b, int[][] slotAt, int[] slotOf, (int Left, int Right)[] ends, int leftCount)
    {
        var path = new List<int>();
        var vertex = start;
        var colour = a;
        while (slotAt[vertex][colour] is var m and >= 0)
        {
            path.Add(m);
            vertex = ends[m].Left == vertex ? leftCount + ends[m].Right : ends[m].Left;
            colour = colour == a ? b : a;
        }
        foreach (var m in path)
        {
            var (l, r) = (ends[m].Left, leftCount + ends[m].Right);
            if (slotAt[l][slotOf[m]] == m) slotAt[l][slotOf[m]] = -1;
            if (slotAt[r][slotOf[m]] == m) slotAt[r][slotOf[m]] = -1;
        }
        foreach (var m in path)
        {
            var swapped = slotOf[m] == a ? b : a;
            slotOf[m] = swapped;
            slotAt[ends[m].Left][swapped] = m;
            slotAt[leftCount + ends[m].Right][swapped] = m;
        }
    }
}
