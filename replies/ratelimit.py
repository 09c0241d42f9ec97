"""Per-client rate limits on the expensive public reads: listings and search, the API, feeds
and exports.

A fixed window per client address (``replies.clients.client_ip``) and scope, counted in one
PostgreSQL row by an atomic ``INSERT … ON CONFLICT … RETURNING``, so every gunicorn worker (and
every web machine on the same database) shares the count. The per-process memory cache would
let each worker count on its own; django-ratelimit refuses caches without an atomic increment
and the project runs no memcached or Redis. Over the limit: a Chinese 429 page, or a JSON 429
under ``/api/``, with ``Retry-After``.

Limits per ``ARCHIVE_RATE_WINDOW`` seconds: ``ARCHIVE_RATE_SEARCH``, ``ARCHIVE_RATE_API``,
``ARCHIVE_RATE_FEED``, ``ARCHIVE_RATE_EXPORT``, ``ARCHIVE_RATE_ALERT`` (email-alert sign-ups,
replies.alerts, which also counts emails per address with :func:`hit`) (0 = no limit);
``ARCHIVE_RATELIMIT_ENABLED``.
"""

from __future__ import annotations

import functools
import logging
import math
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from replies.clients import client_ip
from replies.conf import archive_settings

logger = logging.getLogger(__name__)

SCOPES = {
    "search": "ARCHIVE_RATE_SEARCH",
    "api": "ARCHIVE_RATE_API",
    "feed": "ARCHIVE_RATE_FEED",
    "export": "ARCHIVE_RATE_EXPORT",
    "alert": "ARCHIVE_RATE_ALERT",
}
#: Share of counted requests that also delete expired windows.
PRUNE_SHARE = 0.01


class RateCounter(models.Model):
    """Requests of one client in one scope and window."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "replies"
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


def hit(scope: str, client: str, window: int, now: float | None = None) -> tuple[int, int]:
    """Count one request; return (requests in this window so far, seconds until it ends)."""
    now = time.time() if now is None else now
    start = math.floor(now / window) * window
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, count, expires) VALUES (%s, 1, to_timestamp(%s))
            ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1
            RETURNING count
            """,
            [f"{scope}:{client}:{start}", start + window],
        )
        count = cursor.fetchone()[0]
        if random.random() < PRUNE_SHARE:
            cursor.execute(f"DELETE FROM {table} WHERE expires < now()")
    return count, max(1, math.ceil(start + window - now))


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"请求过于频繁，请 {retry_after} 秒后再试。"
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": message, "retry_after": retry_after},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str) -> Callable:
    """Decorate a view: at most the scope's limit of requests per client and window."""
    setting = SCOPES[scope]

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = getattr(archive_settings, setting)
            if archive_settings.ARCHIVE_RATELIMIT_ENABLED and limit > 0:
                client = client_ip(request) or "unknown"
                try:
                    count, retry_after = hit(scope, client, archive_settings.ARCHIVE_RATE_WINDOW)
                except DatabaseError:  # a limit must never take the site down
                    logger.exception("rate limit not counted")
                else:
                    if count > limit:
                        return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
