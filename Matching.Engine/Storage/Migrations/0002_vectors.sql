-- A record's text as vectors, per model ("minilm-l6-256", "topics:<model version>"), keyed by the hash of the text
-- they were computed from, so a stale vector is recognised and recomputed. Written by the vector job from the
-- change log; read when scoring.
CREATE TABLE record_vectors (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    vector     BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id, model)
);

-- How far each consumer of the change log has got (the index keeps its own in its commit data).
CREATE TABLE log_cursors (
    name  TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL
);
