using Matching.Engine.Candidates;
using Matching.Engine.Records;
using Matching.Engine.Storage;

namespace Matching.Engine.Matches;

/// <summary>One entry of a match list, ready to show: the candidate, its record's headline fields and its snippets.</summary>
public sealed record MatchItem(
    string Id, string Kind, string Title, string? Organisation, string? OrganisationName, float Score, int Rank,
    double NormalisedScore, string Model, string? Maturity, IReadOnlyList<string> Industries, IReadOnlyList<Snippet> Snippets);

/// <summary>A need with its top results and experts.</summary>
public sealed record NeedMatches(TechNeed Need, IReadOnlyList<MatchItem> Results, IReadOnlyList<MatchItem> Experts);

/// <summary>A result with the needs it fits.</summary>
public sealed record ResultMatches(ResearchResult Result, IReadOnlyList<MatchItem> Needs);

/// <summary>An expert with the needs their profile and results fit.</summary>
public sealed record ExpertMatches(Expert Expert, IReadOnlyList<MatchItem> Needs);

/// <summary>
/// Match lists for pages and the API. Today the order is the BM25 candidate order ("bm25"); the learned scorer
/// re-ranks these same candidates. A need that is not public shows only its public fields, and never its text
/// in a snippet.
/// </summary>
public sealed class MatchLists(RecordStore store, CandidateRetriever retriever)
{
    public const string Model = "bm25";
    public const int MaxK = 200;

    public NeedMatches? ForNeed(string needId, int k = 20)
    {
        var need = store.GetNeed(needId);
        if (need is null) return null;
        k = Math.Clamp(k, 1, MaxK);
        var results = retriever.ForNeed(need, RecordKind.Result, k);
        var experts = retriever.ForNeed(need, RecordKind.Expert, k);
        return new NeedMatches(need.PublicView(), Describe(results), Describe(experts));
    }

    public ResultMatches? ForResult(string resultId, int k = 20)
    {
        var result = store.GetResult(resultId);
        if (result is null) return null;
        var needs = retriever.ForResult(result, Math.Clamp(k, 1, MaxK));
        return new ResultMatches(result, Describe(needs));
    }

    public ExpertMatches? ForExpert(string expertId, int k = 20)
    {
        var expert = store.GetExpert(expertId);
        if (expert is null) return null;
        var results = store.ResultsOfExperts([expert.Id])[expert.Id].Where(r => r.Status == RecordStatus.Active);
        var needs = retriever.ForExpert(expert, results, Math.Clamp(k, 1, MaxK));
        return new ExpertMatches(expert, Describe(needs));
    }

    /// <summary>Adds titles, organisation names and the visibility rule to raw candidates.</summary>
    public IReadOnlyList<MatchItem> Describe(IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count == 0) return [];
        var ids = candidates.Select(c => c.Id).ToList();
        var heads = candidates[0].Kind switch
        {
            RecordKind.Result => store.GetResults(ids).ToDictionary(r => r.Id, r => new Head(r.Title, r.Organisation, r.Maturity, r.Industries, true)),
            RecordKind.Need => store.GetNeeds(ids).ToDictionary(n => n.Id, n => n.PublicView() is var v ? new Head(v.Title, v.Organisation, v.Maturity, v.Industries, n.Visibility == "public") : null!),
            RecordKind.Expert => store.GetExperts(ids).ToDictionary(e => e.Id, e => new Head($"{e.Name}{(e.Title is null ? "" : " " + e.Title)}", e.Organisation, null, e.Areas, true)),
            _ => throw new ArgumentOutOfRangeException(nameof(candidates)),
        };
        var organisations = store.GetOrganisations(heads.Values.Select(h => h.Organisation).OfType<string>().Distinct().ToList()).ToDictionary(o => o.Id, o => o.Name);
        var items = new List<MatchItem>(candidates.Count);
        foreach (var c in candidates)
        {
            // A record deleted since the index was last refreshed is skipped rather than shown half-empty.
            if (!heads.TryGetValue(c.Id, out var h)) continue;
            items.Add(new MatchItem(c.Id, c.Kind.Name(), h.Title, h.Organisation, h.Organisation is null ? null : organisations.GetValueOrDefault(h.Organisation),
                c.Score, items.Count + 1, c.NormalisedScore, Model, h.Maturity, h.Industries, h.Public ? c.Snippets : []));
        }
        return items;
    }

    private sealed record Head(string Title, string? Organisation, string? Maturity, IReadOnlyList<string> Industries, bool Public);
}
