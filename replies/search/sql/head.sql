-- Ids of the indexed replies whose title or proposal title contains one of the terms. For
-- terms of one or two characters the title-gram index is exact, so the literal re-check (which
-- reads each matching row's title, stored out of line) runs only when a term is longer.
CREATE OR REPLACE FUNCTION replies_search_head(grams tsquery, terms text[])
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 AS $$
    SELECT reply_id FROM replies_replysearch
    WHERE replies_search_grams(head) @@ grams
      AND (
        NOT EXISTS (SELECT 1 FROM unnest(terms) AS t(term) WHERE char_length(t.term) > 2)
        OR EXISTS (SELECT 1 FROM unnest(terms) AS t(term) WHERE strpos(head, t.term) > 0)
      );
$$;
