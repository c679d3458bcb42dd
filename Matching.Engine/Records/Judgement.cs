namespace Matching.Engine.Records;

/// <summary>A graded relevance judgement: 3 could sign, 2 worth a meeting, 1 related, 0 does not fit.</summary>
public sealed record Judgement(string NeedId, string CandidateId, int Grade, string Source = "import");
