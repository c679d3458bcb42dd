namespace Matching.Engine.Notifications;

/// <summary>
/// Delivers notifications outside the site. The engine only says which ones; the job server implements it by queueing
/// an e-mail per notification (so the engine carries no job-system types). Called after the notifications are stored,
/// with those not e-mailed yet whose recipient has an e-mail address; delivering one twice must be harmless.
/// </summary>
public interface INotificationSink
{
    void Deliver(IReadOnlyList<Notification> notifications);
}
