namespace Matching.Engine.Records;

/// <summary>The kinds of record that the change log, the index and the API know.</summary>
public enum RecordKind
{
    Organisation,
    Result,
    Expert,
    Need,
    Judgement,
}

/// <summary>Names used for record kinds in storage and in the API.</summary>
public static class RecordKinds
{
    public static string Name(this RecordKind kind) => kind switch
    {
        RecordKind.Organisation => "organisation",
        RecordKind.Result => "result",
        RecordKind.Expert => "expert",
        RecordKind.Need => "need",
        RecordKind.Judgement => "judgement",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static RecordKind Parse(string name) => name switch
    {
        "organisation" => RecordKind.Organisation,
        "result" => RecordKind.Result,
        "expert" => RecordKind.Expert,
        "need" => RecordKind.Need,
        "judgement" => RecordKind.Judgement,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown record kind"),
    };
}

/// <summary>Record statuses. Withdrawn and closed records stay in the database but leave the index.</summary>
public static class RecordStatus
{
    public const string Active = "active";
    public const string Withdrawn = "withdrawn";
    public const string Closed = "closed";
}
