"""`manage.py search QUERY [--all] [--json] [--sort]`: what search() finds, in its order."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command

from replies.models import Disclosure, Status
from replies.search import SORTS, search
from replies.search.parse import NOTICE_MALFORMED

TITLE = "关于林业保护工作的答复"
HIDDEN_TITLES = ("草稿里的云杉答复", "不予公开的云杉答复")
LINE = re.compile(r"^\s*\d+\. \[(\d+)\] ", re.M)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def listed(*args: str) -> list[int]:
    return [int(pk) for pk in LINE.findall(run(*args))]


def as_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


def expected(q: str, sort: str = "relevance") -> list[int]:
    return list(search(None, q, sort).queryset.values_list("pk", flat=True))


@pytest.fixture
def corpus(make_reply):
    """23 public replies that mention 云杉 in different ways, one 鹭岛, two hidden ones."""
    for k in range(23):
        make_reply(
            title=f"关于云杉第{k}项的答复" if k % 5 == 0 else TITLE,
            body="云杉。" * (k % 4 + 1) + ("石榴。" if k % 3 == 0 else ""),
            reply_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=37 * k),
        )
    make_reply(title=TITLE, body="鹭岛海岸线。")
    make_reply(title=HIDDEN_TITLES[0], body="云杉鹭岛。", number="701", status=Status.DRAFT)
    make_reply(
        title=HIDDEN_TITLES[1], body="云杉鹭岛。", number="702", disclosure=Disclosure.WITHHELD
    )


def test_prints_the_first_twenty_in_search_order(corpus):
    out = run("云杉")
    assert "共 23 条结果" in out
    assert [int(pk) for pk in LINE.findall(out)] == expected("云杉")[:20]


def test_all_prints_every_result(corpus):
    assert listed("云杉", "--all") == expected("云杉")
    assert len(expected("云杉")) == 23


@pytest.mark.parametrize("sort", SORTS)
def test_sort_option(corpus, sort):
    assert listed("云杉", "--all", "--sort", sort) == expected("云杉", sort)


def test_json_is_valid_and_matches(corpus):
    data = as_json("云杉")
    assert data["query"] == "云杉" and data["count"] == 23
    assert [r["id"] for r in data["results"]] == expected("云杉")[:20]
    first = data["results"][0]
    assert {"id", "title", "number", "department", "date", "score", "snippets"} <= first.keys()
    assert first["score"] is not None and "<mark>云杉</mark>" in first["snippets"][0]
    every = as_json("云杉", "--all")
    assert [r["id"] for r in every["results"]] == expected("云杉")
    assert as_json("无此词") == {"query": "无此词", "count": 0, "results": []}


def test_words_are_joined_into_one_query(corpus):
    assert listed("云杉", "石榴", "--all") == expected("云杉 石榴")
    assert listed("云杉", "OR", "鹭岛", "--all") == expected("云杉 OR 鹭岛")
    assert listed("--all", "--", "云杉", "-石榴") == expected("云杉 -石榴")
    assert listed('"云杉。云杉。云杉"', "--all") == expected('"云杉。云杉。云杉"')


def test_malformed_query_prints_the_notice(corpus):
    out = run('"云杉')
    assert NOTICE_MALFORMED in out and "共 23 条结果" in out
    assert as_json('"云杉')["notice"] == NOTICE_MALFORMED


@pytest.mark.parametrize("q", ["云杉", "鹭岛", "云杉鹭岛", "第701号", "702", "云杉 OR 鹭岛"])
def test_hidden_replies_never_appear(corpus, q):
    out = run(q, "--all")
    assert not any(title in out for title in HIDDEN_TITLES)
    data = as_json(q, "--all")
    assert data["count"] == len(expected(q)) == len(data["results"])
    assert not any(r["title"] in HIDDEN_TITLES for r in data["results"])
    assert not any("鹭岛" in s and "云杉" in s for r in data["results"] for s in r["snippets"])
