"""Ranking in the real index: title hits first, more and closer occurrences higher, ties to the
newer reply; and the sort options newest / oldest / number.
"""

from __future__ import annotations

import datetime

import pytest

from replies.browse import permalink
from replies.models import Reply
from replies.search import SORTS, ranking, search

TITLE = "关于林业保护工作的答复"
PROPOSAL = "关于林业保护的建议"
FILLER = "本段文字与检索无关，只用来拉开两处词语之间的距离。" * 3


def day(year: int, month: int = 1, d: int = 1) -> datetime.date:
    return datetime.date(year, month, d)


DEFAULT_DATE = day(2024)


def ranked(q: str, sort: str = "relevance") -> list[int]:
    return list(search(None, q, sort).queryset.values_list("pk", flat=True))


@pytest.fixture
def add(make_reply):
    def add(body: str = "", date=DEFAULT_DATE, **fields) -> int:
        fields.setdefault("title", TITLE)
        fields.setdefault("proposal_title", PROPOSAL)
        return make_reply(body=body, reply_date=date, **fields).pk

    return add


def test_title_and_proposal_title_hits_rank_above_body_only_hits(add):
    body_only = add("云杉" * 6 + "，云杉林。", date=day(2025))  # many hits, newest
    in_title = add("无关。", date=day(2019), title="关于云杉保护的答复")
    in_proposal = add("无关。", date=day(2020), proposal_title="关于保护云杉的建议")
    order = ranked("云杉")
    assert set(order[:2]) == {in_title, in_proposal}
    assert order[2] == body_only


def test_more_query_terms_in_the_title_rank_higher(add):
    one = add("云杉与石榴。", date=day(2025), proposal_title="关于云杉的建议")
    both = add("云杉与石榴。", date=day(2019), proposal_title="关于云杉和石榴的建议")
    assert ranked("云杉 石榴") == [both, one]


def test_more_occurrences_rank_above_fewer(add):
    once = add("云杉。", date=day(2025))
    twice = add("云杉，云杉。", date=day(2023))
    four = add("云杉，云杉，云杉，云杉。", date=day(2021))
    assert ranked("云杉") == [four, twice, once]


def test_closer_occurrences_rank_above_distant_ones(add):
    far = add("云杉" + FILLER + "石榴。", date=day(2025))
    near = add("云杉与石榴" + FILLER, date=day(2020))
    assert ranked("云杉 石榴") == [near, far]


def test_ties_go_to_the_newer_reply(add):
    middle = add("云杉林。", date=day(2022))
    newest = add("云杉林。", date=day(2023, 6, 1))
    oldest = add("云杉林。", date=day(2021))
    undated = add("云杉林。", date=None)
    same_day_later = add("云杉林。", date=day(2022))  # same date: the later entry first
    assert ranked("云杉") == [newest, same_day_later, middle, oldest, undated]


def test_ranking_stays_title_first_beyond_the_scored_candidates(add, monkeypatch):
    monkeypatch.setattr(ranking, "CANDIDATES", 2)
    body_only = [add("云杉。", date=day(2025, 1, k)) for k in range(1, 4)]
    titles = [add("无关。", date=day(2010 + k), title=f"关于云杉第{k}项的答复") for k in range(3)]
    order = ranked("云杉")
    assert set(order[:3]) == set(titles)
    assert order[3:] == sorted(body_only, reverse=True)  # newest first (dates follow pk)


@pytest.fixture
def spread(add):
    """Matches whose date order, number order and relevance order all differ."""
    return {
        "title_old": add("无关。", date=day(2018), title="云杉答复", number="030", number_int=30),
        "body_new": add("云杉。", date=day(2025), number="010", number_int=10),
        "body_mid": add("云杉，云杉。", date=day(2021), number="020", number_int=20),
        "no_number": add("云杉。", date=day(2022), number="", number_int=None),
        "no_date": add("云杉。", date=None, number="005", number_int=5),
    }


def test_sort_options_give_their_order(spread):
    s = spread
    assert ranked("云杉", "newest") == [
        s["body_new"],
        s["no_number"],
        s["body_mid"],
        s["title_old"],
        s["no_date"],
    ]
    assert ranked("云杉", "oldest") == [
        s["title_old"],
        s["body_mid"],
        s["no_number"],
        s["body_new"],
        s["no_date"],
    ]
    assert ranked("云杉", "number") == [
        s["no_date"],
        s["body_new"],
        s["body_mid"],
        s["title_old"],
        s["no_number"],
    ]
    relevance = ranked("云杉")
    assert relevance[:2] == [s["title_old"], s["body_mid"]]
    assert ranked("云杉", "no-such-sort") == relevance


def test_api_and_page_use_the_same_order(client, spread):
    for sort in SORTS:
        expected = ranked("云杉", sort)
        data = client.get("/api/replies/", {"q": "云杉", "sort": sort}).json()
        assert [r["id"] for r in data["results"]] == expected, sort
        if sort == "relevance":
            scores = [r["score"] for r in data["results"]]
            assert scores == sorted(scores, reverse=True)
        page = client.get("/", {"q": "云杉", "sort": sort}).content.decode()
        replies = Reply.objects.in_bulk(expected)
        positions = [page.index(f'href="{permalink(replies[pk])}?') for pk in expected]
        assert positions == sorted(positions), sort
