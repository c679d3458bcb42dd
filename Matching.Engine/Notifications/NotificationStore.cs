using Dapper;
using Matching.Engine.Storage;

namespace Matching.Engine.Notifications;

/// <summary>
/// Users' notifications (migration 0010), and the strong matches each need's enterprise has been told about. Both
/// providers; times are ISO-8601 text like the other tables.
/// </summary>
public sealed class NotificationStore(MatchingDatabase database)
{
    public const int MaxTitle = 200, MaxBody = 4000, MaxKey = 400;

    private const string Columns = """
        id AS Id, user_id AS UserId, kind AS Kind, title AS Title, body AS Body, link AS Link, created_at AS CreatedAt,
        read_at AS ReadAt, emailed_at AS EmailedAt
        """;

    /// <summary>
    /// Adds each draft unless its user already has one with its dedupe key, in one transaction; returns every draft as
    /// stored (the earlier notification when it was not new).
    /// </summary>
    public IReadOnlyList<StoredNotification> Add(IReadOnlyList<NotificationDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0) return [];
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var now = Rows.Now();
        var stored = new List<StoredNotification>(drafts.Count);
        foreach (var d in drafts)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(d.UserId);
            ArgumentException.ThrowIfNullOrWhiteSpace(d.DedupeKey);
            if (d.DedupeKey.Length > MaxKey) throw new ArgumentException($"a dedupe key is at most {MaxKey} characters", nameof(drafts));
            var added = connection.Execute("""
                INSERT INTO notifications (user_id, kind, dedupe_key, title, body, link, created_at)
                VALUES (@UserId, @Kind, @DedupeKey, @title, @body, @Link, @now)
                ON CONFLICT (user_id, dedupe_key) DO NOTHING
                """, new { d.UserId, d.Kind, d.DedupeKey, title = Cut(d.Title, MaxTitle), body = Cut(d.Body, MaxBody), d.Link, now }, tx) == 1;
            var row = connection.QuerySingle<Row>($"SELECT {Columns} FROM notifications WHERE user_id = @UserId AND dedupe_key = @DedupeKey", new { d.UserId, d.DedupeKey }, tx);
            stored.Add(new StoredNotification(row.ToNotification(), added));
        }
        tx.Commit();
        return stored;
    }

    public Notification? Get(long id)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM notifications WHERE id = @id", new { id })?.ToNotification();
    }

    /// <summary>A page of the user's notifications, newest first.</summary>
    public NotificationPage For(string userId, int page = 1, int pageSize = 20)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        using var connection = database.Open();
        var total = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM notifications WHERE user_id = @userId", new { userId });
        var items = connection.Query<Row>($"SELECT {Columns} FROM notifications WHERE user_id = @userId ORDER BY id DESC LIMIT @take OFFSET @skip",
            new { userId, take = pageSize, skip = (long)(page - 1) * pageSize }).Select(r => r.ToNotification()).ToList();
        return new NotificationPage(items, total, page, pageSize);
    }

    /// <summary>How many of the user's notifications are unread (one indexed COUNT: the header shows it on every page).</summary>
    public long UnreadCount(string userId)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM notifications WHERE user_id = @userId AND read_at IS NULL", new { userId });
    }

    /// <summary>Marks one of the user's notifications read; false when it is not theirs, unknown, or read already.</summary>
    public bool MarkRead(string userId, long id)
    {
        using var connection = database.Open();
        return connection.Execute("UPDATE notifications SET read_at = @now WHERE id = @id AND user_id = @userId AND read_at IS NULL",
            new { id, userId, now = Rows.Now() }) == 1;
    }

    /// <summary>Marks all the user's notifications read; returns how many were unread.</summary>
    public int MarkAllRead(string userId)
    {
        using var connection = database.Open();
        return connection.Execute("UPDATE notifications SET read_at = @now WHERE user_id = @userId AND read_at IS NULL", new { userId, now = Rows.Now() });
    }

    /// <summary>
    /// Notifications made between <paramref name="from"/> and <paramref name="to"/> and not e-mailed yet whose user has
    /// an e-mail address, oldest first.
    /// </summary>
    public IReadOnlyList<Notification> NotEmailed(DateTimeOffset from, DateTimeOffset to, int limit = 500)
    {
        using var connection = database.Open();
        return connection.Query<Row>($"""
                SELECT {Columns} FROM notifications
                WHERE emailed_at IS NULL AND created_at >= @from AND created_at <= @to
                  AND user_id IN (SELECT id FROM users WHERE email IS NOT NULL AND email <> '')
                ORDER BY id LIMIT @limit
                """, new { from = Time(from), to = Time(to), limit = Math.Clamp(limit, 1, 10_000) })
            .Select(r => r.ToNotification()).ToList();
    }

    /// <summary>Records that the notification was e-mailed; false when it already was.</summary>
    public bool MarkEmailed(long id)
    {
        using var connection = database.Open();
        return connection.Execute("UPDATE notifications SET emailed_at = @now WHERE id = @id AND emailed_at IS NULL", new { id, now = Rows.Now() }) == 1;
    }

    /// <summary>The candidates (result or expert ids by kind) each need's enterprise has been told about.</summary>
    public IReadOnlyDictionary<string, HashSet<(string Kind, string CandidateId)>> NotifiedMatches(IReadOnlyCollection<string> needIds)
    {
        var told = needIds.Distinct().ToDictionary(id => id, _ => new HashSet<(string, string)>());
        if (told.Count == 0) return told;
        using var connection = database.Open();
        foreach (var chunk in told.Keys.Chunk(500))
            foreach (var (need, kind, candidate) in connection.Query<(string, string, string)>(
                         database.Sql("SELECT need_id, kind, candidate_id FROM notified_matches WHERE need_id IN @chunk"), new { chunk }))
                told[need].Add((kind, candidate));
        return told;
    }

    /// <summary>Remembers that the need's enterprise has been told about these candidates.</summary>
    public void RecordNotifiedMatches(string needId, IEnumerable<(string Kind, string CandidateId)> candidates)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        var now = Rows.Now();
        foreach (var (kind, candidateId) in candidates)
            connection.Execute("""
                INSERT INTO notified_matches (need_id, kind, candidate_id, notified_at) VALUES (@needId, @kind, @candidateId, @now)
                ON CONFLICT (need_id, kind, candidate_id) DO NOTHING
                """, new { needId, kind, candidateId, now }, tx);
        tx.Commit();
    }

    private static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var keep = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1; // never half a character
        return text[..keep] + "…";
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Row
    {
        public long Id { get; set; }
        public string UserId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string Body { get; set; } = "";
        public string? Link { get; set; }
        public string CreatedAt { get; set; } = "";
        public string? ReadAt { get; set; }
        public string? EmailedAt { get; set; }

        public Notification ToNotification() =>
            new(Id, UserId, Kind, Title, Body, Link, Rows.Time(CreatedAt) ?? DateTimeOffset.MinValue, Rows.Time(ReadAt), Rows.Time(EmailedAt));
    }
}
