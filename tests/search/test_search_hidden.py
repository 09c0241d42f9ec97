"""Drafts and 不予公开 replies never appear in search results, counts, snippets or the API, for any
query that would match them, and leave the index as soon as they stop being public.
"""

from __future__ import annotations

import re

import pytest

from replies.models import Disclosure, Reply, Session, Status
from replies.search import SORTS, search
from replies.search.models import ReplySearch

TITLE = "关于林业保护工作的答复"
#: Text only the hidden replies hold; never part of a query below, so never echoed by a page.
SECRETS = ("机密甲号", "机密乙号", "草稿标题", "内部标题")

QUERIES = [
    "蓝鲸越岭",  # only in the draft
    "白鹭掠洲",  # only in the withheld reply
    "藍鯨越嶺",  # traditional form of a draft-only phrase
    "云杉林",  # in public and hidden replies
    '"云杉林秘密"',
    "蓝鲸 OR 白鹭",
    "云杉 -保护",  # matches the hidden replies only
    "-不存在的词",  # matches everything
    "第012号",  # the draft's number
    "013",  # the withheld reply's number
    "十五届三次",  # their session
    '"蓝鲸',  # malformed, degrades to a literal search
]


@pytest.fixture
def replies(make_reply):
    session = Session.objects.create(council="测试市政协", term=15, number=3, year=2024)

    def add(number: str, title: str, body: str, **fields) -> Reply:
        return make_reply(
            session=session,
            number=number,
            number_int=int(number),
            title=title,
            proposal_title="关于林业保护的建议",
            body=body,
            **fields,
        )

    return {
        "public": add("011", TITLE, "云杉林保护工作稳步推进。"),
        "on_request": add(
            "014", TITLE, "云杉林保护，依申请公开。", disclosure=Disclosure.ON_REQUEST
        ),
        "draft": add(
            "012",
            "草稿标题：蓝鲸越岭",
            "云杉林秘密草稿：蓝鲸越岭，机密甲号。",
            status=Status.DRAFT,
        ),
        "withheld": add(
            "013",
            "内部标题：白鹭掠洲",
            "云杉林秘密文件：白鹭掠洲，机密乙号。",
            disclosure=Disclosure.WITHHELD,
        ),
    }


def visible(replies) -> set[int]:
    return {replies["public"].pk, replies["on_request"].pk}


def test_only_public_replies_are_in_the_index(replies):
    assert set(ReplySearch.objects.values_list("reply_id", flat=True)) == visible(replies)


@pytest.mark.parametrize("q", QUERIES)
def test_search_never_returns_hidden_replies(replies, q):
    for sort in SORTS:
        outcome = search(None, q, sort)
        ids = list(outcome.queryset.values_list("pk", flat=True))
        assert set(ids) <= visible(replies), (q, sort)
        assert outcome.queryset.count() == len(ids)
        assert set(outcome.scores) <= visible(replies)


def test_matching_public_replies_are_still_found(replies):
    assert {r.pk for r in search(None, "云杉林").queryset} == visible(replies)
    assert {r.pk for r in search(None, "十五届三次").queryset} == visible(replies)


@pytest.mark.parametrize("q", QUERIES)
def test_page_counts_and_snippets_hold_no_hidden_reply(client, replies, q):
    expected = search(None, q).queryset.count()
    for sort in ("", "newest"):
        html = client.get("/", {"q": q, "sort": sort}).content.decode()
        assert f"共 <strong>{expected}</strong> 件答复" in html, (q, sort)
        for secret in SECRETS:
            assert secret not in html, (q, secret)
        for snippet in re.findall(r'<p class="snippet">(.*?)</p>', html, flags=re.S):
            assert "秘密" not in snippet, (q, snippet)


@pytest.mark.parametrize("q", QUERIES)
def test_api_counts_and_snippets_hold_no_hidden_reply(client, replies, q):
    data = client.get("/api/replies/", {"q": q, "page_size": 100}).json()
    assert {r["id"] for r in data["results"]} <= visible(replies)
    assert data["count"] == len(data["results"]) == search(None, q).queryset.count()
    text = str(data)
    for secret in SECRETS:
        assert secret not in text, (q, secret)
    assert not any("秘密" in s for r in data["results"] for s in r["snippets"])


def test_hidden_replies_have_no_api_detail(client, replies):
    for name in ("draft", "withheld"):
        response = client.get(f"/api/replies/{replies[name].pk}/")
        assert response.status_code == 404 and "error" in response.json()
    assert client.get(f"/api/replies/{replies['on_request'].pk}/").status_code == 200


def test_a_reply_leaves_the_index_when_hidden_and_returns_when_published(
    replies, django_capture_on_commit_callbacks
):
    reply = replies["public"]

    def found() -> bool:
        return reply.pk in set(search(None, "稳步推进").queryset.values_list("pk", flat=True))

    assert found()
    for field, hidden, shown in [
        ("status", Status.DRAFT, Status.PUBLISHED),
        ("disclosure", Disclosure.WITHHELD, Disclosure.PUBLIC),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            setattr(reply, field, hidden)
            reply.save()
        assert not ReplySearch.objects.filter(reply_id=reply.pk).exists(), field
        assert not found(), field
        with django_capture_on_commit_callbacks(execute=True):
            setattr(reply, field, shown)
            reply.save()
        assert found(), field
