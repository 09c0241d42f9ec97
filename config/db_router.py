"""Read replicas: ``DATABASE_REPLICA_URLS`` → database aliases, and the router that uses them.

Reads go to a healthy replica only inside :func:`replica_reads` — which
:class:`ReplicaReadsMiddleware` opens around every GET/HEAD request outside the admin and
``/healthz`` (browse, search, API, feeds, stats, exports) — and only when the primary is not
inside an atomic block, so a transaction reads what it writes. Writes, migrations, the admin,
management commands, sessions, users, login throttling and rate counters always use the
primary (``default``). Which replicas are healthy is decided by :mod:`config.replica_health`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

#: Apps whose rows must be read where they were just written (logins, sessions, lockouts).
PRIMARY_APPS = frozenset({"admin", "auth", "axes", "sessions"})
PRIMARY_MODELS = frozenset({"replies.ratecounter"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_aliases() -> list[str]:
    """The configured replica aliases (``settings.REPLICA_DATABASES``)."""
    return list(getattr(settings, "REPLICA_DATABASES", []))


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let reads in the block go to a healthy replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads to a healthy replica where allowed (see the module docstring); all else primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if not _replica_reads.get() or not replica_aliases():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_APPS or model._meta.label_lower in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        from config import replica_health

        healthy = replica_health.healthy(replica_aliases())
        return random.choice(healthy) if healthy else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Replicas hold the primary's rows: objects read from any of them may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Open :func:`replica_reads` around reading requests outside the admin and ``/healthz``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            ("/admin/", "/healthz")
        ):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
