-- The character unigrams and bigrams of a search text, as a tsvector without positions. GIN
-- indexes hold it as an expression, so it is never stored. PL/pgSQL, not SQL, so that the
-- planner keeps its high COST (an inlined SQL body would look cheap) and never chooses to
-- compute it row by row. Texts over 100,000 bytes (schema.GRAMS_MAX_BYTES) give NULL (a
-- tsvector stays under 1 MB); replies that long are indexed through replies_replysearchchunk.
CREATE OR REPLACE FUNCTION replies_search_grams(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100000 AS $$
BEGIN
    IF octet_length(t) > 100000 THEN
        RETURN NULL;
    END IF;
    RETURN array_to_tsvector(array_remove(
        string_to_array(t, NULL)
        || string_to_array(regexp_replace(t, '(..)', '\1 ', 'g'), ' ')
        || string_to_array(regexp_replace(substr(t, 2), '(..)', '\1 ', 'g'), ' '),
        ''));
END
$$;
