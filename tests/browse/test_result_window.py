"""The result window: pages reach at most SEARCH_RESULT_WINDOW results, the count stays exact,
and the page and the API say so instead of running a deep OFFSET."""

from __future__ import annotations

import re

import pytest

from replies.paging import WindowPaginator

PAGE_SIZE = 20


@pytest.fixture
def many(make_reply):
    return [make_reply(body=f"示例数据。第{n}件托育服务答复。") for n in range(45)]


def test_paginator_stops_at_the_window(settings):
    settings.SEARCH_RESULT_WINDOW = 30
    paginator = WindowPaginator(list(range(45)), PAGE_SIZE)
    assert paginator.count == 45
    assert paginator.num_pages == 2  # results 1–20 and 21–30 of the window
    assert list(paginator.get_page(2).object_list) == list(range(20, 40))
    assert paginator.get_page(3).number == 2  # past the window: its last page
    settings.SEARCH_RESULT_WINDOW = 10_000
    assert WindowPaginator(list(range(45)), PAGE_SIZE).num_pages == 3


@pytest.mark.parametrize("params", [{}, {"q": "托育"}])
def test_listing_says_the_window_is_reached(client, many, settings, params):
    settings.SEARCH_RESULT_WINDOW = 30
    html = client.get("/", {**params, "page": 3}).content.decode()
    assert "共 <strong>45</strong> 件答复" in html  # the count is exact
    assert "只能翻阅前 30 件" in html
    assert "共 2 页" in html
    assert re.search(r'aria-current="page"><span class="visually-hidden">第</span>2<', html)
    settings.SEARCH_RESULT_WINDOW = 45
    assert "只能翻阅" not in client.get("/", params).content.decode()


def test_api_refuses_a_page_past_the_window(client, many, settings):
    settings.SEARCH_RESULT_WINDOW = 30
    ok = client.get("/api/replies/", {"q": "托育", "page": 2})
    assert ok.status_code == 200 and ok.json()["next"] is None
    assert len(ok.json()["results"]) == 20 and ok.json()["count"] == 45
    past = client.get("/api/replies/", {"q": "托育", "page": 3})
    assert past.status_code == 400
    body = past.json()
    assert "只能翻阅前 30 件结果" in body["error"]
    assert body["parameter"] == "page" and body["count"] == 45 and body["pages"] == 2
    beyond = client.get("/api/replies/", {"q": "托育", "page": 9})
    assert beyond.status_code == 404  # past every result: out of range, as before
