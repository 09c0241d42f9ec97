"""Cached search results are keyed by the index generation: a committed change is never
served stale. These tests commit (transactional test case), so the generation moves."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from replies.models import Status
from replies.search import search
from replies.search.cache import generation
from replies.search.index import index_replies

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
