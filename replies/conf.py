"""Every ``ARCHIVE_*`` and ``SEARCH_*`` setting, with its default written once (django-filter's
``conf.py`` pattern).

Read them as ``from replies.conf import archive_settings`` then
``archive_settings.SEARCH_CACHE_SECONDS``: the Django setting of that name when the project
sets it (tests override it with pytest-django's ``settings`` fixture), else the default here.
``config/settings.py`` fills each from the environment variable of the same name, converted to
the default's type, so a deployment sets them without editing code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from replies.ingest.limits import OCR_DEFAULTS

MiB = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    # Ingestion (replies/ingest, the admin upload).
    "ARCHIVE_MAX_UPLOAD_BYTES": 20 * MiB,
    "ARCHIVE_EXTRACT_TIMEOUT": 60.0,
    # A cleaned body longer than this is refused: no real reply comes near it.
    "ARCHIVE_MAX_BODY_CHARS": 200_000,
    # Zip archives of replies: members counted without folders, total uncompressed bytes, and
    # the compression ratio above which a member (over 1 MiB uncompressed) is a zip bomb.
    "ARCHIVE_ZIP_MAX_MEMBERS": 1000,
    "ARCHIVE_ZIP_MAX_BYTES": 500 * MiB,
    "ARCHIVE_ZIP_MAX_RATIO": 100.0,
    # Request bodies: anywhere but the admin (the public site only reads), and in the admin
    # (uploads: ARCHIVE_MAX_UPLOAD_BYTES and the form around it). Larger ones get a 413.
    "ARCHIVE_MAX_PUBLIC_REQUEST_BYTES": 64 * 1024,
    "ARCHIVE_MAX_ADMIN_REQUEST_BYTES": 21 * MiB,
    # Per-client rate limits (replies.ratelimit): requests per window of this many seconds,
    # for listings and search, the API, feeds and exports; 0 = no limit.
    "ARCHIVE_RATELIMIT_ENABLED": True,
    "ARCHIVE_RATE_WINDOW": 60,
    "ARCHIVE_RATE_SEARCH": 60,
    "ARCHIVE_RATE_API": 120,
    "ARCHIVE_RATE_FEED": 30,
    "ARCHIVE_RATE_EXPORT": 10,
    # Email alerts (replies/alerts, docs/alerts.md): sign-ups per client and window (as above),
    # and per address in ARCHIVE_ALERT_ADDRESS_WINDOW seconds; hours a confirmation link and
    # days a manage link stay valid; replies listed in one digest; the address that links in
    # emails start with.
    "ARCHIVE_RATE_ALERT": 10,
    "ARCHIVE_RATE_ALERT_ADDRESS": 5,
    "ARCHIVE_ALERT_ADDRESS_WINDOW": 3600,
    "ARCHIVE_ALERT_CONFIRM_HOURS": 72,
    "ARCHIVE_ALERT_MANAGE_DAYS": 7,
    "ARCHIVE_ALERT_DIGEST_MAX": 50,
    "ARCHIVE_SITE_URL": "http://127.0.0.1:8000",
    # SQL statements slower than this (milliseconds) are logged to replies.slow_query; 0 = off.
    "ARCHIVE_SLOW_QUERY_MS": 500,
    # Reverse proxies in front that append to X-Forwarded-For (replies.clients).
    "ARCHIVE_TRUSTED_PROXIES": 0,
    # Read replicas (config/db_router.py, DATABASE_REPLICA_URLS): one is skipped while it
    # lags more than this many seconds behind the primary, checked at most this often.
    "ARCHIVE_REPLICA_MAX_LAG": 30.0,
    "ARCHIVE_REPLICA_CHECK_SECONDS": 5.0,
    # Options a listing's sidebar lists per facet (the largest, and the selected one): the
    # rest are counted and named as unlisted (the directory page lists every one).
    "ARCHIVE_FACET_OPTIONS": 30,
    # Listings, searches and the API page through at most this many results (as search
    # engines cap their result window); the count stays exact. Exports give everything.
    "SEARCH_RESULT_WINDOW": 10_000,
    # Life of cached search results (kept per index generation, never stale); 0 = off.
    "SEARCH_CACHE_SECONDS": 300,
    # The zero-result log: at most this many rows, rows unseen for this many days dropped,
    # queries longer or of more words than these never recorded.
    "SEARCH_ZERO_LOG_MAX_ROWS": 10_000,
    "SEARCH_ZERO_LOG_DAYS": 90,
    "SEARCH_ZERO_LOG_MAX_CHARS": 40,
    "SEARCH_ZERO_LOG_MAX_TERMS": 6,
    # Scanned replies (replies/ingest/extract/ocr.py, docs/ocr.md): written in limits, which
    # the OCR child process reads without Django.
    **OCR_DEFAULTS,
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every setting: the environment's value (as the default's type) or the default."""
    values = {}
    for name, default in DEFAULTS.items():
        raw = environ.get(name, "")
        if not raw.strip():
            values[name] = default
        elif isinstance(default, bool):
            values[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        else:
            values[name] = type(default)(raw)
    return values


class ArchiveSettings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Invalid archive setting: {name!r}")
        try:
            return getattr(django_settings, name, DEFAULTS[name])
        except ImproperlyConfigured:  # outside Django (bench scripts, parser child processes)
            return DEFAULTS[name]


archive_settings = ArchiveSettings()
