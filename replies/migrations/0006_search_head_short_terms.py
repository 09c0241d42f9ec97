"""replies_search_head without reading titles when every term has one or two characters.

For such terms the title-gram index is exact, so the literal re-check (which reads each
matching row's title, now stored out of line) is needed only when a term is longer."""

from django.db import migrations

HEAD_FUNCTION = r"""
CREATE OR REPLACE FUNCTION replies_search_head(grams tsquery, terms text[])
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET enable_seqscan = off AS $$
    SELECT reply_id FROM replies_replysearch
    WHERE replies_search_grams(head) @@ grams
      AND (
        NOT EXISTS (SELECT 1 FROM unnest(terms) AS t(term) WHERE char_length(t.term) > 2)
        OR EXISTS (SELECT 1 FROM unnest(terms) AS t(term) WHERE strpos(head, t.term) > 0)
      );
$$;
"""

PREVIOUS = r"""
CREATE OR REPLACE FUNCTION replies_search_head(grams tsquery, terms text[])
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET enable_seqscan = off AS $$
    SELECT reply_id FROM replies_replysearch
    WHERE replies_search_grams(head) @@ grams
      AND EXISTS (SELECT 1 FROM unnest(terms) AS t(term) WHERE strpos(head, t.term) > 0);
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("replies", "0005_search_small_rows")]

    operations = [migrations.RunSQL(HEAD_FUNCTION, PREVIOUS)]
