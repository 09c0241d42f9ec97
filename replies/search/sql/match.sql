-- Ids of the indexed replies that contain a term literally. ``grams`` is the AND of the term's
-- grams (exact for one or two characters), ``word`` the term as one word lexeme. The GIN
-- indexes answer without reading any row's text; only the replies that have every bigram of a
-- longer term without having it as a word are checked with strpos.
--
-- The planner settings are pinned (migration 0008): the planner charges the gram function on
-- every row a bitmap heap scan re-checks, so it would otherwise pick sequential or plain index
-- scans that compute the grams of every reply (13 s and 48 s at 10,000 replies).
CREATE OR REPLACE FUNCTION replies_search_match(term text, grams tsquery, word tsquery)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1000
SET enable_seqscan = off SET enable_indexscan = off SET enable_nestloop = on AS $$
BEGIN
    IF char_length(term) <= 2 THEN
        RETURN QUERY
            SELECT reply_id FROM replies_replysearch WHERE replies_search_grams(text) @@ grams
            UNION ALL
            SELECT entry_id FROM replies_replysearchchunk
            WHERE replies_search_grams(text) @@ grams;
    ELSE
        RETURN QUERY
            SELECT reply_id FROM replies_replysearch WHERE words @@ word
            UNION ALL
            SELECT s.reply_id FROM replies_replysearch s
            WHERE s.reply_id IN (
                SELECT reply_id FROM replies_replysearch WHERE replies_search_grams(text) @@ grams
                EXCEPT
                SELECT reply_id FROM replies_replysearch WHERE words @@ word)
              AND strpos(s.text, term) > 0
            UNION ALL
            SELECT entry_id FROM replies_replysearchchunk
            WHERE replies_search_grams(text) @@ grams AND strpos(text, term) > 0;
    END IF;
END
$$;
