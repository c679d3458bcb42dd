using Matching.Engine.Messages;
namespace Matching.Engine.Events;

/// <summary>An enterprise at an event: at most <paramref name="Cap"/> meetings.</summary>
public sealed record EnterpriseSeat(string Id, int Cap);

/// <summary>
/// Something an enterprise can meet: a research result (presented by its lead expert) or an expert's profile.
/// <paramref name="Host"/> is the person who sits at the table — an expert's meetings count against their own cap
/// whichever of their results or profile the meeting is about; null when nobody is named (the result's
/// organisation sends someone). <paramref name="University"/> is the offering organisation, for the diversity rule.
/// </summary>
public sealed record Offer(string Id, int Cap, string? Host = null, string? University = null);

/// <summary>A pair the solver may choose, with its calibrated match score (0–1).</summary>
public sealed record MeetingEdge(string Enterprise, string Offer, double Score);

/// <summary>
/// One event's assignment problem. Conflicts of interest and the organiser's forbids arrive as
/// <see cref="Forbidden"/> (the caller knows organisations, aliases, parents and contracts); pins are pairs the
/// organiser or an accepted request fixed; hosts' caps bound an expert across all they offer.
/// </summary>
public sealed record MeetingProblem
{
    public required IReadOnlyList<EnterpriseSeat> Enterprises { get; init; }
    public required IReadOnlyList<Offer> Offers { get; init; }
    public required IReadOnlyList<MeetingEdge> Edges { get; init; }
    public IReadOnlyDictionary<string, int> HostCaps { get; init; } = new Dictionary<string, int>();
    public IReadOnlySet<(string Enterprise, string Offer)> Forbidden { get; init; } = new HashSet<(string, string)>();

    /// <summary>Why a forbidden pair is forbidden ("same organisation", "earlier contract", "forbidden by the organiser").</summary>
    public IReadOnlyDictionary<(string Enterprise, string Offer), Message> ForbidReasons { get; init; } = new Dictionary<(string, string), Message>();
    public IReadOnlyList<(string Enterprise, string Offer)> Pins { get; init; } = [];

    /// <summary>The lowest score a meeting is booked at (the event's floor); pairs under it are not edges unless pinned.</summary>
    public double MinScore { get; init; }

    /// <summary>Pairs left out for scoring under <see cref="MinScore"/>, with their scores (for why-not).</summary>
    public IReadOnlyDictionary<(string Enterprise, string Offer), double> BelowFloor { get; init; } = new Dictionary<(string, string), double>();

    /// <summary>At most one offer of each university per enterprise.</summary>
    public bool OnePerUniversity { get; init; }

    /// <summary>Scores are compared in units of 1/<see cref="ScoreUnits"/> (four decimals, as match scores are shown).</summary>
    public const int ScoreUnits = 10_000;

    public static long Units(double score) => (long)Math.Round(Math.Clamp(score, 0, 1) * ScoreUnits);
}

/// <summary>A chosen meeting.</summary>
public sealed record Meeting(string Enterprise, string Offer, double Score, bool Pinned);

/// <summary>
/// The solver's answer: meetings, how many enterprises got at least one, and the total score — the two levels of the
/// objective, in that order.
/// </summary>
public sealed record MeetingAssignment(IReadOnlyList<Meeting> Meetings)
{
    public int EnterprisesCovered { get; } = Meetings.Select(m => m.Enterprise).Distinct().Count();
    public long ScoreUnits { get; } = Meetings.Sum(m => MeetingProblem.Units(m.Score));
    public double TotalScore => ScoreUnits / (double)MeetingProblem.ScoreUnits;
}
