-- Requests for a meeting, made by an enterprise or an expert before the list is published; an accepted request
-- becomes a pin.
CREATE TABLE event_requests (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       TEXT NOT NULL,
    enterprise_id  TEXT NOT NULL,
    offer_kind     TEXT NOT NULL,
    offer_id       TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending',
    note           TEXT,
    created_at     TEXT NOT NULL,
    decided_at     TEXT
);
CREATE INDEX ix_event_requests_event ON event_requests (event_id, status);
