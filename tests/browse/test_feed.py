"""The Atom feed: the listing's query and filters, newest first, public replies only."""

from __future__ import annotations

import datetime
import html
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from replies.browse import FEED_SIZE, build_listing, permalink
from replies.models import Reply

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(client, params=None) -> ET.Element:
    response = client.get("/feed/", params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # well-formed XML or this raises


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def entry_paths(feed: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}link").get("href").split("testserver", 1)[1] for e in entries(feed)]


def listing_paths(params: dict[str, str]) -> list[str]:
    query = QueryDict(mutable=True)
    query.update({**params, "sort": "newest"})
    listing = build_listing(query)
    return [r.link.split("?")[0] for r in listing.page.object_list]


def test_feed_is_atom_with_the_newest_public_replies(client, corpus):
    feed = fetch(client)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "政协提案答复库 · 最新答复"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feed/"
    found = entries(feed)
    assert len(found) == min(FEED_SIZE, len(corpus.public))
    assert entry_paths(feed)[:20] == listing_paths({})
    for entry in found:
        assert entry.find(f"{ATOM}id").text.startswith("http://testserver/replies/")
        assert entry.find(f"{ATOM}updated").text.endswith("+08:00")
    published = [e.find(f"{ATOM}published").text for e in found]
    assert all(p.endswith("T00:00:00+08:00") for p in published)
    days = [datetime.date.fromisoformat(p[:10]) for p in published]
    assert days == sorted(days, reverse=True)


def test_feed_honours_the_query_and_a_facet(client, corpus):
    lifts = fetch(client, {"q": "加装电梯"})
    assert "“加装电梯”" in lifts.find(f"{ATOM}title").text
    titles = [e.find(f"{ATOM}title").text for e in entries(lifts)]
    assert titles and all("加装电梯" in t for t in titles)
    assert entry_paths(lifts) == listing_paths({"q": "加装电梯"})
    summaries = [e.find(f"{ATOM}summary").text for e in entries(lifts)]
    assert all("<mark>加装电梯</mark>" in s for s in summaries)

    department = corpus.departments[2]
    params = {"department": department.slug, "result": "A"}
    feed = fetch(client, params)
    title = feed.find(f"{ATOM}title").text
    assert department.name in title and "A类" in title
    expected = Reply.objects.public().filter(result_class="A")
    expected = expected.filter(department=department) | expected.filter(co_departments=department)
    assert sorted(entry_paths(feed)) == sorted({permalink(r) for r in expected})
    assert entry_paths(feed) == listing_paths(params)


def test_feed_never_shows_hidden_replies(client, corpus):
    everything = client.get("/feed/").content.decode()
    assert "隐藏" not in everything
    for reply in corpus.hidden:
        for params in ({"q": reply.title}, {"number": reply.number}, {"q": "隐藏"}):
            text = client.get("/feed/", params).content.decode()
            assert "隐藏" not in text.split("</title>", 1)[1] and permalink(reply) not in text


def test_sample_replies_are_marked(client, corpus):
    feed = fetch(client)
    samples = {permalink(r) for r in corpus.public if r.is_sample}
    real = {permalink(r) for r in corpus.public if not r.is_sample}
    assert samples and real
    for entry, path in zip(entries(feed), entry_paths(feed), strict=True):
        title = entry.find(f"{ATOM}title").text
        summary = entry.find(f"{ATOM}summary").text
        if path in samples:
            assert title.startswith("［示例数据］") and "示例数据" in summary
        else:
            assert path in real and "示例数据" not in title + summary


def test_summary_is_escaped(client, make_reply):
    make_reply(body='<script>alert("x")</script>\n第二行 & 第三行\n第三行不显示')
    summary = entries(fetch(client))[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<script>" not in summary.text
    assert "&lt;script&gt;" in summary.text and "第二行 &amp; 第三行" in summary.text
    assert "第三行不显示" not in summary.text
    assert "<script>" in html.unescape(summary.text)  # the text itself, shown as text


def test_listing_pages_link_their_feed(client, corpus):
    page = client.get("/", {"q": "电梯", "result": "B", "page": "1", "sort": "oldest"})
    text = page.content.decode()
    url = "/feed/?q=%E7%94%B5%E6%A2%AF&amp;result=B"
    alternate = (
        '<link rel="alternate" type="application/atom+xml" title="订阅这些答复的更新（Atom）"'
    )
    assert f'{alternate} href="{url}">' in text
    assert f'<a class="feed-link" href="{url}"' in text and "订阅" in text
    department = corpus.departments[0]
    text = client.get(f"/departments/{department.slug}/").content.decode()
    assert f'href="/feed/?{urlencode({"department": department.slug})}"' in text
    reply_page = client.get(permalink(corpus.public[0])).content.decode()
    assert "application/atom+xml" not in reply_page


def test_feed_survives_junk_parameters(client, corpus):
    for params in (
        {"q": "\x00\x1f电梯", "date_from": "不是日期", "department": "no-such"},
        {"q": '"未闭合 OR', "sort": "nonsense", "page": "999"},
        {"number": "第5号", "year": "abc"},
    ):
        fetch(client, params)


def test_feed_query_count_is_bounded(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        fetch(client)
    with django_assert_max_num_queries(8):
        fetch(
            client,
            {"q": "服务", "department": corpus.departments[1].slug, "council": "长宁区政协"},
        )
