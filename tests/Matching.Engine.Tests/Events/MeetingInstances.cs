using Matching.Engine.Events;

namespace Matching.Engine.Tests.Events;

/// <summary>Seeded random meeting problems: caps, hosts shared by several offers, universities, forbids and pins.</summary>
internal static class MeetingInstances
{
    public static MeetingProblem Random(int seed, int enterprises, int offers, int edgesPerEnterprise, int maxCap = 3, bool diversity = false, int pins = 0)
    {
        var rng = new Random(seed);
        var hosts = Enumerable.Range(0, Math.Max(1, offers * 2 / 3)).Select(h => $"x{h}").ToList();
        // A person presents for one organisation, as the publishing rules make it: their university is theirs.
        var universities = Math.Max(1, offers / 3);
        var universityOf = hosts.ToDictionary(h => h, _ => $"u{rng.Next(universities)}");
        var offerList = Enumerable.Range(0, offers).Select(o => (Cap: 1 + rng.Next(maxCap), Host: rng.Next(4) == 0 ? null : hosts[rng.Next(hosts.Count)], University: $"u{rng.Next(universities)}"))
            .Select((o, i) => new Offer($"o{i}", o.Cap, o.Host, o.Host is null ? o.University : universityOf[o.Host])).ToList();
        var enterpriseList = Enumerable.Range(0, enterprises).Select(e => new EnterpriseSeat($"e{e}", 1 + rng.Next(maxCap))).ToList();
        var edges = new List<MeetingEdge>();
        foreach (var e in enterpriseList)
            foreach (var o in offerList.OrderBy(_ => rng.Next()).Take(Math.Min(offers, 1 + rng.Next(edgesPerEnterprise))))
                edges.Add(new MeetingEdge(e.Id, o.Id, Math.Round(rng.NextDouble(), 4)));
        var forbidden = edges.Where(_ => rng.Next(8) == 0).Select(e => (e.Enterprise, e.Offer)).ToHashSet();
        var hostCaps = hosts.ToDictionary(h => h, _ => 1 + rng.Next(maxCap + 1));
        var problem = new MeetingProblem
        {
            Enterprises = enterpriseList, Offers = offerList, Edges = edges, Forbidden = forbidden, HostCaps = hostCaps, OnePerUniversity = diversity,
        };
        // Pins that respect every rule, chosen by trying pairs in random order.
        var chosen = new List<(string, string)>();
        foreach (var edge in edges.Where(e => !forbidden.Contains((e.Enterprise, e.Offer))).OrderBy(_ => rng.Next()))
        {
            if (chosen.Count == pins) break;
            var attempt = problem with { Pins = [.. chosen, (edge.Enterprise, edge.Offer)] };
            try { MeetingSolver.Solve(attempt); chosen.Add((edge.Enterprise, edge.Offer)); }
            catch (MeetingProblemException) { }
        }
        return problem with { Pins = chosen };
    }

    /// <summary>
    /// The best (enterprises covered, total score units) over every subset of the open pairs, by depth-first search
    /// with the caps checked as it goes. Exponential: for small instances only.
    /// </summary>
    public static (int Covered, long Units) BruteForce(MeetingProblem problem)
    {
        var offers = problem.Offers.ToDictionary(o => o.Id);
        var pinned = problem.Pins.Distinct().ToHashSet();
        var enterpriseLeft = problem.Enterprises.ToDictionary(e => e.Id, e => e.Cap);
        var offerLeft = problem.Offers.ToDictionary(o => o.Id, o => o.Cap);
        var hostLeft = problem.HostCaps.ToDictionary(h => h.Key, h => h.Value);
        var used = new HashSet<(string, string?)>();
        // Meetings each enterprise has with each person: one, unless pins made more.
        var people = new Dictionary<(string, string), int>();
        var met = problem.Enterprises.ToDictionary(e => e.Id, _ => 0);
        var scores = problem.Edges.GroupBy(e => (e.Enterprise, e.Offer)).ToDictionary(g => g.Key, g => MeetingProblem.Units(g.Max(e => e.Score)));
        long baseUnits = 0;
        foreach (var pin in pinned)
        {
            Take(pin, +1);
            baseUnits += scores.GetValueOrDefault(pin);
        }
        var open = scores.Keys.Where(p => !pinned.Contains(p) && !problem.Forbidden.Contains(p)).OrderBy(p => p.Enterprise).ThenBy(p => p.Offer).ToList();
        var best = (Covered: -1, Units: -1L);
        Search(0, baseUnits);
        return best;

        bool Fits((string Enterprise, string Offer) p)
        {
            var o = offers[p.Offer];
            return enterpriseLeft[p.Enterprise] > 0 && offerLeft[p.Offer] > 0 && (o.Host is null || !hostLeft.ContainsKey(o.Host) || hostLeft[o.Host] > 0)
                && !(problem.OnePerUniversity && o.University is not null && used.Contains((p.Enterprise, o.University)))
                && (o.Host is null || people.GetValueOrDefault((p.Enterprise, o.Host)) == 0);
        }

        void Take((string Enterprise, string Offer) p, int d)
        {
            var o = offers[p.Offer];
            enterpriseLeft[p.Enterprise] -= d;
            offerLeft[p.Offer] -= d;
            if (o.Host is not null && hostLeft.ContainsKey(o.Host)) hostLeft[o.Host] -= d;
            if (problem.OnePerUniversity && o.University is not null) { if (d > 0) used.Add((p.Enterprise, o.University)); else used.Remove((p.Enterprise, o.University)); }
            met[p.Enterprise] += d;
            if (o.Host is not null) people[(p.Enterprise, o.Host)] = people.GetValueOrDefault((p.Enterprise, o.Host)) + d;
        }

        void Search(int i, long units)
        {
            if (i == open.Count)
            {
                var covered = met.Values.Count(v => v > 0);
                if (covered > best.Covered || covered == best.Covered && units > best.Units) best = (covered, units);
                return;
            }
            var p = open[i];
            if (Fits(p))
            {
                Take(p, +1);
                Search(i + 1, units + scores[p]);
                Take(p, -1);
            }
            Search(i + 1, units);
        }
    }
}
