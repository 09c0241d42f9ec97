"""How common a term is, from a small random sample of search texts.

The gram indexes keep no planner statistics (migration 0018), so the share of replies holding
a term is estimated here: up to :data:`SAMPLE_SIZE` search texts are read at random (once per
:data:`MAX_AGE` seconds per process) and a term's share is the part of them that contain it
literally (each term's share is remembered until the next sample). The sampled rows' titles
and occurrence-tier marks (:func:`signals`) estimate the relevance strata of ``ranking``.
Used where a choice must be made before anything is counted (``related``, ``ranking``).
"""

from __future__ import annotations

import time

from django.db import DatabaseError, connection

from replies.search.index import TIER_MARK
from replies.search.schema import TABLE

#: A term in at least this share of replies counts as common.
COMMON_SHARE = 0.05
#: Search texts read for the estimate (a share is known to about ±3 % at 400).
SAMPLE_SIZE = 400
#: Seconds between two samples.
MAX_AGE = 600.0


#: Shares remembered per sample (cleared when the sample is read again or holds this many).
MAX_REMEMBERED = 50_000


class _Sample:
    read_at = -MAX_AGE
    texts: list[str] = []
    signals: list[tuple[str, frozenset[str]]] = []
    shares: dict[str, float] = {}


#: Per sampled row: its text, its head (titles) and its occurrence-tier lexemes.
_COLUMNS = (
    "text, head, ARRAY(SELECT w.lexeme FROM unnest(words) AS w "
    f"WHERE strpos(w.lexeme, '{TIER_MARK}') > 0)"
)


def _read_sample() -> list[tuple[str, str, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reltuples FROM pg_class WHERE oid = '{TABLE}'::regclass")
        rows = max(float(cursor.fetchone()[0]), 0.0)
        if rows <= SAMPLE_SIZE * 2:  # small (or never analysed): read it all, up to a cap
            cursor.execute(f"SELECT {_COLUMNS} FROM {TABLE} LIMIT %s", [SAMPLE_SIZE * 2])
        else:
            percent = min(100.0, 100.0 * SAMPLE_SIZE * 1.5 / rows)
            cursor.execute(
                f"SELECT {_COLUMNS} FROM {TABLE} TABLESAMPLE SYSTEM (%s) LIMIT %s",
                [percent, SAMPLE_SIZE],
            )
        return list(cursor.fetchall())


def sample(max_age: float = MAX_AGE) -> list[str]:
    """The sampled search texts (empty when the index is empty or cannot be read)."""
    now = time.monotonic()
    if now - _Sample.read_at >= max_age:
        try:
            rows = _read_sample()
        except DatabaseError:  # an estimate: never fail a search for it
            rows = []
        _Sample.texts = [text for text, _, _ in rows]
        _Sample.signals = [(head, frozenset(tiers)) for _, head, tiers in rows]
        _Sample.read_at = now
        _Sample.shares = {}
    return _Sample.texts


def signals(max_age: float = MAX_AGE) -> list[tuple[str, frozenset[str]]]:
    """Per sampled row (the rows of :func:`sample`): its head (titles, compact) and the set of
    its occurrence-tier lexemes (``index.tier_lexeme``), for estimating ranking strata."""
    sample(max_age)
    return _Sample.signals


def share(term: str) -> float:
    """The estimated share of replies whose search text holds ``term`` (0 when unknown)."""
    texts = sample()
    if not texts or not term:
        return 0.0
    shares = _Sample.shares
    if term not in shares:
        if len(shares) >= MAX_REMEMBERED:
            shares.clear()
        shares[term] = sum(1 for text in texts if term in text) / len(texts)
    return shares[term]


def is_common(term: str) -> bool:
    return share(term) >= COMMON_SHARE
