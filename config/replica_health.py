"""Which replicas may serve reads: up, a standby, and not lagging past the threshold.

Each replica is checked at most every ``ARCHIVE_REPLICA_CHECK_SECONDS`` per process (the
answer is kept meanwhile). Lag is 0 when the standby has replayed all the WAL it received,
else the age of the last replayed transaction (``pg_last_xact_replay_timestamp``); above
``ARCHIVE_REPLICA_MAX_LAG`` seconds the replica is skipped until a later check.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.db import DatabaseError, connections

from replies.conf import archive_settings

logger = logging.getLogger("replies.replicas")

LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END::float8
"""


@dataclass(frozen=True)
class Check:
    """One replica's answer: ``ok`` when it may serve reads."""

    at: float
    ok: bool
    reason: str
    #: It answered a query (it may still be skipped: not a standby, or lagging).
    reachable: bool = False
    #: Seconds behind the primary, when it answered as a standby.
    lag: float | None = None


_checks: dict[str, Check] = {}
_lock = threading.Lock()


def probe(alias: str) -> Check:
    """Ask replica ``alias`` now whether it can serve reads."""
    now = time.monotonic()
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            standby, lag = cursor.fetchone()
    except DatabaseError as exc:
        connection.close()
        return Check(now, False, f"down: {str(exc).strip()[:200]}")
    if not standby:
        return Check(now, False, "not a standby (pg_is_in_recovery() is false)", True)
    if lag > archive_settings.ARCHIVE_REPLICA_MAX_LAG:
        return Check(now, False, f"lags {lag:.1f} s", True, lag)
    return Check(now, True, f"lag {lag:.1f} s", True, lag)


def latest(alias: str) -> Check:
    """The kept check of ``alias``, or a new one when there is none or it is stale (kept,
    and logged when the replica goes in or out of use)."""
    with _lock:
        last = _checks.get(alias)
    if last is None or time.monotonic() - last.at >= archive_settings.ARCHIVE_REPLICA_CHECK_SECONDS:
        check = probe(alias)
        if last is None or check.ok != last.ok:
            log = logger.info if check.ok else logger.warning
            log("replica %s %s: %s", alias, "in use" if check.ok else "skipped", check.reason)
        with _lock:
            _checks[alias] = last = check
    return last


def healthy(aliases: list[str]) -> list[str]:
    """The aliases among ``aliases`` that passed their latest check (re-checked when stale)."""
    return [alias for alias in aliases if latest(alias).ok]


def forget() -> None:
    """Drop every kept answer, so the next read checks each replica again."""
    with _lock:
        _checks.clear()
