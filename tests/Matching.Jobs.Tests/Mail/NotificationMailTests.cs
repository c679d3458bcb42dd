using System.ComponentModel.DataAnnotations;
using Matching.Engine;
using Matching.Engine.Accounts;
using Matching.Engine.Notifications;
using Matching.Jobs.Mail;
using MimeKit;

namespace Matching.Jobs.Tests.Mail;

/// <summary>A notification as an e-mail: one-line encoded subject, plain text in the recipient's language, absolute link.</summary>
public class NotificationMailTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("校企双进匹配平台 <noreply@matching.example.cn>");
    private static readonly SiteOptions Site = new() { BaseUrl = "https://matching.example.cn/site/" };

    private static Notification Note(string title, string body = "正文 <b>不是标记</b>", string? link = "/agenda/ev-1") =>
        new(42, "u-1", NotificationKinds.MeetingsProposed, title, body, link, DateTimeOffset.UtcNow, null, null);

    [Fact]
    public void TheSubjectIsOneLineAndEncoded_TheBodyPlainTextWithTheAbsoluteLink()
    {
        var message = NotificationMail.Compose(Note("对接活动已发布：\r\nBcc: victim@example.com <script>"), new Account { UserName = "zhang", Email = "qiye@example.cn" }, From, Site)!;
        Assert.Equal("对接活动已发布： Bcc: victim@example.com <script>", message.Subject);
        Assert.Empty(message.Bcc);
        Assert.Equal("qiye@example.cn", Assert.Single(message.To.Mailboxes).Address);
        Assert.Null(message.HtmlBody);
        Assert.Contains("正文 <b>不是标记</b>", message.TextBody);
        Assert.Contains("查看：https://matching.example.cn/site/agenda/ev-1", message.TextBody);
        Assert.Contains("请勿直接回复", message.TextBody);

        using var wire = new MemoryStream();
        message.WriteTo(FormatOptions.Default, wire);
        var raw = System.Text.Encoding.UTF8.GetString(wire.ToArray());
        Assert.Matches(@"(?im)^Subject: =\?utf-8\?[bq]\?", raw);
        wire.Position = 0;
        Assert.Equal(message.Subject, MimeMessage.Load(wire).Subject);
    }

    [Fact]
    public void AnEnglishUser_GetsTheEnglishFrame_AndNoUsableAddressMeansNoMessage()
    {
        var english = NotificationMail.Compose(Note("Event published"), new Account { UserName = "li", Email = "li@example.com", Language = "en" }, From, Site)!;
        Assert.Contains("Open: https://matching.example.cn/site/agenda/ev-1", english.TextBody);
        Assert.Contains("please do not reply", english.TextBody);

        Assert.Null(NotificationMail.Compose(Note("x"), new Account { UserName = "none" }, From, Site));
        Assert.Null(NotificationMail.Compose(Note("x"), new Account { UserName = "two", Email = "a@example.cn, b@example.cn" }, From, Site));
        Assert.Null(NotificationMail.Compose(Note("x"), new Account { UserName = "bad", Email = "not an address" }, From, Site));
    }

    [Fact]
    public void MailOptions_AreOffWithoutAHost_AndNeedASenderWithOne()
    {
        Assert.Empty(Validate(new MailOptions()));
        Assert.False(new MailOptions().Enabled);
        Assert.Contains(Validate(new MailOptions { Host = "smtp.example.cn" }), r => r.MemberNames.Contains(nameof(MailOptions.From)));
        Assert.Contains(Validate(new MailOptions { Host = "smtp.example.cn", From = "noreply@example.cn", UserName = "u" }), r => r.MemberNames.Contains(nameof(MailOptions.Password)));
        Assert.Empty(Validate(new MailOptions { Host = "smtp.example.cn", From = "匹配平台 <noreply@example.cn>", Port = 465 }));
        Assert.NotEmpty(Validate(new MailOptions { Host = "smtp.example.cn", From = "noreply@example.cn", Port = 0 }));
    }

    private static List<ValidationResult> Validate(MailOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
