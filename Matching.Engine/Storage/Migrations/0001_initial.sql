-- Records. Ids are the external ids of the interchange format; lists are JSON arrays in text columns.
CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT,
    aliases     TEXT NOT NULL DEFAULT '[]',
    parent_id   TEXT,
    region      TEXT,
    zone        TEXT,
    status      TEXT NOT NULL DEFAULT 'active',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Every name and alias, folded, pointing at its organisation: 川大 and 四川大学 resolve to one id.
CREATE TABLE organisation_names (
    name_key         TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL
);
CREATE INDEX ix_organisation_names_org ON organisation_names (organisation_id);

CREATE TABLE results (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    abstract         TEXT,
    keywords         TEXT NOT NULL DEFAULT '[]',
    organisation_id  TEXT,
    experts          TEXT NOT NULL DEFAULT '[]',
    industries       TEXT NOT NULL DEFAULT '[]',
    maturity         TEXT,
    cooperation      TEXT NOT NULL DEFAULT '[]',
    price_min        NUMERIC,
    price_max        NUMERIC,
    language         TEXT,
    visibility       TEXT NOT NULL DEFAULT 'public',
    status           TEXT NOT NULL DEFAULT 'active',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX ix_results_org ON results (organisation_id);

CREATE TABLE result_experts (
    result_id  TEXT NOT NULL,
    expert_id  TEXT NOT NULL,
    PRIMARY KEY (result_id, expert_id)
);
CREATE INDEX ix_result_experts_expert ON result_experts (expert_id);

CREATE TABLE experts (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    organisation_id  TEXT,
    title            TEXT,
    areas            TEXT NOT NULL DEFAULT '[]',
    bio              TEXT,
    status           TEXT NOT NULL DEFAULT 'active',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX ix_experts_org ON experts (organisation_id);

CREATE TABLE needs (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT,
    keywords         TEXT NOT NULL DEFAULT '[]',
    organisation_id  TEXT,
    industries       TEXT NOT NULL DEFAULT '[]',
    zone             TEXT,
    maturity         TEXT,
    cooperation      TEXT NOT NULL DEFAULT '[]',
    budget_min       NUMERIC,
    budget_max       NUMERIC,
    deadline         TEXT,
    visibility       TEXT NOT NULL DEFAULT 'public',
    language         TEXT,
    status           TEXT NOT NULL DEFAULT 'active',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX ix_needs_org ON needs (organisation_id);

CREATE TABLE judgements (
    need_id       TEXT NOT NULL,
    candidate_id  TEXT NOT NULL,
    grade         INTEGER NOT NULL,
    source        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (need_id, candidate_id, source)
);

-- The change log: every write to a record appends here in the same transaction. The index (and later the
-- matcher and the embedder) remember the last sequence they applied and catch up from it.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Imports started from the API or the CLI, with their report once finished.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    files        TEXT NOT NULL,
    job_id       TEXT,
    report       TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
