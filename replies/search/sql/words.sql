-- Ids of the entries whose word vector holds a lexeme (the occurrence tiers that pre-order
-- relevance candidates). A tier of a common word is in many rows, and a sequential scan would
-- de-TOAST every row's word vector: bitmap scans of the GIN index only.
CREATE OR REPLACE FUNCTION replies_search_words(word tsquery)
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
SET enable_seqscan = off SET enable_indexscan = off SET enable_nestloop = on AS $$
    SELECT reply_id FROM replies_replysearch WHERE words @@ word;
$$;
