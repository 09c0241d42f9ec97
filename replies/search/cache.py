"""Cached search results, valid for one state of the index.

Counting and ranking the matches of a common word means reading every match; people ask for
the same words again and again (and page through them), so :func:`cached` keeps such
results in Django's cache under the index *generation*, a counter that migration 0004's
triggers move whenever any search entry is written or removed. A changed index therefore
never serves an old result; ``SEARCH_CACHE_SECONDS`` (0 turns caching off) bounds how long
an entry lives, and so the tiny window between a write's commit and its counter bump.

The cache is shared by the web workers (a file cache under ``ARCHIVE_DATA_DIR``, see
config/settings.py) and outlives a database, so keys also carry the counter's own object id:
a restored, recreated or other database starts its counter again, and never meets the
entries of the one before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from replies.conf import archive_settings
from replies.search.schema import GENERATION_SEQUENCE

T = TypeVar("T")


def _state() -> tuple[int, int]:
    """The counter's object id and the index generation."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT %s::regclass::oid, last_value, is_called FROM {GENERATION_SEQUENCE}",
            [GENERATION_SEQUENCE],
        )
        oid, value, called = cursor.fetchone()
    return int(oid), int(value) if called else 0


def generation() -> int:
    """The index generation: changes whenever any search entry changes."""
    return _state()[1]


def enabled() -> bool:
    return archive_settings.SEARCH_CACHE_SECONDS > 0


def cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` for the current index generation."""
    if not enabled():
        return compute()
    digest = hashlib.sha1(repr((_state(), key)).encode("utf-8")).hexdigest()
    name = f"search:{digest}"
    hit = cache.get(name)
    if hit is not None:
        return hit
    value = compute()
    cache.set(name, value, archive_settings.SEARCH_CACHE_SECONDS)
    return value
