"""/healthz: database, migrations and search index, as a monitor sees them."""

from __future__ import annotations

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from replies.models import Reply, Status
from replies.search.models import ReplySearch

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
