"""/healthz: database, migrations and search index, as a monitor sees them."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from config import replica_health
from config.replica_settings import replica_databases
from replies.models import Reply, Status
from replies.search.models import ReplySearch
from tests.ops import dbs

pytestmark = pytest.mark.django_db


def test_healthy(client, make_reply):
    make_reply()
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["search_index"] == {"ok": True, "missing": 0, "not_public": 0}


def test_a_missing_or_leftover_index_entry_is_unhealthy(client, make_reply):
    first, second = make_reply(), make_reply()
    ReplySearch.objects.filter(reply=first).delete()
    # unpublished without the signal that would drop its entry
    Reply.objects.filter(pk=second.pk).update(status=Status.DRAFT)
    response = client.get("/healthz")
    assert response.status_code == 503
    index = response.json()["checks"]["search_index"]
    assert index == {"ok": False, "missing": 1, "not_public": 1}


def test_an_unapplied_migration_is_unhealthy(client):
    # the newest one: forgetting an older one leaves the plan to the applied leaf empty
    (_, latest), *_ = MigrationLoader(None).graph.leaf_nodes("replies")
    MigrationRecorder.Migration.objects.filter(app="replies", name=latest).delete()
    body = client.get("/healthz").json()
    assert body["status"] == "error"
    assert body["checks"]["migrations"] == {"ok": False, "pending": [f"replies.{latest}"]}


@pytest.fixture
def replicas(settings, tmp_path):
    """Two replicas made on the fly: ``replica1`` at a socket where no server listens and
    ``replica2`` on the primary itself (it answers, but is no standby)."""
    primary = connection.settings_dict
    unreachable = replica_databases(f"postgresql://postgres@{quote(str(tmp_path), safe='')}:5999/x")
    itself = replica_databases(dbs.url(primary, primary["NAME"]))
    entries = {"replica1": unreachable["replica1"], "replica2": itself["replica1"]}
    for entry in entries.values():
        entry.pop("TEST")
    configured = connections.configure_settings({"default": primary, **entries})
    for alias in entries:
        connections[alias] = DatabaseWrapper(configured[alias], alias=alias)
    settings.REPLICA_DATABASES = list(entries)
    settings.ARCHIVE_REPLICA_CHECK_SECONDS = 0
    replica_health.forget()
    yield list(entries)
    for alias in entries:
        connections[alias].close()
        del connections[alias]
    replica_health.forget()


def test_replicas_down_or_not_standby_are_reported_and_the_site_stays_healthy(
    client, make_reply, replicas
):
    make_reply()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    report = body["checks"]["replicas"]
    assert (report["ok"], report["configured"], report["used"]) == (True, 2, 0)
    down, itself = report["replicas"]
    assert down["alias"] == "replica1" and down["state"] == "skipped"
    assert down["reachable"] is False and down["lag_seconds"] is None
    assert down["reason"].startswith("down: ")
    assert itself == {
        "alias": "replica2",
        "state": "skipped",
        "reachable": True,
        "lag_seconds": None,
        "reason": "not a standby (pg_is_in_recovery() is false)",
    }
    # and the pages read from the primary meanwhile
    assert client.get("/").status_code == 200


def test_no_replica_configured(client):
    replicas = client.get("/healthz").json()["checks"]["replicas"]
    assert replicas == {"ok": True, "configured": 0, "used": 0, "replicas": []}
