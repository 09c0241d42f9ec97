"""The zero-result log: queries that found nothing among all public replies, for staff.

Written by the search page only (``replies.browse``), not by the API, feeds or the
``search`` command, so the log is what people typing into the site did not find. It is
bounded: one row per normalised query, junk left out, at most SEARCH_ZERO_LOG_MAX_ROWS rows.
"""

from __future__ import annotations

import datetime
import logging
import unicodedata

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from replies.conf import archive_settings
from replies.models import Reply
from replies.search.matching import narrow
from replies.search.models import ZeroResultQuery
from replies.search.parse import ParsedQuery, normalized_query
from replies.search.results import SearchOutcome

logger = logging.getLogger(__name__)


def _storable(text: str) -> str:
    """``text`` as PostgreSQL can store it: control characters (NUL …) become spaces and lone
    surrogates (from a command-line argument that is not UTF-8) are dropped."""
    kinds = {"Cc": " ", "Cs": ""}
    return "".join(kinds.get(unicodedata.category(ch), ch) for ch in text)


def _worth_logging(key: str, parsed: ParsedQuery) -> bool:
    """Junk is not logged: overlong queries, queries of many words, links, and queries
    without a letter or an ideograph (digits and punctuation alone teach staff nothing)."""
    limit = archive_settings.SEARCH_ZERO_LOG_MAX_CHARS
    raw = parsed.raw.lower()
    return (
        len(key) <= limit
        and len(raw) <= 4 * limit
        and sum(map(len, parsed.groups)) + len(parsed.excluded)
        <= archive_settings.SEARCH_ZERO_LOG_MAX_TERMS
        and any(unicodedata.category(ch).startswith("L") for ch in key)
        and "://" not in raw
        and "www." not in raw
    )


def _room_for_a_new_row() -> bool:
    """At most SEARCH_ZERO_LOG_MAX_ROWS rows: when full, rows unseen for SEARCH_ZERO_LOG_DAYS
    make room; if none is that old, new queries are not recorded (those there still count)."""
    rows = ZeroResultQuery.objects
    if rows.count() < archive_settings.SEARCH_ZERO_LOG_MAX_ROWS:
        return True
    cutoff = timezone.now() - datetime.timedelta(days=archive_settings.SEARCH_ZERO_LOG_DAYS)
    rows.filter(last_seen__lt=cutoff).delete()
    return rows.count() < archive_settings.SEARCH_ZERO_LOG_MAX_ROWS


def record_zero_result(outcome: SearchOutcome) -> None:
    """Record the query of ``outcome`` if it found nothing among all public replies (not
    merely under a filter): one row per normalised query, counted, within the bounds above."""
    parsed = outcome.parsed
    if parsed.is_empty or outcome.count:
        return
    key = normalized_query(parsed)
    if not key or not _worth_logging(key, parsed):
        return
    example = _storable(parsed.raw)[:300]
    try:
        if narrow(Reply.objects.public(), parsed).exists():
            return
        with transaction.atomic():
            entry = ZeroResultQuery.objects.select_for_update().filter(query=key).first()
            if entry is not None:
                ZeroResultQuery.objects.filter(pk=entry.pk).update(
                    count=F("count") + 1, example=example, last_seen=timezone.now()
                )
            elif _room_for_a_new_row():
                # one statement; a concurrent first sighting of the same query is not counted
                ZeroResultQuery.objects.bulk_create(
                    [ZeroResultQuery(query=key, example=example, count=1)], ignore_conflicts=True
                )
    except DatabaseError:  # logging must never break a search
        logger.exception("could not record a zero-result query")
