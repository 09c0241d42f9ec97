"""Reads on a streaming replica: a real standby (pg_basebackup -R) of the test server."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext

from config import replica_health
from config.db_router import ReplicaRouter, replica_reads
from config.replica_settings import replica_databases
from replies import search
from replies.models import Reply
from tests.ops import dbs
from tests.ops.standby import Standby

pytestmark = pytest.mark.django_db(transaction=True)

ALIAS = "replica1"
QUERIES = ["托育", "社区养老 OR 托育", "托育 -养老"]


def _answer(q: str) -> tuple[list[int], dict]:
    outcome = search.search(None, q)
    return [r.pk for r in outcome.results], outcome.scores


def _primary_lsn() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


@pytest.fixture
def standby(transactional_db, tmp_path, settings):
    """The test server's standby, known to Django as ``replica1`` (DATABASE_REPLICA_URLS)."""
    connection.ensure_connection()
    primary = connection.settings_dict
    server = Standby(primary, tmp_path / "standby", port=int(primary["PORT"]) + 1)
    server.start()
    url = dbs.url({**primary, "HOST": server.host, "PORT": server.port}, primary["NAME"])
    entry = replica_databases(url)["replica1"]
    entry.pop("TEST")
    # A connection made on the fly (not in DATABASES) is one the test case lets through.
    entry = connections.configure_settings({"default": primary, ALIAS: entry})[ALIAS]
    connections[ALIAS] = DatabaseWrapper(entry, alias=ALIAS)
    settings.REPLICA_DATABASES = [ALIAS]
    settings.ARCHIVE_REPLICA_CHECK_SECONDS = 0
    replica_health.forget()
    yield server
    connections[ALIAS].close()
    del connections[ALIAS]
    replica_health.forget()
    server.stop()


def test_searches_read_from_the_replica_and_fall_back_when_it_stops(
    standby, make_reply, client, settings
):
    for body in (
        "示例数据。托育机构三十家。",
        "示例数据。普惠托育与社区养老。",
        "示例数据。社区养老。",
    ):
        make_reply(body=body)
    standby.wait_for(_primary_lsn(), connection.settings_dict["NAME"])
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,), "replica1 must be a real standby"

    on_primary = {q: _answer(q) for q in QUERIES}
    assert all(ids for ids, _ in on_primary.values())
    with replica_reads(), CaptureQueriesContext(connections[ALIAS]) as seen:
        on_replica = {q: _answer(q) for q in QUERIES}
    assert on_replica == on_primary
    assert any("replies_search_match" in q["sql"] for q in seen.captured_queries)

    # Pages: a search listing reads from the replica; the admin and writes never do.
    with CaptureQueriesContext(connections[ALIAS]) as seen:
        page = client.get("/", {"q": "托育"})
    assert page.status_code == 200 and "托育" in page.content.decode()
    assert any("replies_reply" in q["sql"] for q in seen.captured_queries)
    with CaptureQueriesContext(connections[ALIAS]) as seen:
        assert client.get("/admin/login/").status_code == 200
    assert not seen.captured_queries
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Reply) == ALIAS
        assert router.db_for_write(Reply) == "default"
        with transaction.atomic():
            assert router.db_for_read(Reply) == "default", "inside a transaction: the primary"
    assert router.db_for_read(Reply) == "default", "outside replica_reads: the primary"

    # A replica that lags past the threshold is skipped.
    with standby.connect("postgres") as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        make_reply(body="示例数据。延迟期间写入的托育答复。")
        time.sleep(1.2)
        settings.ARCHIVE_REPLICA_MAX_LAG = 0.5
        with replica_reads():
            assert router.db_for_read(Reply) == "default"
        settings.ARCHIVE_REPLICA_MAX_LAG = 30.0
        with replica_reads():
            assert router.db_for_read(Reply) == ALIAS, "paused, but within 30 s"
        conn.execute("SELECT pg_wal_replay_resume()")
    standby.wait_for(_primary_lsn(), connection.settings_dict["NAME"])

    standby.stop()
    with replica_reads(), CaptureQueriesContext(connection) as seen:
        after = {q: _answer(q) for q in QUERIES[:1]}
    assert after[QUERIES[0]][0] == [*_answer(QUERIES[0])[0]]
    assert len(after[QUERIES[0]][0]) == len(on_primary[QUERIES[0]][0]) + 1
    assert any("replies_search_match" in q["sql"] for q in seen.captured_queries)
    assert client.get("/", {"q": "托育"}).status_code == 200


def test_replica_urls_become_aliases_that_mirror_default_in_tests():
    entries = replica_databases(
        "postgresql://reader:pw@db-r1.internal:5432/archive, postgresql://reader@db-r2/archive"
    )
    assert list(entries) == ["replica1", "replica2"]
    assert entries["replica1"]["HOST"] == "db-r1.internal"
    assert entries["replica2"]["OPTIONS"]["connect_timeout"] == 2
    assert entries["replica1"]["TEST"] == {"MIRROR": "default"}


def _replica_health(client) -> dict:
    response = client.get("/healthz")
    assert response.status_code == 200, response.content  # a replica never fails the site
    body = response.json()
    assert body["status"] == "ok"
    [replica] = body["checks"]["replicas"]["replicas"]
    assert replica["alias"] == ALIAS
    return replica


def test_healthz_reports_the_replica_used_lagging_and_down(standby, make_reply, client, settings):
    make_reply(body="示例数据。托育机构三十家。")
    standby.wait_for(_primary_lsn(), connection.settings_dict["NAME"])
    body = client.get("/healthz").json()
    assert body["checks"]["replicas"]["configured"] == 1
    assert body["checks"]["replicas"]["used"] == 1
    used = _replica_health(client)
    # Caught up: the lag the standby reports is its replay timestamp's age, under a second.
    assert used.pop("lag_seconds") < 1.0 and used.pop("reason").startswith("lag ")
    assert used == {"alias": ALIAS, "state": "used", "reachable": True}

    with standby.connect("postgres") as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        make_reply(body="示例数据。延迟期间写入的托育答复。")
        time.sleep(1.2)
        settings.ARCHIVE_REPLICA_MAX_LAG = 0.5
        lagging = _replica_health(client)
        assert lagging["state"] == "skipped" and lagging["reachable"] is True
        assert lagging["lag_seconds"] >= 1.0 and lagging["reason"].startswith("lags ")
        with replica_reads():  # the router has the same answer
            assert ReplicaRouter().db_for_read(Reply) == "default"
        conn.execute("SELECT pg_wal_replay_resume()")
    settings.ARCHIVE_REPLICA_MAX_LAG = 30.0
    standby.wait_for(_primary_lsn(), connection.settings_dict["NAME"])
    assert _replica_health(client)["state"] == "used"

    standby.stop()
    down = _replica_health(client)
    assert down["state"] == "skipped" and down["reachable"] is False
    assert down["lag_seconds"] is None and down["reason"].startswith("down: ")
