-- Ids of the indexed replies that contain a term literally, each once. ``grams`` is the AND of
-- the term's grams (exact for one or two characters), ``word`` the term as one word lexeme.
-- The GIN indexes answer without reading any row's text; only the replies that have every
-- bigram of a longer term without having it as a word are checked with strpos.
--
-- No planner settings are pinned: the gram indexes keep no statistics (migration 0018), so
-- the planner takes the default selectivity of @@ and reads them with bitmap scans, which
-- never compute a gram (a GIN index has no plain index scan, and a sequential scan would
-- cost the gram function on every row).
CREATE OR REPLACE FUNCTION replies_search_match(term text, grams tsquery, word tsquery)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1000 AS $$
BEGIN
    IF char_length(term) <= 2 THEN
        -- A chunked reply's own text is too long for grams (NULL): it matches by chunks only.
        RETURN QUERY
            SELECT reply_id FROM replies_replysearch WHERE replies_search_grams(text) @@ grams
            UNION ALL
            SELECT DISTINCT entry_id FROM replies_replysearchchunk
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
            SELECT DISTINCT c.entry_id FROM replies_replysearchchunk c
            WHERE replies_search_grams(c.text) @@ grams AND strpos(c.text, term) > 0
              AND NOT EXISTS (
                SELECT 1 FROM replies_replysearch s
                WHERE s.reply_id = c.entry_id AND s.words @@ word);
    END IF;
END
$$;
