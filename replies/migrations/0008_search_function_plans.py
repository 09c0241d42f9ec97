"""Pin the planner settings of the search functions.

Inside a search function, only bitmap scans of the GIN indexes are right: the planner
believes a bitmap heap scan re-checks ``replies_search_grams(text)`` on every row, so with
plain index scans allowed it may walk the primary key and compute the grams of every reply
(a common three-character term took 48 s at 10,000 replies instead of 32 ms). Index scans are
therefore off inside them, and nested loops on, whatever the calling statement set
(``query.planned`` turns nested loops off around the outer statement)."""

from django.db import migrations

FUNCTIONS = (
    "replies_search_match(text, tsquery, tsquery)",
    "replies_search_head(tsquery, text[])",
    "replies_search_words(tsquery)",
)

FORWARD = "\n".join(
    f"ALTER FUNCTION {f} SET enable_indexscan = off; ALTER FUNCTION {f} SET enable_nestloop = on;"
    for f in FUNCTIONS
)
BACKWARD = "\n".join(
    f"ALTER FUNCTION {f} RESET enable_indexscan; ALTER FUNCTION {f} RESET enable_nestloop;"
    for f in FUNCTIONS
)


class Migration(migrations.Migration):
    dependencies = [("replies", "0007_search_words_function")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
