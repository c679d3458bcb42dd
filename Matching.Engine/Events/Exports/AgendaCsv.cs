using System.Globalization;
using CsvHelper;

namespace Matching.Engine.Events.Exports;

/// <summary>
/// Writes an event's meetings as a CSV file for organisers, made for Excel: UTF-8 with a byte order mark (without
/// it Excel reads Chinese as the system code page), CRLF line ends, Chinese headers, one row per meeting.
/// </summary>
public static class AgendaCsv
{
    private static readonly string[] Header =
        ["时段", "开始", "结束", "桌号", "企业", "对接对象类型", "对接对象", "专家", "高校", "匹配度", "状态", "企业编号", "对接对象编号", "到场", "进展", "金额", "原因"];

    // The defaults already quote as RFC 4180 needs and end records with CRLF; injection escaping puts ' in front of
    // text that starts with = + - @, tab or CR, so a hostile title shows as text instead of running as a formula.
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        WriteByteOrderMark = true,
        NewLine = "\r\n",
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>
    /// Writes a header row and one row per entry, sorted by slot then table, to <paramref name="output"/>, which is
    /// flushed and left open.
    /// </summary>
    /// <param name="output">The destination; the caller owns and disposes it.</param>
    /// <param name="ev">The event the entries belong to.</param>
    /// <param name="entries">The meetings to write.</param>
    public static void Write(Stream output, AgendaEvent ev, IEnumerable<AgendaEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(entries);

        using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader(Header);
        foreach (var e in AgendaText.Sorted(entries))
        {
            csv.WriteRecord([
                (e.Slot + 1).ToString(CultureInfo.InvariantCulture),
                AgendaText.LocalTime(e.StartLocal),
                AgendaText.LocalTime(e.EndLocal),
                e.Table.ToString(CultureInfo.InvariantCulture),
                e.EnterpriseName,
                AgendaText.Kind(e.OfferKind),
                e.OfferTitle,
                e.ExpertName ?? "",
                e.University ?? "",
                AgendaText.Score(e.Score),
                AgendaText.Status(e.Status),
                e.EnterpriseId,
                e.OfferId,
                // Left empty for the organiser to fill after the event: the same file goes back in as outcomes.
                "", "", "", "",
            ]);
        }
        csv.Flush();
    }
}
