namespace Matching.Engine.Progress;

/// <summary>Progress of a long piece of work: stage, done out of total, and the rate and time left derived from them.</summary>
public sealed record JobProgress(string Stage, long Done, long Total, TimeSpan Elapsed, string Unit = "changes")
{
    /// <summary>Items per second so far.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time left, or null when unknown.</summary>
    public TimeSpan? Remaining => Rate > 0 && Total >= Done ? TimeSpan.FromSeconds((Total - Done) / Rate) : null;

    public override string ToString() =>
        $"{Stage}: {Done:N0}/{Total:N0} {Unit} ({Rate:N0} {Unit}/s{(Remaining is { } r ? $", {r:hh\\:mm\\:ss} left" : "")})";
}
