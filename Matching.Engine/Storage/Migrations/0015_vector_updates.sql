-- The dense candidate index of each process keeps its vectors in memory and reads only the rows written since its
-- last look (kind, model, updated_at > its mark): this index makes that read a range scan, not a pass over every blob.
CREATE INDEX record_vectors_updated ON record_vectors (kind, model, updated_at);
