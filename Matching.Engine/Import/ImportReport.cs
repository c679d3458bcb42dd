using Matching.Engine.Messages;

namespace Matching.Engine.Import;

/// <summary>What an import did with one file: counts, and every rejected row with its row number and reason.</summary>
public sealed class FileReport
{
    /// <summary>At most this many rejections and warnings are listed; the counts are always complete.</summary>
    public const int MaxListed = 1000;

    public required string File { get; init; }
    public required string Kind { get; init; }
    public string Encoding { get; set; } = "";
    public int Rows { get; set; }
    public int Accepted { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    /// <summary>Rows whose record was stored with exactly these values already.</summary>
    public int Unchanged { get; set; }
    /// <summary>True when the import checked the rows and wrote nothing (a dry run): the counts say what would happen.</summary>
    public bool DryRun { get; set; }
    /// <summary>Per accepted row: created, or which interchange fields it changed (at most <see cref="MaxListed"/>).</summary>
    public List<RowChange> Changes { get; } = [];
    public int Rejected { get; set; }
    public List<RowProblem> Rejections { get; } = [];
    public List<RowProblem> Warnings { get; } = [];
    public List<DuplicateId> Duplicates { get; } = [];
    /// <summary>A problem with the whole file (unreadable, too large); no row was read when set.</summary>
    public Message? Error { get; set; }

    internal void Reject(int row, string? id, string? field, Message reason)
    {
        Rejected++;
        if (Rejections.Count < MaxListed) Rejections.Add(new RowProblem(row, id, field, reason));
    }

    internal void Change(int row, string id, IReadOnlyList<string>? fields)
    {
        if (Changes.Count < MaxListed) Changes.Add(new RowChange(row, id, fields is null, fields ?? []));
    }

    internal void Warn(int row, string? id, string? field, Message message)
    {
        if (Warnings.Count < MaxListed) Warnings.Add(new RowProblem(row, id, field, message));
    }

    public override string ToString() =>
        Error is not null
            ? $"{File}: not imported: {Error}"
            : $"{File}: {Rows} rows, {Accepted} accepted ({Created} new, {Updated} updated, {Unchanged} unchanged), {Rejected} rejected, {Duplicates.Count} ids repeated in the file [{Encoding}]"
              + (DryRun ? " (dry run: nothing written)" : "");
}

/// <summary>A rejected row or a warning, with the 1-based row (line) number.</summary>
public sealed record RowProblem(int Row, string? Id, string? Field, Message Reason);

/// <summary>What an accepted row did: created its record, or changed these fields of it (none: it was already so).</summary>
public sealed record RowChange(int Row, string Id, bool Created, IReadOnlyList<string> Fields);

/// <summary>An id that appears on several rows of one file; the last row wins.</summary>
public sealed record DuplicateId(string Id, IReadOnlyList<int> Rows, int Kept);

/// <summary>The report of one import run over one or more files.</summary>
public sealed class ImportReport
{
    public List<FileReport> Files { get; } = [];
    public int Accepted => Files.Sum(f => f.Accepted);
    public int Rejected => Files.Sum(f => f.Rejected);
    public TimeSpan Elapsed { get; set; }

    public override string ToString() =>
        $"import: {Accepted} accepted, {Rejected} rejected in {Files.Count} file(s), {Elapsed.TotalSeconds:N1} s";
}
