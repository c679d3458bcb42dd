-- PIPL: an expert's profile is shown outside their organisation and the organisers only with their consent to a
-- public profile. Without it (the default, also for imported rows that do not say so) they are still matched for
-- events by organisers, but enterprises and visitors do not see them.
ALTER TABLE experts ADD COLUMN public_profile INTEGER NOT NULL DEFAULT 0;
