namespace Matching.Engine.Diagnostics;

/// <summary>
/// Named crash points for the crash-safety tests: when the environment variable MATCHING_FAULT names a point,
/// the process dies there at once (no finally blocks, no disposal), as it would on a kill -9. Unset, it costs a
/// string comparison.
/// </summary>
public static class FaultInjection
{
    public const string Variable = "MATCHING_FAULT";

    /// <summary>After import batches are committed to the database, before the index commits them.</summary>
    public const string BeforeIndexCommit = "before-index-commit";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    public static void Point(string name)
    {
        if (Armed is not null && string.Equals(Armed, name, StringComparison.Ordinal))
            Environment.FailFast($"fault injected at {name}");
    }
}
