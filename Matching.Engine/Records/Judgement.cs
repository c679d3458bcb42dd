namespace Matching.Engine.Records;

/// <summary>A graded relevance judgement: 3 could sign, 2 worth a meeting, 1 related, 0 does not fit.</summary>
public sealed record Judgement(string NeedId, string CandidateId, int Grade, string Source = "import")
{
    /// <summary>The model version whose score the judgement answered (a thumb on its list, an outcome of its meeting), when known.</summary>
    public string? Model { get; init; }

    /// <summary>The feature vector of the pair as that score was computed, when it was logged: training uses it rather than recompute the row.</summary>
    public float[]? Features { get; init; }
}
