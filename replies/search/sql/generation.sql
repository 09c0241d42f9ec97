-- Moves the index generation (replies.search.cache); run by the deferred triggers of
-- migrations 0004 and 0015 at the commit of any write to the search entries, replies and
-- their reference data.
CREATE OR REPLACE FUNCTION replies_search_bump_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('replies_search_generation');
    RETURN NULL;
END
$$;
