"""``replies_search_words``: ids of the entries whose word vector holds a lexeme.

Used for the occurrence tiers that pre-order relevance candidates (replies.search.query). Run
with ``enable_seqscan = off`` like the other search functions: a tier of a common word is in
many rows, and a sequential scan would de-TOAST every row's word vector."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION replies_search_words(word tsquery)
RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET enable_seqscan = off AS $$
    SELECT reply_id FROM replies_replysearch WHERE words @@ word;
$$;
"""
BACKWARD = "DROP FUNCTION IF EXISTS replies_search_words(tsquery);"


class Migration(migrations.Migration):
    dependencies = [("replies", "0006_search_head_short_terms")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
