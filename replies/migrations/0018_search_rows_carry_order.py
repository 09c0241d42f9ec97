"""Search rows carry the reply's date and number; the planner no longer reads gram statistics.

* ``reply_date`` and ``number_int`` are copied into ``replies_replysearch`` (by
  ``index._write`` from now on, backfilled here), with B-tree indexes in the three sort orders,
  so the first page of a date- or number-ordered search walks one index and stops.
* No statistics are kept for the gram expression indexes and the word vectors (``SET
  STATISTICS 0``). The planner charges ``replies_search_grams`` on every row a bitmap heap
  scan re-checks, although the GIN index is exact and nothing is re-checked; with the real
  share of a common gram it would pick a sequential scan that computes the grams of every
  reply (13 s and 48 s at 10,000 replies, see migration 0008). At the default selectivity of ``@@`` it always reads the GIN
  index, so the search functions no longer pin planner settings (``sql/*.sql``, installed
  again below). How common a term is now comes from ``stats`` (a sample of search texts).
"""

from django.db import migrations, models

from replies.search import schema

GRAM_INDEXES = ("replysearch_text_grams", "replysearch_head_grams", "replysearchchunk_grams")

BACKFILL = """
UPDATE replies_replysearch s SET reply_date = r.reply_date, number_int = r.number_int
FROM replies_reply r WHERE r.id = s.reply_id
"""

# Old statistics of the gram indexes are removed where the role may (a superuser, as on the
# embedded server); elsewhere they stay until the next ANALYZE, which no longer renews them.
FORGET_GRAM_STATISTICS = """
DO $$
BEGIN
    DELETE FROM pg_statistic WHERE starelid IN (%s)
        OR (starelid = 'replies_replysearch'::regclass AND staattnum = (
            SELECT attnum FROM pg_attribute
            WHERE attrelid = 'replies_replysearch'::regclass AND attname = 'words'));
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
""" % ", ".join(f"'{name}'::regclass" for name in GRAM_INDEXES)


def no_gram_statistics(apps, schema_editor):
    for name in GRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 0")
    schema_editor.execute("ALTER TABLE replies_replysearch ALTER COLUMN words SET STATISTICS 0")
    schema_editor.execute(FORGET_GRAM_STATISTICS)


def default_gram_statistics(apps, schema_editor):
    for name in GRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS -1")
    schema_editor.execute("ALTER TABLE replies_replysearch ALTER COLUMN words SET STATISTICS -1")


def install(apps, schema_editor):
    schema.install(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('replies', '0017_alerts'),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(no_gram_statistics, default_gram_statistics, elidable=False),
        migrations.AddField(
            model_name='replysearch',
            name='number_int',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='提案号（排序用）'),
        ),
        migrations.AddField(
            model_name='replysearch',
            name='reply_date',
            field=models.DateField(blank=True, null=True, verbose_name='答复日期'),
        ),
        migrations.AddIndex(
            model_name='replysearch',
            index=models.Index(models.OrderBy(models.F('reply_date'), descending=True, nulls_last=True), models.OrderBy(models.F('reply_id'), descending=True), name='replysearch_newest'),
        ),
        migrations.AddIndex(
            model_name='replysearch',
            index=models.Index(models.OrderBy(models.F('reply_date'), nulls_last=True), models.OrderBy(models.F('reply_id')), name='replysearch_oldest'),
        ),
        migrations.AddIndex(
            model_name='replysearch',
            index=models.Index(models.OrderBy(models.F('number_int'), nulls_last=True), models.OrderBy(models.F('reply_date'), descending=True, nulls_last=True), models.OrderBy(models.F('reply_id')), name='replysearch_number'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
    ]
