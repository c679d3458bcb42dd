namespace Matching.Engine.Notifications;

/// <summary>The kinds of notification.</summary>
public static class NotificationKinds
{
    /// <summary>Results or experts newly over the strong-match score for one of the enterprise's needs.</summary>
    public const string StrongMatches = "strong-matches";
    /// <summary>An event was published: the recipient's organisation's proposed meetings and where to answer them.</summary>
    public const string MeetingsProposed = "meetings-proposed";
    /// <summary>One side of a meeting confirmed or declined it.</summary>
    public const string MeetingAnswered = "meeting-answered";
}

/// <summary>
/// A stored notification for one user. <see cref="Link"/> is a path on the site (e.g. /agenda/ev-1); the e-mail makes it
/// absolute. Title and body are plain text in the recipient's language.
/// </summary>
public sealed record Notification(long Id, string UserId, string Kind, string Title, string Body, string? Link,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, DateTimeOffset? EmailedAt)
{
    public bool IsRead => ReadAt is not null;
}

/// <summary>
/// A notification to add. <see cref="DedupeKey"/> names what it is about (kind and subject); a second draft with the
/// same key for the same user adds nothing.
/// </summary>
public sealed record NotificationDraft(string UserId, string Kind, string DedupeKey, string Title, string Body, string? Link);

/// <summary>A draft as stored: the notification (new, or the one made earlier with the same key) and whether it is new.</summary>
public sealed record StoredNotification(Notification Notification, bool IsNew);

/// <summary>One page of a user's notifications, newest first.</summary>
public sealed record NotificationPage(IReadOnlyList<Notification> Items, long Total, int Page, int PageSize)
{
    public int Pages => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}
