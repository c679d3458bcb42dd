using Hangfire;
using Matching.Engine.Notifications;
using Matching.Jobs.Jobs;
using Microsoft.Extensions.Options;

namespace Matching.Jobs.Mail;

/// <summary>Delivers notifications by queueing one <see cref="MailJob"/> each, when mail is on.</summary>
public sealed class MailQueue(IBackgroundJobClient jobs, IOptions<MailOptions> mail) : INotificationSink
{
    public void Deliver(IReadOnlyList<Notification> notifications)
    {
        if (!mail.Value.Enabled) return;
        foreach (var n in notifications) jobs.Enqueue<MailJob>(j => j.Send(n.Id, CancellationToken.None));
    }
}
