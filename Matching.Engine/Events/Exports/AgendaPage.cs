using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Matching.Engine.Events.Exports;

/// <summary>
/// Renders agendas as one self-contained HTML page to print or save as PDF: a section per participant, each on a new
/// A4 page. No scripts and no external resources, so the page prints the same offline and from a saved file.
/// </summary>
public static class AgendaPage
{
    // A4 is 210 mm wide; with 15 mm margins 180 mm remain. A fixed table layout and wrapping anywhere keep a long
    // Chinese title (which has no spaces to break at) from widening the table past the printable width.
    private const string Style = """
        @page { size: A4; margin: 15mm; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; color: #111; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt; line-height: 1.45; }
        .page { max-width: 180mm; margin: 0 auto; }
        section.agenda + section.agenda { break-before: page; page-break-before: always; }
        header h1 { font-size: 15pt; margin: 0 0 2mm; overflow-wrap: anywhere; }
        header p { margin: 0 0 1mm; overflow-wrap: anywhere; }
        header .who { font-size: 12.5pt; font-weight: bold; margin: 3mm 0 4mm; }
        table { width: 100%; table-layout: fixed; border-collapse: collapse; }
        th, td { border: 0.3mm solid #888; padding: 1.5mm 2mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: normal; }
        th { background: #eee; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        td.num { text-align: right; }
        .sub { color: #555; font-size: 9pt; }
        .empty { color: #555; }
        """;

    /// <summary>Returns a complete HTML5 document with one printed page (or more) per agenda.</summary>
    /// <param name="ev">The event named in every section's heading.</param>
    /// <param name="agendas">The participants' agendas, in the order to print them.</param>
    public static string Render(AgendaEvent ev, IEnumerable<Agenda> agendas)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(agendas);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(ev.Name)).Append(" · 对接日程</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<main class=\"page\">\n");
        foreach (var agenda in agendas) Section(html, ev, agenda);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, AgendaEvent ev, Agenda agenda)
    {
        var date = ev.StartsAtLocal.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
        html.Append("<section class=\"agenda\">\n<header>\n")
            .Append("<h1>").Append(Encode(ev.Name)).Append("</h1>\n")
            .Append("<p>").Append(Encode(ev.Format)).Append(" · ").Append(date);
        if (!string.IsNullOrWhiteSpace(ev.Venue)) html.Append(" · ").Append(Encode(ev.Venue));
        html.Append("</p>\n<p class=\"who\">").Append(Encode(agenda.ParticipantName))
            .Append("（").Append(Encode(AgendaText.Role(agenda.Role))).Append("）的对接日程</p>\n</header>\n");

        html.Append("<table>\n<colgroup><col style=\"width:17%\"><col style=\"width:8%\"><col style=\"width:35%\">")
            .Append("<col style=\"width:20%\"><col style=\"width:9%\"><col style=\"width:11%\"></colgroup>\n")
            .Append("<thead><tr><th>时间</th><th>桌号</th><th>对接对象</th><th>专家/高校</th><th>匹配度</th><th>状态</th></tr></thead>\n<tbody>\n");
        var any = false;
        foreach (var e in AgendaText.Sorted(agenda.Entries))
        {
            any = true;
            html.Append("<tr><td>").Append(e.StartLocal.ToString("HH:mm", CultureInfo.InvariantCulture))
                .Append("–").Append(e.EndLocal.ToString("HH:mm", CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td class=\"num\">").Append(e.Table.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td>").Append(Encode(AgendaText.OtherSide(agenda, e)));
            // An expert may bring several results, so their page also says which offer each meeting is about.
            var about = agenda.Role == EventParticipant.Enterprise ? AgendaText.Kind(e.OfferKind) : $"{AgendaText.Kind(e.OfferKind)}：{e.OfferTitle}";
            html.Append("<div class=\"sub\">").Append(Encode(about)).Append("</div>");
            if (e.AlsoCovers.Count > 0) html.Append("<div class=\"sub\">同时介绍：").Append(Encode(string.Join("；", e.AlsoCovers))).Append("</div>");
            html.Append("</td><td>").Append(Encode(AgendaText.ExpertAndUniversity(e))).Append("</td>")
                .Append("<td class=\"num\">").Append(AgendaText.Percent(e.Score)).Append("</td>")
                .Append("<td>").Append(Encode(AgendaText.Status(e.Status))).Append("</td></tr>\n");
        }
        if (!any) html.Append("<tr><td class=\"empty\" colspan=\"6\">暂无对接安排</td></tr>\n");
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    // HtmlEncoder.Default and WebUtility.HtmlEncode escape < > & " ' but also turn Chinese text (the former) or Latin-1
    // such as the "·" in event names (the latter) into numeric references; allowing all ranges keeps text readable
    // in the source while markup characters are still escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Encode(string? text) => Encoder.Encode(text ?? "");
}
