-- The feature vector a pair was scored with, kept where the score is shown or used, so that a judgement arriving
-- later (a thumb on a list, an outcome weeks after an event) trains on what was shown, not on the records as they
-- are at training time. Format: "<feature schema id>:<base64 of float32 little-endian>" (Features/FeatureLog.cs);
-- NULL where nothing was logged (rows written before this, lists computed per request).
ALTER TABLE match_lists ADD COLUMN features TEXT;
ALTER TABLE event_meetings ADD COLUMN model TEXT;
ALTER TABLE event_meetings ADD COLUMN features TEXT;
ALTER TABLE judgements ADD COLUMN model TEXT;
ALTER TABLE judgements ADD COLUMN features TEXT;
