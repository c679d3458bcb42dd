-- Model registry: every version with its folder under data/models and its metrics; one is active. The history
-- keeps every registration, promotion and rollback.
CREATE TABLE model_versions (
    version        TEXT PRIMARY KEY,
    folder         TEXT NOT NULL,
    trained_at     TEXT,
    metrics        TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL DEFAULT 'candidate',
    note           TEXT,
    registered_at  TEXT NOT NULL
);

CREATE TABLE model_history (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    version  TEXT NOT NULL,
    action   TEXT NOT NULL,
    note     TEXT,
    at       TEXT NOT NULL
);
