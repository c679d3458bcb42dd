-- What changed about accounts and API keys, in order: each web process keeps users' security stamps and live keys in
-- memory and drops an entry when a row here names it, so a deletion, role or password change, sign-out or revocation
-- reaches every node within a second without a database read per request.
CREATE TABLE security_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      TEXT NOT NULL
);
