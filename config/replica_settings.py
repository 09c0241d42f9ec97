"""``DATABASE_REPLICA_URLS`` → ``DATABASES`` entries (read by config/settings.py; no Django)."""

from __future__ import annotations

from typing import Any

import dj_database_url

DEFAULT_DB_ALIAS = "default"


def replica_databases(urls: str, conn_max_age: int = 60) -> dict[str, dict[str, Any]]:
    """``DATABASES`` entries ``replica1``, ``replica2``… for comma-separated replica URLs.

    In the test suite each mirrors ``default`` (no test database is made for it).
    """
    entries = {}
    for n, url in enumerate((u.strip() for u in urls.split(",") if u.strip()), 1):
        entry = dj_database_url.parse(url, conn_max_age=conn_max_age)
        # A replica that does not answer is skipped, not waited for.
        entry.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        entry["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        entries[f"replica{n}"] = entry
    return entries
