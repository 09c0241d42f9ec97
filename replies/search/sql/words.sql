-- Ids of the entries whose word vector holds a lexeme (the occurrence tiers that pre-order
-- relevance candidates). A tier of a common word is in many rows, and a sequential scan would
-- de-TOAST every row's word vector; the column keeps no statistics (migration 0018), so the
-- planner takes the default selectivity of @@ and reads the GIN index with a bitmap scan.
CREATE OR REPLACE FUNCTION replies_search_words(word tsquery)
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 AS $$
    SELECT reply_id FROM replies_replysearch WHERE words @@ word;
$$;
