-- An event's lowest meeting score as the organiser chose it; null means the serving model's match floor (the score at
-- which P(grade >= 1) reaches 0.5). Events made before took min_score 0 by default, which booked meetings scoring
-- 0.00: those follow the floor now; a score an organiser set stays.
ALTER TABLE events ADD COLUMN min_score_given REAL;
UPDATE events SET min_score_given = min_score WHERE min_score > 0;
