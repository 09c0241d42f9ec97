"""Malformed queries never raise: search() answers, the page says it searched literally, the API
stays JSON. Unbalanced quotes, only operators, 2,000 characters of junk, control characters.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replies.search import search
from replies.search.parse import NOTICE_MALFORMED, NOTICE_TRUNCATED

TITLE = "关于林业保护工作的答复"

#: Queries the grammar cannot read: each degrades to a literal search with a notice.
SYNTAX_ERRORS = [
    '"云杉',
    '云杉 "石榴',
    "云杉 OR",
    "OR 云杉",
    "| 云杉",
    "云杉 | | 石榴",
    "云杉 OR -石榴",
    "OR -",
    "| | |",
    "OR",
    '"',
]
#: Odd but readable (or empty once control characters are dropped).
ODD = ["-", "--", '""', "“", "”云杉“", "\x00", "\x00云杉\x01", "云杉\x1f石榴", "\t\n\r", "\u200b"]


def junk(seed: int, size: int = 2000) -> str:
    """Characters people and robots paste: syntax, CJK, Latin, punctuation, emoji, controls."""
    alphabet = list("\"“”|｜-OR ORor() []{}<>&;'\\/%_*?:~^!云杉石榴ＡＩ5Ｇ\u3000\t\n")
    alphabet += ["\x00", "\x01", "\x7f", "\u200b", "\ufeff", "😀", "\u0301", "𠀀", "﷽"]
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(size))


@pytest.fixture
def docs(make_reply):
    return {
        "both": make_reply(title=TITLE, body="云杉石榴间作。").pk,
        "a": make_reply(title=TITLE, body="云杉林。").pk,
        "or": make_reply(title=TITLE, body="Mentor 项目。").pk,
    }


def run(q: str):
    outcome = search(None, q)
    ids = list(outcome.queryset.values_list("pk", flat=True)[:50])
    return outcome, ids


@pytest.mark.parametrize("q", SYNTAX_ERRORS)
def test_syntax_errors_degrade_to_literal_search(docs, q):
    outcome, _ = run(q)
    assert outcome.literal and NOTICE_MALFORMED in outcome.notice


def test_degraded_queries_still_search_the_remaining_words(docs):
    assert set(run('"云杉')[1]) == {docs["both"], docs["a"]}
    assert set(run('云杉 "石榴')[1]) == {docs["both"]}
    assert set(run("云杉 OR -石榴")[1]) == set()  # 云杉 AND "or" AND 石榴, literally
    assert set(run("OR -")[1]) == {docs["or"]}  # the word "or", literally


@pytest.mark.parametrize("q", [*SYNTAX_ERRORS, *ODD, junk(1), junk(2), "字" * 2000])
def test_search_never_raises(docs, q):
    outcome, ids = run(q)
    assert isinstance(outcome.notice, str)
    assert set(ids) <= set(docs.values())


def test_control_characters_are_separators(docs):
    assert set(run("\x00云杉\x01")[1]) == {docs["both"], docs["a"]}
    assert set(run("云杉\x1f石榴")[1]) == {docs["both"]}


def test_lone_surrogates_do_not_raise(docs):
    # A command-line argument that is not UTF-8 arrives as lone surrogates.
    _, ids = run("\udcff云杉\udcfe")
    assert set(ids) == {docs["both"], docs["a"]}
    run("\udcff不存在的词")  # nothing found, so it is logged: that must not raise either


@pytest.mark.parametrize("q", SYNTAX_ERRORS)
def test_page_says_it_searched_literally(client, docs, q):
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="notice" role="status">{NOTICE_MALFORMED}</p>' in html
    assert "已按字面文字检索" in html


@pytest.mark.parametrize("q", [*ODD, junk(3), junk(4), "字" * 2000])
def test_page_answers_odd_queries(client, docs, q):
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    assert "共 <strong>" in response.content.decode()


def test_page_says_a_long_query_was_shortened(client, docs):
    html = client.get("/", {"q": junk(5)}).content.decode()
    assert NOTICE_TRUNCATED in html


@pytest.mark.parametrize("q", SYNTAX_ERRORS)
def test_api_reports_the_literal_search(client, docs, q):
    response = client.get("/api/replies/", {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["literal"] is True and NOTICE_MALFORMED in data["notice"]


@pytest.mark.parametrize("q", [*ODD, junk(6), junk(7), "字" * 2000])
def test_api_answers_odd_queries_with_json(client, docs, q):
    response = client.get("/api/replies/", {"q": q})
    assert response.status_code == 200
    assert {"count", "next", "previous", "results"} <= response.json().keys()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_api_never_answers_500(client, docs, q):
    response = client.get("/api/replies/", {"q": q})
    assert response.status_code == 200
    response.json()
