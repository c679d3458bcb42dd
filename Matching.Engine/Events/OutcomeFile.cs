using System.Globalization;
using System.Text;
using CsvHelper;
using Matching.Engine.Messages;

namespace Matching.Engine.Events;

/// <summary>One rejected line of an outcomes file: its number (the header is line 1) and why.</summary>
public sealed record OutcomeRowError(int Line, Message Reason);

/// <summary>What recording an outcomes file did: outcomes stored, judgements written, and every rejected line.</summary>
public sealed record OutcomeFileReport(int Recorded, int Judgements, IReadOnlyList<OutcomeRowError> Rejected);

/// <summary>
/// Reads outcomes from CSV, as organisers fill them in Excel after an event (UTF-8 with or without BOM):
/// a header row naming the columns enterprise, offer_kind, offer, attended, stage, amount, reason (ids; the Chinese
/// headers of the exported meetings CSV — 企业编号, 对接对象类型, 对接对象编号, 到场, 进展, 金额, 原因 — also work, so
/// the export filled in after the event goes straight back in). Rows whose 到场 is left empty are skipped. attended is 1/0, yes/no or 是/否; stage is met,
/// interested, intent or signed (见面, 有兴趣, 意向, 签约); offer_kind is result or expert (成果, 专家). Bad rows are
/// reported with their line numbers and never block the good ones.
/// </summary>
public static class OutcomeFile
{
    /// <summary>Most rows read from one file.</summary>
    public const int MaxRows = 100_000;

    private static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["enterprise"] = "enterprise", ["企业编号"] = "enterprise", ["offer_kind"] = "offer_kind", ["对接对象类型"] = "offer_kind",
        ["offer"] = "offer", ["对接对象编号"] = "offer", ["attended"] = "attended", ["到场"] = "attended", ["stage"] = "stage", ["进展"] = "stage",
        ["amount"] = "amount", ["金额"] = "amount", ["reason"] = "reason", ["原因"] = "reason",
    };

    private static readonly Dictionary<string, string> Stages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["met"] = "met", ["见面"] = "met", ["interested"] = "interested", ["有兴趣"] = "interested", ["intent"] = "intent", ["意向"] = "intent",
        ["signed"] = "signed", ["签约"] = "signed",
    };

    /// <summary>
    /// Reads a file and records its good rows for an event; rows the file or the event refuses come back with their
    /// line numbers, in line order.
    /// </summary>
    public static OutcomeFileReport Record(Storage.EventStore events, string eventId, Stream input)
    {
        var (rows, errors) = Read(input);
        var report = events.RecordOutcomes(eventId, rows.Select(r => r.Outcome).ToList());
        var rejected = errors.Concat(report.Rejected.Select(r => new OutcomeRowError(rows[r.Index].Line, r.Reason))).OrderBy(e => e.Line).ToList();
        return new OutcomeFileReport(report.Recorded, report.Judgements, rejected);
    }

    public static (IReadOnlyList<(int Line, MeetingOutcome Outcome)> Outcomes, IReadOnlyList<OutcomeRowError> Errors) Read(Stream input)
    {
        var outcomes = new List<(int Line, MeetingOutcome Outcome)>();
        var errors = new List<OutcomeRowError>();
        using var reader = CsvReader.Create(input, CsvReaderOptions.Default with { Encoding = Encoding.UTF8 }, leaveOpen: true);
        var index = new Dictionary<string, int>();
        var headers = reader.Headers.ToArray();
        for (var i = 0; i < headers.Length; i++)
            if (Columns.TryGetValue(headers[i].Trim().TrimStart('\uFEFF'), out var name)) index.TryAdd(name, i);
        foreach (var required in new[] { "enterprise", "offer", "attended" })
            if (!index.ContainsKey(required)) return ([], [new OutcomeRowError(1, Message.Of("Outcome.NoColumn", required))]);
        var line = 1;
        while (reader.Read())
        {
            line++;
            if (outcomes.Count + errors.Count >= MaxRows) { errors.Add(new OutcomeRowError(line, Message.Of("Outcome.TooManyRows", MaxRows))); break; }
            string Field(string name) => index.TryGetValue(name, out var i) && i < reader.FieldCount ? reader.GetString(i).Trim() : "";
            var enterprise = Field("enterprise");
            var offer = Field("offer");
            if (enterprise.Length == 0 || offer.Length == 0) { errors.Add(new OutcomeRowError(line, Message.Of("Outcome.PairRequired", "enterprise", "offer"))); continue; }
            var kind = Field("offer_kind") switch { "" or "result" or "成果" => EventParticipant.Result, "expert" or "专家" => EventParticipant.Expert, var k => k };
            if (kind is not (EventParticipant.Result or EventParticipant.Expert)) { errors.Add(new OutcomeRowError(line, Message.Of("Outcome.BadKind", kind, "result / expert / 成果 / 专家"))); continue; }
            if (Field("attended").Length == 0) continue;
            bool? attended = Field("attended").ToLowerInvariant() switch { "1" or "yes" or "true" or "是" or "y" => true, "0" or "no" or "false" or "否" or "n" => false, _ => null };
            if (attended is null) { errors.Add(new OutcomeRowError(line, Message.Of("Outcome.BadAttended", Field("attended"), "1/0, yes/no, 是/否"))); continue; }
            string? stage = null;
            if (Field("stage") is { Length: > 0 } s && !Stages.TryGetValue(s, out stage)) { errors.Add(new OutcomeRowError(line, Message.Of("Outcome.BadStage", s, "met / interested / intent / signed, 见面 / 有兴趣 / 意向 / 签约"))); continue; }
            decimal? amount = null;
            if (Field("amount") is { Length: > 0 } a)
            {
                if (!decimal.TryParse(a.Replace(",", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) || parsed < 0) { errors.Add(new OutcomeRowError(line, Message.Of("Import.NotNumber", a))); continue; }
                amount = parsed;
            }
            var reason = Field("reason");
            outcomes.Add((line, new MeetingOutcome(enterprise, kind, offer, attended.Value, attended.Value ? stage ?? "met" : null, amount, reason.Length > 0 ? reason[..Math.Min(reason.Length, 500)] : null)));
        }
        return (outcomes, errors);
    }
}
