-- The highlighted snippets of the first entries of each stored list, computed by the match job with the need's
-- highlight rule, so a page or an API call reads them instead of highlighting each candidate again.
ALTER TABLE match_lists ADD COLUMN snippets TEXT;
