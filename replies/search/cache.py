"""Cached search results, valid for one state of the index.

Counting and ranking the matches of a common word means reading every match; people ask for
the same words again and again (and page through them), so :func:`cached` keeps such
results in Django's cache under the index *generation*, a counter that migration 0004's
triggers move whenever any search entry is written or removed. A changed index therefore
never serves an old result; ``SEARCH_CACHE_SECONDS`` (0 turns caching off) bounds how long
an entry lives, and so the tiny window between a write's commit and its counter bump.
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


def generation() -> int:
    """The index generation: changes whenever any search entry changes."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {GENERATION_SEQUENCE}")
        value, called = cursor.fetchone()
    return int(value) if called else 0


def enabled() -> bool:
    return archive_settings.SEARCH_CACHE_SECONDS > 0


def cached(key: tuple, compute: Callable[[], T], gen: int | None = None) -> T:
    """``compute()``, remembered under ``key`` for the current index generation."""
    if not enabled():
        return compute()
    gen = generation() if gen is None else gen
    digest = hashlib.sha1(repr((gen, key)).encode("utf-8")).hexdigest()
    name = f"search:{digest}"
    hit = cache.get(name)
    if hit is not None:
        return hit
    value = compute()
    cache.set(name, value, archive_settings.SEARCH_CACHE_SECONDS)
    return value
