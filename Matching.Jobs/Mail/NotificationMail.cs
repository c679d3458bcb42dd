using System.Text;
using System.Text.RegularExpressions;
using Matching.Engine;
using Matching.Engine.Accounts;
using Matching.Engine.Notifications;
using MimeKit;
using MimeKit.Text;

namespace Matching.Jobs.Mail;

/// <summary>
/// A notification as an e-mail: plain text only (a record's title can hold anything, and plain text cannot be markup),
/// UTF-8, in the recipient's language, with the link made absolute. MimeKit encodes the subject and names (RFC 2047)
/// and the body; the subject is first made one line.
/// </summary>
public static partial class NotificationMail
{
    /// <summary>The message, or null when the recipient has no usable address (none, or not exactly one mailbox).</summary>
    public static MimeMessage? Compose(Notification notification, Account recipient, MailboxAddress from, SiteOptions site)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(recipient);
        if (string.IsNullOrWhiteSpace(recipient.Email) || !MailboxAddress.TryParse(recipient.Email.Trim(), out var to)) return null;
        if (string.IsNullOrEmpty(to.Name)) to.Name = OneLine(recipient.DisplayName ?? recipient.UserName);
        var t = NotificationTexts.For(recipient.Language);

        var text = new StringBuilder(notification.Body.Replace("\r\n", "\n")).Append("\n\n");
        if (notification.Link is { } link) text.Append(t.MailOpen(site.Absolute(link))).Append("\n\n");
        text.Append("-- \n").Append(t.MailFooter).Append('\n');
        var body = new TextPart(TextFormat.Plain);
        body.SetText(Encoding.UTF8, text.ToString());

        var message = new MimeMessage { Subject = OneLine(notification.Title), Body = body };
        message.From.Add(from);
        message.To.Add(to);
        // The same notification keeps its Message-Id, so a resend after a crash reads as the same message.
        message.MessageId = $"notification-{notification.Id}.{notification.CreatedAt.ToUnixTimeSeconds()}@{(string.IsNullOrEmpty(from.Domain) ? "matching" : from.Domain)}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add(HeaderId.ContentLanguage, NotificationTexts.For(recipient.Language) == NotificationTexts.English ? "en" : "zh-CN");
        return message;
    }

    /// <summary>Control characters and line breaks become spaces; runs of spaces one.</summary>
    internal static string OneLine(string text) => Spaces().Replace(Controls().Replace(text, " "), " ").Trim();

    [GeneratedRegex(@"\p{C}")]
    private static partial Regex Controls();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();
}
