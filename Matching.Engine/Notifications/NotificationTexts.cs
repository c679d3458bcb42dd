using System.Globalization;
using Matching.Engine.Events;

namespace Matching.Engine.Notifications;

/// <summary>
/// The words of notifications and their e-mails, in Chinese (the site's language) or English when the recipient chose
/// it (<c>Account.Language</c> "en"). Kept beside the notifier: the engine writes a notification's text once, in its
/// recipient's language, and the e-mail repeats it.
/// </summary>
public abstract class NotificationTexts
{
    public static readonly NotificationTexts Chinese = new ChineseTexts(), English = new EnglishTexts();

    /// <summary>The texts for a user's language: English for "en" (and "en-…"), Chinese otherwise.</summary>
    public static NotificationTexts For(string? language) =>
        language is not null && (language == "en" || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase)) ? English : Chinese;

    public abstract string StrongMatchesTitle(int count, string needTitle);
    public abstract string StrongMatchesIntro(string needTitle);
    public abstract string Candidate(string kind, string title, double score);
    public abstract string More(int count);

    public abstract string MeetingsTitle(string eventName, int count);
    public abstract string MeetingsIntro(string eventName, DateTime startsAt, string? venue);
    public abstract string NoMeetings { get; }
    public abstract string Meeting(AgendaEntry e, string? side);
    public abstract string AnswerHere { get; }
    public abstract string CalendarFile(string url);

    public abstract string AnsweredTitle(string who, string status);
    public abstract string AnsweredBody(AgendaEntry e, string who, string status);

    public abstract string MailOpen(string url);
    public abstract string MailFooter { get; }

    protected static string Time(DateTime t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);
    protected static string Day(DateTime t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    protected static string Score(double s) => s.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed class ChineseTexts : NotificationTexts
    {
        public override string StrongMatchesTitle(int count, string needTitle) => $"{count} 条新的强匹配：{needTitle}";
        public override string StrongMatchesIntro(string needTitle) => $"您的需求「{needTitle}」有新的高匹配度成果或专家：";
        public override string Candidate(string kind, string title, double score) => $"· {(kind == "expert" ? "专家" : "成果")}：{title}（匹配度 {Score(score)}）";
        public override string More(int count) => $"……另有 {count} 条";
        public override string MeetingsTitle(string eventName, int count) =>
            count == 0 ? $"对接活动已发布：{eventName}" : $"对接活动已发布：{eventName}（{count} 场对接待确认）";
        public override string MeetingsIntro(string eventName, DateTime startsAt, string? venue) =>
            $"「{eventName}」已发布对接日程，{Day(startsAt)} 开始{(string.IsNullOrWhiteSpace(venue) ? "" : "，地点：" + venue)}。您的对接：";
        public override string NoMeetings => "本次活动暂未为您安排对接。";
        public override string Meeting(AgendaEntry e, string? side) =>
            $"· {Time(e.StartLocal)}–{Time(e.EndLocal)} 第 {e.Table} 桌：" +
            (side == "enterprise" ? $"{(e.OfferKind == "expert" ? "专家" : "成果")} {e.OfferTitle}{With(e)}" : $"{e.EnterpriseName} ↔ {e.OfferTitle}");
        public override string AnswerHere => "请在日程页确认或婉拒每场对接。";
        public override string CalendarFile(string url) => $"日历文件（.ics）：{url}";
        public override string AnsweredTitle(string who, string status) => status == MeetingStatus.Confirmed ? $"{who} 已确认对接" : $"{who} 婉拒了对接";
        public override string AnsweredBody(AgendaEntry e, string who, string status) =>
            $"{who}{(status == MeetingStatus.Confirmed ? "已确认" : "婉拒了")} {Day(e.StartLocal)} 第 {e.Table} 桌的对接：{e.EnterpriseName} ↔ {e.OfferTitle}。";
        public override string MailOpen(string url) => $"查看：{url}";
        public override string MailFooter => "此邮件由“校企双进”匹配平台自动发送，请勿直接回复。";

        private static string With(AgendaEntry e) => e.Presenter is { Length: > 0 } who ? $"（{who}）" : "";
    }

    private sealed class EnglishTexts : NotificationTexts
    {
        public override string StrongMatchesTitle(int count, string needTitle) => $"{count} new strong match{(count == 1 ? "" : "es")}: {needTitle}";
        public override string StrongMatchesIntro(string needTitle) => $"Your need \"{needTitle}\" has new closely matching results or experts:";
        public override string Candidate(string kind, string title, double score) => $"- {(kind == "expert" ? "Expert" : "Result")}: {title} (score {Score(score)})";
        public override string More(int count) => $"... and {count} more";
        public override string MeetingsTitle(string eventName, int count) =>
            count == 0 ? $"Event published: {eventName}" : $"Event published: {eventName} ({count} meeting{(count == 1 ? "" : "s")} to confirm)";
        public override string MeetingsIntro(string eventName, DateTime startsAt, string? venue) =>
            $"The schedule of \"{eventName}\" is published; it starts {Day(startsAt)}{(string.IsNullOrWhiteSpace(venue) ? "" : ", at " + venue)}. Your meetings:";
        public override string NoMeetings => "No meetings are scheduled for you at this event.";
        public override string Meeting(AgendaEntry e, string? side) =>
            $"- {Time(e.StartLocal)}–{Time(e.EndLocal)} table {e.Table}: " +
            (side == "enterprise" ? $"{(e.OfferKind == "expert" ? "expert" : "result")} {e.OfferTitle}{With(e)}" : $"{e.EnterpriseName} <-> {e.OfferTitle}");
        public override string AnswerHere => "Please confirm or decline each meeting on your agenda page.";
        public override string CalendarFile(string url) => $"Calendar file (.ics): {url}";
        public override string AnsweredTitle(string who, string status) => status == MeetingStatus.Confirmed ? $"{who} confirmed a meeting" : $"{who} declined a meeting";
        public override string AnsweredBody(AgendaEntry e, string who, string status) =>
            $"{who} {(status == MeetingStatus.Confirmed ? "confirmed" : "declined")} the meeting at {Day(e.StartLocal)}, table {e.Table}: {e.EnterpriseName} <-> {e.OfferTitle}.";
        public override string MailOpen(string url) => $"Open: {url}";
        public override string MailFooter => "This message was sent by the Matching platform; please do not reply to it.";

        private static string With(AgendaEntry e) => e.Presenter is { Length: > 0 } who ? $" ({who})" : "";
    }
}
