using System.Globalization;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Matching.Engine.Events.Exports;

/// <summary>
/// Writes one participant's agenda as an iCalendar file (RFC 5545) to import into a phone or desktop calendar:
/// a VEVENT per meeting in the event's own time zone, with the VTIMEZONE that defines it.
/// </summary>
public static class AgendaCalendar
{
    /// <summary>The zone of an event that names none: 校企双进 events are held in China.</summary>
    public const string DefaultTimeZone = "Asia/Shanghai";

    private const string ProductId = "-//Matching//Agenda Export//ZH";

    /// <summary>Returns the iCalendar text of <paramref name="agenda"/>: VCALENDAR, VTIMEZONE, one VEVENT per entry.</summary>
    /// <param name="ev">The event; its time zone (an IANA id, <see cref="DefaultTimeZone"/> when empty) gives the entries' local times meaning.</param>
    /// <param name="agenda">The participant's meetings.</param>
    /// <exception cref="TimeZoneNotFoundException">The event's time zone is unknown on this machine.</exception>
    public static string Write(AgendaEvent ev, Agenda agenda)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(agenda);

        var zoneId = ZoneId(ev);
        var entries = AgendaText.Sorted(agenda.Entries).ToList();
        var calendar = new Ical.Net.Calendar { ProductId = ProductId };
        calendar.AddTimeZone(TimeZoneFor(zoneId, entries.Select(e => e.StartLocal).Append(ev.StartsAtLocal).ToList()));

        var stamp = CalDateTime.UtcNow;
        foreach (var e in entries)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = Uid(ev, e),
                DtStamp = stamp,
                DtStart = new CalDateTime(DateTime.SpecifyKind(e.StartLocal, DateTimeKind.Unspecified), zoneId),
                DtEnd = new CalDateTime(DateTime.SpecifyKind(e.EndLocal, DateTimeKind.Unspecified), zoneId),
                Summary = "对接：" + AgendaText.OtherSide(agenda, e),
                Location = string.IsNullOrWhiteSpace(ev.Venue) ? $"桌 {e.Table}" : $"{ev.Venue} · 桌 {e.Table}",
                Description = Description(agenda, e),
                Status = Status(e.Status),
            });
        }
        // The serializer escapes commas, semicolons, backslashes and line breaks in text and folds long lines.
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    /// <summary>
    /// A file name for the participant's calendar, such as <c>evt-1-enterprise-org-7.ics</c>: only ASCII letters,
    /// digits, '-' and '_' taken from the ids, so it never holds a path separator or "..".
    /// </summary>
    public static string FileName(AgendaEvent ev, Agenda agenda)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(agenda);
        var stem = $"{Safe(ev.Id)}-{Safe(agenda.Role)}-{Safe(agenda.ParticipantId)}";
        // File systems allow 255 bytes; ids made of Chinese text triple in length when encoded.
        return (stem.Length > 120 ? stem[..120] : stem) + ".ics";
    }

    /// <summary>The zone the event's local times are in, as an IANA id (a Windows id is translated).</summary>
    internal static string ZoneId(AgendaEvent ev)
    {
        var id = string.IsNullOrWhiteSpace(ev.TimeZone) ? DefaultTimeZone : ev.TimeZone.Trim();
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) ? iana : id;
    }

    /// <summary>
    /// The VTIMEZONE for the zone around the given local times. Ical.Net's own (from NodaTime) describes a zone without
    /// daylight saving, such as Asia/Shanghai, as a STANDARD observance that starts in 1991 at +09:00 and repeats every
    /// September, which some readers take as +09:00 before each September. A zone whose offset does not change from a
    /// year before the first time to a year after the last gets one fixed observance instead; a zone with daylight
    /// saving gets the library's rules, which are right for it.
    /// </summary>
    private static VTimeZone TimeZoneFor(string zoneId, IReadOnlyList<DateTime> localTimes)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var from = new DateTime(localTimes.Min().Year - 1, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = localTimes.Max().AddYears(1);
        var offset = zone.GetUtcOffset(new DateTimeOffset(from));
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (zone.GetUtcOffset(new DateTimeOffset(day)) != offset)
                return VTimeZone.FromDateTimeZone(zoneId, from.AddYears(1), includeHistoricalData: false);
        }
        var fixedZone = new VTimeZone(zoneId);
        fixedZone.TimeZoneInfos.Add(new VTimeZoneInfo("STANDARD")
        {
            DtStart = new CalDateTime(DateTime.SpecifyKind(from, DateTimeKind.Unspecified)),
            OffsetFrom = new UtcOffset(offset),
            OffsetTo = new UtcOffset(offset),
        });
        return fixedZone;
    }

    // The same meeting gets the same UID in every participant's file and every export, so importing again updates
    // the event instead of duplicating it. The offer kind is part of it because a result and an expert may share an id.
    private static string Uid(AgendaEvent ev, AgendaEntry e) =>
        $"{Safe(ev.Id)}-{Safe(e.EnterpriseId)}-{Safe(e.OfferKind)}-{Safe(e.OfferId)}@matching";

    private static string Description(Agenda agenda, AgendaEntry e)
    {
        var lines = new List<string>();
        if (agenda.Role != EventParticipant.Enterprise) lines.Add($"企业：{e.EnterpriseName}");
        lines.Add($"{AgendaText.Kind(e.OfferKind)}：{e.OfferTitle}");
        if (!string.IsNullOrWhiteSpace(e.ExpertName)) lines.Add($"专家：{e.ExpertName}");
        if (!string.IsNullOrWhiteSpace(e.University)) lines.Add($"高校：{e.University}");
        lines.Add($"匹配度：{AgendaText.Percent(e.Score)}");
        lines.Add($"状态：{AgendaText.Status(e.Status)}");
        return string.Join("\n", lines);
    }

    private static string? Status(string status) => status switch
    {
        MeetingStatus.Confirmed => Ical.Net.EventStatus.Confirmed,
        MeetingStatus.Proposed => Ical.Net.EventStatus.Tentative,
        MeetingStatus.Declined => Ical.Net.EventStatus.Cancelled,
        _ => null,
    };

    /// <summary>
    /// An id as a token: ASCII letters, digits and '-' are kept, every other character becomes its UTF-8 bytes as
    /// _XX, so distinct ids stay distinct and nothing like '/', '\' or '.' survives.
    /// </summary>
    internal static string Safe(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "_";
        var sb = new StringBuilder(id.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in id.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value == '-'))
            {
                sb.Append((char)rune.Value);
                continue;
            }
            var n = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..n]) sb.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
