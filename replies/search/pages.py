"""Read a page of a search over every public reply, in order, from the search rows alone.

The search rows carry the reply's date and number (migration 0018), so no statement here
joins ``replies_reply``. The number of matches is known first (a count of the GIN bitmaps,
:func:`count`), and it chooses between two statement shapes, each with one sensible plan:

* **probe**: the match set's ids, their rows by primary key, sorted; cost grows with the
  number of matches, so it serves queries with few of them;
* **walk**: the rows in the order's B-tree index, each tested literally with ``strpos``,
  stopping after the page; it reads about (offset + page size) × replies / matches rows, so
  the first page of a common term costs the same at 1,000 or 95,000 matches.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.backends.utils import CursorWrapper

from replies.search.models import ReplySearch
from replies.search.schema import TABLE

#: ORDER BY of each sort over the search rows (the same orders as the listing's querysets).
ORDER_SQL = {
    "newest": "s.reply_date DESC NULLS LAST, s.reply_id DESC",
    "oldest": "s.reply_date ASC NULLS LAST, s.reply_id ASC",
    "number": "s.number_int ASC NULLS LAST, s.reply_date DESC NULLS LAST, s.reply_id ASC",
}
#: A walk's row costs about this many probes (it reads and tests the row's text).
WALK_COST = 3.0


def read_cursor() -> CursorWrapper:
    """A cursor where the router sends reads of search rows (a healthy replica, when the
    request may read from one; else the primary)."""
    return connections[router.db_for_read(ReplySearch)].cursor()


def count(ids_sql: str, params: list) -> int:
    """How many replies the match set ``ids_sql`` holds."""
    with read_cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({ids_sql}) AS m(id)", params)
        return int(cursor.fetchone()[0])


def entries() -> int:
    """How many replies are indexed (the planner's estimate when that is large)."""
    with read_cursor() as cursor:
        cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE oid = '{TABLE}'::regclass")
        estimate = int(cursor.fetchone()[0])
        if estimate >= 10_000:
            return estimate
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def walks(matches: int, stop: int, total: int) -> bool:
    """True when walking the order to row ``stop`` is cheaper than probing every match."""
    if matches <= 0:
        return False
    return WALK_COST * stop * total / matches < matches


def ids(
    sort: str,
    where: tuple[str, list],
    start: int,
    stop: int,
) -> list[int]:
    """The reply ids of rows ``start:stop`` of the search rows that satisfy ``where``
    (an SQL condition on ``s``, with its parameters), in ``sort`` order."""
    if stop <= start:
        return []
    condition, params = where
    sql = (
        f"SELECT s.reply_id FROM {TABLE} s WHERE {condition} "
        f"ORDER BY {ORDER_SQL[sort]} LIMIT %s OFFSET %s"
    )
    with read_cursor() as cursor:
        cursor.execute(sql, [*params, stop - start, start])
        return [row[0] for row in cursor.fetchall()]
