-- Accounts for the site (ASP.NET Core Identity through the app's own stores). One role per user; a user of a
-- university, institute or enterprise belongs to that organisation and edits only its records.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    user_name            TEXT NOT NULL,
    normalized_user_name TEXT NOT NULL UNIQUE,
    email                TEXT,
    normalized_email     TEXT,
    display_name         TEXT,
    password_hash        TEXT,
    security_stamp       TEXT,
    concurrency_stamp    TEXT,
    role                 TEXT NOT NULL,
    organisation_id      TEXT,
    lockout_enabled      INTEGER NOT NULL DEFAULT 1,
    lockout_end          TEXT,
    access_failed_count  INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    language             TEXT,
    created_at           TEXT NOT NULL
);
CREATE INDEX users_email ON users (normalized_email);
CREATE INDEX users_organisation ON users (organisation_id);

-- Keys for programs calling the API on an organisation's behalf. Only a hash is kept; the key is shown once.
CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    organisation_id TEXT,
    created_by      TEXT,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);

-- Who viewed or exported what that is not public, and who erased whom (PIPL).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id);

-- ASP.NET Core data protection keys (sign-in cookies, antiforgery tokens), so every web node of one database reads
-- the others' cookies and a restart signs nobody out.
CREATE TABLE protection_keys (
    name       TEXT PRIMARY KEY,
    xml        TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- An import made through the site is its requester's: the job imports only for their organisation.
ALTER TABLE imports ADD COLUMN requested_by TEXT;
ALTER TABLE imports ADD COLUMN requester_role TEXT;
ALTER TABLE imports ADD COLUMN requester_organisation TEXT;
