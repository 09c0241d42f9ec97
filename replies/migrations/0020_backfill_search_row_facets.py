"""Backfill the filter and facet fields of the search rows (added by 0019) from the replies.

A separate migration: the fields' indexes, created at the end of 0019, could not be built in
the transaction of an update of every row. The update writes a new version of every search
row, so every index of the table gains its entries again, the gram indexes included: at
100,000 replies it is the cost of a ``reindex --force`` (docs/deploy.md, upgrades).
Searches keep working meanwhile (the update takes row locks only).
"""

from django.db import migrations

BACKFILL = """
UPDATE replies_replysearch s SET number = r.number, session_id = r.session_id,
    department_id = r.department_id, sector_id = r.sector_id, proposer = r.proposer,
    result_class = r.result_class, doc_kind = r.doc_kind,
    co_department_ids = COALESCE((
        SELECT array_agg(c.department_id ORDER BY c.department_id)
        FROM replies_reply_co_departments c
        WHERE c.reply_id = r.id AND c.department_id IS DISTINCT FROM r.department_id), '{}')
FROM replies_reply r WHERE r.id = s.reply_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0019_search_rows_carry_facets"),
    ]

    operations = [
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
    ]
