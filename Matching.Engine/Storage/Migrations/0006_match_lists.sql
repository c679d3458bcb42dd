-- Stored match lists: each open need's top results and experts as one model version scored them. Written by the
-- match job from the change log (in full when a model version becomes active); pages and the API read them, so a
-- request never computes a list the job has stored.
CREATE TABLE match_lists (
    model              TEXT NOT NULL,
    need_id            TEXT NOT NULL,
    kind               TEXT NOT NULL,
    rank               INTEGER NOT NULL,
    candidate_id       TEXT NOT NULL,
    score              REAL NOT NULL,
    bm25               REAL NOT NULL,
    bm25_rank          INTEGER NOT NULL,
    normalised         REAL NOT NULL,
    best_result_id     TEXT,
    best_result_score  REAL,
    PRIMARY KEY (model, need_id, kind, rank)
);
CREATE INDEX ix_match_lists_candidate ON match_lists (model, candidate_id);

-- Which needs a version has matched, and at what log position, so an empty list is known to be empty and a full pass
-- that was interrupted resumes where it stopped.
CREATE TABLE matched_needs (
    model        TEXT NOT NULL,
    need_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    computed_at  TEXT NOT NULL,
    PRIMARY KEY (model, need_id)
);

-- Each model version whose lists are kept: the log position its full pass covers and when that pass finished. Lists
-- of a version are served once its pass is complete; until then the previous complete version keeps serving.
CREATE TABLE match_versions (
    model         TEXT PRIMARY KEY,
    pass_seq      INTEGER NOT NULL,
    cursor        INTEGER NOT NULL,
    started_at    TEXT NOT NULL,
    completed_at  TEXT
);
