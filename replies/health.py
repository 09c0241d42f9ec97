"""``/healthz``: what a load balancer or a monitor asks before sending readers here.

200 with ``"status": "ok"`` when the database answers, every migration is applied and the
search index is present and current (an entry for every public reply and for nothing else);
otherwise 503 naming what is wrong. Never cached, never rate limited.

Each read replica of ``DATABASE_REPLICA_URLS`` is reported as the router sees it (its latest
check, made now when stale): reachable, seconds behind, used or skipped and why. A replica
down or lagging never makes the site unhealthy: the primary serves its reads.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

from config import replica_health
from config.db_router import replica_aliases
from replies.models import Reply
from replies.search.models import ReplySearch


def _search_index() -> dict[str, Any]:
    """Current: exactly the public replies have entries. (Entry times cannot tell staleness:
    an edit that leaves the searchable text alone leaves its entry, rightly, untouched.)"""
    public = Reply.objects.public()
    missing = public.filter(search_entry__isnull=True).count()
    extra = ReplySearch.objects.exclude(reply__in=public).count()
    return {"ok": missing == 0 and extra == 0, "missing": missing, "not_public": extra}


def _replicas() -> dict[str, Any]:
    """Every configured replica's state; always ``ok`` (a skipped one leaves the primary)."""
    replicas = []
    for alias in replica_aliases():
        check = replica_health.latest(alias)
        replicas.append(
            {
                "alias": alias,
                "state": "used" if check.ok else "skipped",
                "reachable": check.reachable,
                "lag_seconds": None if check.lag is None else round(check.lag, 1),
                "reason": check.reason,
            }
        )
    used = sum(r["state"] == "used" for r in replicas)
    return {"ok": True, "configured": len(replicas), "used": used, "replicas": replicas}


def checks() -> dict[str, dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"database": {"ok": False, "error": str(exc).strip()[:200]}}
    result: dict[str, dict[str, Any]] = {"database": {"ok": True}}
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result["migrations"] = {
        "ok": not pending,
        "pending": [f"{m.app_label}.{m.name}" for m, _ in pending],
    }
    result["search_index"] = (
        _search_index() if not pending else {"ok": False, "error": "迁移未完成"}
    )
    result["replicas"] = _replicas()
    return result


def healthz(request: HttpRequest) -> JsonResponse:
    result = checks()
    healthy = all(part["ok"] for part in result.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": result},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response
