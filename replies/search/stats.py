"""How common a term is, from the statistics PostgreSQL keeps of the gram index.

``ANALYZE`` (autovacuum, ``reindex``) stores the most common grams of the expression index
``replysearch_text_grams`` with the share of replies holding each. Reading that list once in
a while tells the matcher whether a term is in many replies, so it can ask for the plan that
suits (see migration 0006), without counting anything.
"""

from __future__ import annotations

import time

from django.db import DatabaseError, connection

from replies.search.tokenize import term_lexemes

#: A term whose every gram is in at least this share of replies counts as common.
COMMON_SHARE = 0.05
#: Seconds between two reads of the statistics.
MAX_AGE = 600.0


class _Shares:
    read_at = -MAX_AGE
    shares: dict[str, float] = {}


def gram_shares(max_age: float = MAX_AGE) -> dict[str, float]:
    """Gram → share of replies, for the most common grams (empty before any ANALYZE)."""
    now = time.monotonic()
    if now - _Shares.read_at >= max_age:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    SELECT e, f FROM pg_stats,
                        unnest(most_common_elems::text::text[], most_common_elem_freqs) AS x(e, f)
                    WHERE tablename = 'replysearch_text_grams' AND e IS NOT NULL
                    """
                )
                _Shares.shares = dict(cursor.fetchall())
        except DatabaseError:  # statistics are a hint: never fail a search for them
            _Shares.shares = {}
        _Shares.read_at = now
    return _Shares.shares


def share(term: str) -> float:
    """An upper bound of the share of replies holding ``term`` (0 when rare or unknown)."""
    shares = gram_shares()
    grams = term_lexemes(term)
    return min((shares.get(gram, 0.0) for gram in grams), default=0.0)


def is_common(term: str) -> bool:
    return share(term) >= COMMON_SHARE
