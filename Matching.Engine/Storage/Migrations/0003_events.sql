-- Events: a 校企双进 event with its participants, the organiser's pins and forbids, requests, the generated meetings
-- with their slots and confirmations, and what came of each meeting. Outcomes also become judgements.
CREATE TABLE events (
    id                         TEXT PRIMARY KEY,
    name                       TEXT NOT NULL,
    format                     TEXT NOT NULL,
    status                     TEXT NOT NULL DEFAULT 'draft',
    time_zone                  TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    starts_at                  TEXT NOT NULL,
    slot_minutes               INTEGER NOT NULL DEFAULT 20,
    slots                      INTEGER NOT NULL DEFAULT 6,
    tables                     INTEGER NOT NULL DEFAULT 40,
    venue                      TEXT,
    enterprise_cap             INTEGER NOT NULL DEFAULT 3,
    offer_cap                  INTEGER NOT NULL DEFAULT 4,
    expert_cap                 INTEGER NOT NULL DEFAULT 5,
    one_per_university         INTEGER NOT NULL DEFAULT 0,
    candidates_per_enterprise  INTEGER NOT NULL DEFAULT 30,
    min_score                  REAL NOT NULL DEFAULT 0,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);

-- kind: enterprise (an organisation), result, expert.
CREATE TABLE event_participants (
    event_id  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    PRIMARY KEY (event_id, kind, id)
);

-- kind: pin or forbid; a pin from an accepted request carries the request's id in note.
CREATE TABLE event_constraints (
    event_id       TEXT NOT NULL,
    enterprise_id  TEXT NOT NULL,
    offer_kind     TEXT NOT NULL,
    offer_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    note           TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (event_id, enterprise_id, offer_kind, offer_id)
);

CREATE TABLE event_meetings (
    event_id           TEXT NOT NULL,
    enterprise_id      TEXT NOT NULL,
    offer_kind         TEXT NOT NULL,
    offer_id           TEXT NOT NULL,
    need_id            TEXT,
    score              REAL NOT NULL,
    slot               INTEGER NOT NULL,
    table_no           INTEGER NOT NULL,
    pinned             INTEGER NOT NULL DEFAULT 0,
    enterprise_status  TEXT NOT NULL DEFAULT 'proposed',
    offer_status       TEXT NOT NULL DEFAULT 'proposed',
    PRIMARY KEY (event_id, enterprise_id, offer_kind, offer_id)
);

-- stage: met, interested, intent, signed (or none when not attended).
CREATE TABLE event_outcomes (
    event_id       TEXT NOT NULL,
    enterprise_id  TEXT NOT NULL,
    offer_kind     TEXT NOT NULL,
    offer_id       TEXT NOT NULL,
    attended       INTEGER NOT NULL,
    stage          TEXT,
    amount         NUMERIC,
    reason         TEXT,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (event_id, enterprise_id, offer_kind, offer_id)
);
