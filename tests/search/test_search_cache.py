"""Cached search results are keyed by the index generation: a committed change is never
served stale. These tests commit (transactional test case), so the generation moves."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection

from replies.models import Status
from replies.search import search
from replies.search.cache import cached, generation
from replies.search.index import index_replies
from replies.search.schema import GENERATION_SEQUENCE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def caching(settings):
    settings.SEARCH_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def found(q: str, sort: str = "relevance") -> list[int]:
    return [reply.pk for reply in search(None, q, sort).results[:]]


def statements(q: str) -> int:
    before = len(connection.queries)
    found(q)
    return len(connection.queries) - before


def test_a_repeated_search_is_served_from_the_cache(caching, make_reply, settings):
    settings.DEBUG = True  # record queries
    make_reply(body="推进硅巷科创街区建设。")
    first = statements("硅巷")
    again = statements("硅巷")
    assert again < first
    assert again <= 2  # the generation and the page's rows


def test_a_committed_change_moves_the_generation_and_refreshes_results(caching, make_reply):
    one = make_reply(body="推进硅巷科创街区建设。")
    assert found("硅巷") == [one.pk]
    before = generation()
    two = make_reply(body="硅巷二期工程。", number="099", number_int=99)
    assert generation() > before
    assert set(found("硅巷")) == {one.pk, two.pk}
    one.status = Status.DRAFT
    one.save()
    index_replies([one.pk])
    assert found("硅巷") == [two.pk]
    assert found("硅巷", "newest") == [two.pk]


def test_a_change_that_leaves_the_index_alone_still_refreshes_filters_and_facets(
    caching, make_reply, client
):
    """A new result class does not change the indexed text; the cached counts, facets and
    API answers must follow it all the same (migration 0015)."""
    reply = make_reply(
        body="推进硅巷科创街区建设。", result_class="A", proposal_title="关于硅巷甲区改造的提案"
    )
    make_reply(body="硅巷二期工程。", number="099", number_int=99, result_class="B")

    def shown(path: str) -> bool:
        return "硅巷</mark>甲区改造" in client.get(path).content.decode()

    def api_ids(query: str) -> set[int]:
        return {item["id"] for item in client.get(f"/api/replies/?{query}").json()["results"]}

    assert shown("/?q=硅巷&result=A")
    assert reply.pk in api_ids("q=硅巷&result=A")
    facet_before = client.get("/?q=硅巷").content.decode()
    before = generation()

    reply.result_class = "C"
    reply.save(update_fields=["result_class"])

    assert generation() > before
    assert not shown("/?q=硅巷&result=A")
    assert shown("/?q=硅巷&result=C")
    assert reply.pk not in api_ids("q=硅巷&result=A")
    assert client.get("/?q=硅巷").content.decode() != facet_before

    department = reply.department
    department.name = "测试市硅巷管理局"
    before = generation()
    department.save()
    assert generation() > before


def test_a_recreated_counter_never_meets_the_entries_of_the_database_before(caching):
    """The cache is a file shared by the workers and outlives a database (a restore, a new
    data dir): a new counter that starts again at the same value misses the old entries."""
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert cached(("probe",), compute) == [1]
    assert cached(("probe",), compute) == [1]
    value = generation()
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SEQUENCE {GENERATION_SEQUENCE} RENAME TO {GENERATION_SEQUENCE}_before"
        )
        cursor.execute(f"CREATE SEQUENCE {GENERATION_SEQUENCE}")
        cursor.execute(
            f"SELECT setval('{GENERATION_SEQUENCE}', %s, %s)", [max(value, 1), value > 0]
        )
    try:
        assert generation() == value
        assert cached(("probe",), compute) == [2]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE {GENERATION_SEQUENCE}")
            cursor.execute(
                f"ALTER SEQUENCE {GENERATION_SEQUENCE}_before RENAME TO {GENERATION_SEQUENCE}"
            )


def test_the_served_site_shares_one_file_cache_between_its_workers(tmp_path):
    """Production settings (not the suite's memory cache): one directory under the data dir,
    so a facet count one gunicorn worker computed serves the others."""
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("ARCHIVE_CACHE_DIR", None)
    script = (
        "import django, sys; django.setup();"
        "from django.core.cache import cache;"
        "sys.argv[1] == 'set' and cache.set('shared', 'from-one-worker', 60);"
        "print(cache.get('shared'))"
    )

    def run(mode: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", script, mode],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert run("set") == "from-one-worker"
    assert run("get") == "from-one-worker"
    assert any((tmp_path / "cache").iterdir())
