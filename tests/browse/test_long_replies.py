"""A very long reply costs a page no more than a short one: listings, feeds and the API read
the start of its body only, and its own page shows the body in parts."""

from __future__ import annotations

import pytest
from django.db import connection, reset_queries

from replies.browse import BODY_PART_CHARS, body_parts, permalink
from replies.models import EXCERPT_CHARS, ReplySection

pytestmark = pytest.mark.django_db

LINE = "我们持续推进城市更新工作，逐项落实提案建议，定期向委员通报进展情况。"


def long_body(chars: int) -> str:
    lines = ["您提出的关于城市更新的提案收悉，现答复如下：", "一、总体情况"]
    while sum(map(len, lines)) < chars:
        lines.append(LINE)
    lines += ["二、末尾事项", "尾声段落提到了独有的琥珀巷改造。"]
    return "\n".join(lines)


@pytest.fixture
def long_reply(make_reply):
    reply = make_reply(body=long_body(6 * BODY_PART_CHARS), proposal_title="关于城市更新的提案")
    ReplySection.objects.bulk_create(
        [
            ReplySection(reply=reply, order=0, number=1, heading="总体情况"),
            ReplySection(reply=reply, order=1, number=2, heading="末尾事项"),
        ]
    )
    return reply


def test_parts_cover_the_body_and_end_at_line_breaks():
    body = long_body(3 * BODY_PART_CHARS)
    parts = body_parts(body)
    assert len(parts) >= 3
    assert "".join(body[a:b] for a, b in parts) == body
    assert all(b - a <= BODY_PART_CHARS for a, b in parts)
    assert all(body[b - 1] == "\n" for _, b in parts[:-1])
    assert body_parts("") == [(0, 0)]
    unbroken = "字" * (BODY_PART_CHARS + 10)  # no line break: cut at the size
    assert body_parts(unbroken) == [(0, BODY_PART_CHARS), (BODY_PART_CHARS, len(unbroken))]


def test_the_reply_page_shows_one_part_with_links_to_the_others(client, long_reply):
    url = permalink(long_reply)
    page = client.get(url).content.decode()
    assert len(page) < BODY_PART_CHARS * 2  # characters, whatever the 300,000 of the body
    parts = len(body_parts(long_reply.body))
    assert f"分 {parts} 部分显示，这是第 1 部分" in page
    assert "琥珀巷" not in page
    assert 'id="section-1"' in page and 'id="section-2"' not in page

    last = client.get(url, {"part": parts, "q": "琥珀巷"}).content.decode()
    assert "<mark" in last and "琥珀巷</mark>" in last
    assert 'id="section-2"' in last
    assert f"这是第 {parts} 部分" in last
    assert 'href="?part=1&amp;q=%E7%90%A5%E7%8F%80%E5%B7%B7"' in last

    for junk, shown in (("999", parts), ("abc", 1), ("-3", 1)):
        assert f"这是第 {shown} 部分" in client.get(url, {"part": junk}).content.decode()


def test_a_short_reply_has_no_parts(client, make_reply):
    reply = make_reply(body="提案收悉，现答复如下。\n一、工作进展")
    assert "部分显示" not in client.get(permalink(reply)).content.decode()


def test_listings_feeds_and_the_api_read_only_the_start_of_a_body(client, long_reply, settings):
    settings.DEBUG = True  # record queries
    reset_queries()
    listing = client.get("/", {"q": "城市更新"}).content.decode()
    assert "关于<mark>城市更新</mark>的提案" in listing
    api = client.get("/api/replies/", {"q": "城市更新"}).json()
    assert [item["id"] for item in api["results"]] == [long_reply.pk]
    assert api["results"][0]["snippets"]
    feed = client.get("/feed/", {"q": "城市更新"}).content.decode()
    assert "城市更新" in feed
    reply_queries = [q["sql"] for q in connection.queries if 'FROM "replies_reply"' in q["sql"]]
    assert reply_queries
    for sql in reply_queries:
        # never the whole body column, only its first EXCERPT_CHARS characters
        assert '"replies_reply"."body"' not in sql.replace(
            f'LEFT("replies_reply"."body", {EXCERPT_CHARS})', ""
        ), sql


def test_a_listing_page_reads_no_body_before_its_page_is_chosen(client, long_reply, settings):
    """The start of a body is read for the 20 rows of a page, never for every match: a query
    that sorts or counts the matches selects no body at all."""
    settings.DEBUG = True  # record queries
    reset_queries()
    client.get("/", {"q": "城市更新", "sort": "newest"})
    client.get("/", {"page": 1})
    for entry in connection.queries:
        sql = entry["sql"]
        if "ORDER BY" in sql or "COUNT(" in sql.upper():
            assert '"replies_reply"."body"' not in sql, sql
