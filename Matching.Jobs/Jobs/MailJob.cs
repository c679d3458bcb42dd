using Hangfire;
using MailKit.Net.Smtp;
using MailKit.Security;
using Matching.Engine;
using Matching.Engine.Accounts;
using Matching.Engine.Notifications;
using Matching.Jobs.Mail;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Jobs;

/// <summary>
/// E-mails one notification to its user. Re-entrant: it sends only a notification not e-mailed yet, under a lock per
/// notification, and then marks it e-mailed, so a second copy of the job sends nothing. A process dying between
/// sending and marking sends it again on the retry (at least once; the message keeps its Message-Id).
/// </summary>
public sealed class MailJob(NotificationStore notifications, AccountStore accounts, IOptions<MailOptions> mail, IOptions<SiteOptions> site,
    JobStorage storage, IBackgroundJobClient jobs)
{
    /// <summary>How far back the hourly sweep looks for notifications whose job was lost.</summary>
    public static readonly TimeSpan SweepWindow = TimeSpan.FromDays(2);

    [Queue("default")]
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [30, 120, 600, 1800, 3600, 7200])]
    public string Send(long notificationId, CancellationToken cancellationToken) =>
        JobLocks.Run(storage, "mail:" + notificationId, () =>
        {
            var options = mail.Value;
            if (!options.Enabled) return "not sent: mail is off (Mail:Host is empty)";
            if (notifications.Get(notificationId) is not { } notification) return $"not sent: no notification {notificationId}";
            if (notification.EmailedAt is not null) return $"notification {notificationId} was e-mailed already";
            if (accounts.FindById(notification.UserId) is not { } user) return $"not sent: user {notification.UserId} is gone";
            if (NotificationMail.Compose(notification, user, options.Sender(), site.Value) is not { } message)
                return $"not sent: user {user.Id} has no usable e-mail address";

            using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
            client.Connect(options.Host, options.Port, options.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(options.UserName)) client.Authenticate(options.UserName, options.Password ?? "", cancellationToken);
            try
            {
                client.Send(message, cancellationToken);
            }
            catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
            {
                // A permanent refusal of this address: retrying cannot help, so the notification is done with e-mail.
                notifications.MarkEmailed(notificationId);
                return $"not sent: the server refused user {user.Id}'s address for good ({(int)e.StatusCode})";
            }
            client.Disconnect(true, cancellationToken);
            notifications.MarkEmailed(notificationId);
            return $"notification {notificationId} e-mailed to user {user.Id}";
        });

    /// <summary>
    /// Queues a send for notifications of the last <see cref="SweepWindow"/> that are still not e-mailed ten minutes on
    /// (their job was lost, or mail was just turned on). Runs hourly while mail is on.
    /// </summary>
    [Queue("default")]
    [AutomaticRetry(Attempts = 0)]
    public string SendPending()
    {
        if (!mail.Value.Enabled) return "mail is off";
        var now = DateTimeOffset.UtcNow;
        var pending = notifications.NotEmailed(now - SweepWindow, now - TimeSpan.FromMinutes(10));
        foreach (var n in pending) jobs.Enqueue<MailJob>(j => j.Send(n.Id, CancellationToken.None));
        return $"{pending.Count} notification(s) queued for e-mail";
    }
}
