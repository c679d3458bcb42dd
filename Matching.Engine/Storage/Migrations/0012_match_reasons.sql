-- The reasons (feature contributions as sentences) of a stored list's first entries, written by the match job with
-- their snippets, so the need page shows why each match is there without scoring anything per request.
ALTER TABLE match_lists ADD COLUMN reasons TEXT;
