"""A counter that moves whenever the search index changes, so cached results can tell they
are stale (replies.search.cache). Triggers on replies_replysearch bump it for every insert,
update and delete (cascades included) when the writing transaction commits (a deferred
constraint trigger), and at once on truncate."""

from django.db import migrations

FORWARD = r"""
CREATE SEQUENCE IF NOT EXISTS replies_search_generation;
CREATE OR REPLACE FUNCTION replies_search_bump_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('replies_search_generation');
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER replies_replysearch_generation
AFTER INSERT OR UPDATE OR DELETE ON replies_replysearch
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION replies_search_bump_generation();
CREATE TRIGGER replies_replysearch_generation_truncate
AFTER TRUNCATE ON replies_replysearch
FOR EACH STATEMENT EXECUTE FUNCTION replies_search_bump_generation();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS replies_replysearch_generation ON replies_replysearch;
DROP TRIGGER IF EXISTS replies_replysearch_generation_truncate ON replies_replysearch;
DROP FUNCTION IF EXISTS replies_search_bump_generation();
DROP SEQUENCE IF EXISTS replies_search_generation;
"""


class Migration(migrations.Migration):
    dependencies = [("replies", "0003_search")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
