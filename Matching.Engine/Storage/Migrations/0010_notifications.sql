-- Notifications for the site's users: new strong matches for a need, proposed meetings when an event is published,
-- the other side's answer to a meeting. Each is made once: its dedupe key (kind and subject, e.g. the event and the
-- user's meetings) is unique per user, so a retried job or a repeated click adds nothing. emailed_at is set once the
-- mail job has sent it.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    emailed_at  TEXT
);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The header's unread count on every page reads only this.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The strong matches a need's enterprise has been told about, so a list recomputed later tells only the new ones.
CREATE TABLE notified_matches (
    need_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    notified_at  TEXT NOT NULL,
    PRIMARY KEY (need_id, kind, candidate_id)
);
