using System.Globalization;
using CsvHelper;

namespace Matching.Engine.Events.Exports;

/// <summary>The words and formats the agenda exports share, so a CSV, a calendar and a printed page say the same.</summary>
internal static class AgendaText
{
    public static IEnumerable<AgendaEntry> Sorted(IEnumerable<AgendaEntry> entries) =>
        entries.OrderBy(e => e.Slot).ThenBy(e => e.Table);

    public static string LocalTime(DateTime local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A score as a number for a sheet (0.97), which Excel reads and the outcome upload reads back.</summary>
    public static string Score(double score) => score.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A score as people read it everywhere else on the site: 97%.</summary>
    public static string Percent(double score) =>
        ((int)Math.Round(Math.Clamp(double.IsFinite(score) ? score : 0, 0, 1) * 100)).ToString(CultureInfo.InvariantCulture) + "%";

    public static string Kind(string offerKind) => offerKind switch
    {
        EventParticipant.Result => "成果",
        EventParticipant.Expert => "专家",
        _ => offerKind,
    };

    public static string Role(string role) => role switch
    {
        EventParticipant.Enterprise => "企业",
        EventParticipant.Result => "成果",
        EventParticipant.Expert => "专家",
        _ => role,
    };

    public static string Status(string status) => status switch
    {
        MeetingStatus.Proposed => "待确认",
        MeetingStatus.Confirmed => "已确认",
        MeetingStatus.Declined => "已婉拒",
        _ => status,
    };

    /// <summary>Who the participant meets: an enterprise meets an offer, an expert or a result meets an enterprise.</summary>
    public static string OtherSide(Agenda agenda, AgendaEntry e) =>
        agenda.Role == EventParticipant.Enterprise ? e.OfferTitle : e.EnterpriseName;

    /// <summary>Expert and university together, for one column or line; empty when neither is known.</summary>
    public static string ExpertAndUniversity(AgendaEntry e) =>
        string.Join(" · ", new[] { e.ExpertName, e.University }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
