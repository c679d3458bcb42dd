-- Which process runs an import and when it last said so, so a server starting after a crash finds imports whose
-- runner died and runs them again (an import is re-entrant: its rows are upserted by id).
ALTER TABLE imports ADD COLUMN owner TEXT;
ALTER TABLE imports ADD COLUMN heartbeat_at TEXT;
