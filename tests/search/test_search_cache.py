"""Cached search results are keyed by the index generation: a committed change is never
served stale. These tests commit (transactional test case), so the generation moves."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from replies.models import Status
from replies.search.cache import generation
from replies.search.index import index_replies
from replies.search.query import search

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
