namespace Matching.Engine.Records;

/// <summary>A money range in 万元 (ten thousand yuan); either end may be missing.</summary>
public sealed record MoneyRange(decimal? Min, decimal? Max)
{
    /// <summary>True when neither end is given.</summary>
    public bool IsEmpty => Min is null && Max is null;
}
