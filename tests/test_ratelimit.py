"""Per-client rate limits: an abusive client gets 429 (a Chinese page, JSON under /api/),
with Retry-After; other clients are unaffected; the count is shared through PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client

from replies.ratelimit import RateCounter, hit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ARCHIVE_RATELIMIT_ENABLED = True
    settings.ARCHIVE_RATE_SEARCH = 5
    settings.ARCHIVE_RATE_API = 4
    settings.ARCHIVE_RATE_FEED = 3
    return settings


def _statuses(client: Client, url: str, n: int, **params) -> list[int]:
    return [client.get(url, params).status_code for _ in range(n)]


def test_search_past_the_limit_is_a_chinese_429_page(make_reply):
    make_reply()
    abuser = Client(REMOTE_ADDR="203.0.113.9")
    assert _statuses(abuser, "/", 5, q="答复") == [200] * 5
    response = abuser.get("/", {"q": "答复"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "请求过于频繁" in html and f"请 {response['Retry-After']} 秒后再试" in html
    # another client is unaffected
    assert Client(REMOTE_ADDR="192.0.2.20").get("/", {"q": "答复"}).status_code == 200


def test_the_api_answers_json_429(make_reply):
    make_reply()
    abuser = Client(REMOTE_ADDR="203.0.113.9")
    assert _statuses(abuser, "/api/replies/", 4) == [200] * 4
    response = abuser.get("/api/replies/")
    assert response.status_code == 429
    body = response.json()
    assert body["error"].startswith("请求过于频繁") and body["retry_after"] >= 1
    assert response["Retry-After"] == str(body["retry_after"])


def test_feeds_and_entity_pages_are_limited_too(make_reply):
    reply = make_reply()
    abuser = Client(REMOTE_ADDR="203.0.113.9")
    assert _statuses(abuser, "/feed/", 4) == [200, 200, 200, 429]
    department = f"/departments/{reply.department.slug}/"
    assert _statuses(abuser, department, 6)[-1] == 429


def test_reply_pages_and_static_files_are_not_limited(make_reply):
    reply = make_reply()
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert set(_statuses(client, f"/replies/{reply.pk}/", 8)) == {302}


def test_windows_count_atomically_and_end():
    assert hit("search", "198.51.100.1", 60, now=120.0) == (1, 60)
    assert hit("search", "198.51.100.1", 60, now=150.5) == (2, 30)
    assert hit("search", "198.51.100.1", 60, now=180.0) == (1, 60)  # a new window
    assert hit("api", "198.51.100.1", 60, now=180.0) == (1, 60)  # scopes count apart
    assert RateCounter.objects.count() == 3


def test_turned_off_nothing_is_counted(settings, make_reply):
    settings.ARCHIVE_RATELIMIT_ENABLED = False
    make_reply()
    assert set(_statuses(Client(), "/", 8)) == {200}
    assert not RateCounter.objects.exists()
