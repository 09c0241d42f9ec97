"""A search over every public reply is read from the search rows (``pages``): each page, in
either statement shape (walk or probe), is the page the full ordered queryset gives, and the
relevance candidates are those of the filtered one-pass ranking."""

from __future__ import annotations

import datetime

import pytest

from replies.models import Reply
from replies.search import SORTS, pages, ranking, search

pytestmark = pytest.mark.django_db

QUERIES = [
    "推进",  # every reply
    "养老",  # about half
    "养老服务",  # a longer term, word or not
    "硅巷",  # three replies, one of them very long (chunked)
    "养老 推进",
    "养老 -硅巷",
    "养老 OR 硅巷",
    "第7号",  # the number hint
    "不存在的词",
]


@pytest.fixture
def corpus(make_reply):
    made = []
    for i in range(90):
        body = "推进工作。" + ("养老服务，养老保障。" * (1 + i % 7) if i % 2 else "")
        if i in (5, 40):
            body += "建设硅巷。"
        made.append(
            make_reply(
                body=body,
                title=f"关于第{i}号提案（{'养老' if i % 9 == 0 else '教育'}）的答复",
                number=str(i),
                number_int=None if i % 17 == 0 else i,
                reply_date=None if i % 13 == 0 else datetime.date(2024, 1, 1 + i % 28),
            )
        )
    long_body = "推进工作。" + "长文" * 30_000 + "硅巷" + "长文" * 10_000
    made.append(make_reply(body=long_body, reply_date=datetime.date(2023, 6, 1)))
    return made


def all_pages(results, size: int = 20) -> list[int]:
    out, start = [], 0
    while start < results.count():
        page = results[start : start + size]
        assert page, f"empty page at {start} of {results.count()}"
        out += [reply.pk for reply in page]
        start += size
    return out


@pytest.mark.parametrize("shape", ["walk", "probe"])
@pytest.mark.parametrize("sort", SORTS)
def test_every_page_is_the_page_of_the_ordered_queryset(corpus, monkeypatch, sort, shape):
    monkeypatch.setattr(pages, "WALK_COST", 0.0 if shape == "walk" else 1e9)
    monkeypatch.setattr(ranking, "CANDIDATES", 15)  # pages past the candidates, too
    for q in QUERIES:
        outcome = search(None, q, sort)
        assert outcome.results.pager is not None  # read from the search rows
        expected = list(outcome.queryset.values_list("pk", flat=True))
        assert outcome.count == len(expected), q
        assert all_pages(outcome.results) == expected, (q, sort)
        public = Reply.objects.public()
        assert len(expected) == len(set(expected)) and set(expected) <= set(
            public.values_list("pk", flat=True)
        )


@pytest.mark.parametrize("candidates", [5, 15, 100])
def test_one_word_candidates_are_those_of_the_full_order(corpus, monkeypatch, candidates):
    monkeypatch.setattr(ranking, "CANDIDATES", candidates)
    filtered_base = Reply.objects.public().filter(pk__gt=0)  # not the plain public queryset
    for q in ("养老", "推进", "硅巷", "养老服务"):
        rows = search(None, q)
        full = search(filtered_base, q)
        assert rows.results.pager is not None and full.results.pager is None
        assert rows.count == full.count
        assert rows.results.first == full.results.first, q
        assert rows.scores == full.scores


def test_a_long_reply_is_found_by_its_chunks_in_both_shapes(corpus, monkeypatch):
    long_reply = corpus[-1]
    for cost in (0.0, 1e9):
        monkeypatch.setattr(pages, "WALK_COST", cost)
        found = [r.pk for r in search(None, "硅巷", "newest").results[0:20]]
        assert long_reply.pk in found and len(found) == 3


def test_a_reply_hidden_after_indexing_never_shows(corpus):
    hidden = corpus[1]
    # hide it behind the index's back: the search row is still there
    Reply.objects.filter(pk=hidden.pk).update(status="draft")
    for sort in SORTS:
        outcome = search(None, "养老", sort)
        shown = [reply.pk for reply in outcome.results[0 : outcome.count]]
        assert hidden.pk not in shown


@pytest.mark.parametrize("cost", [0.0, 1e9])  # every stratum walked / every one read by set
def test_one_word_candidates_are_exact_in_either_stratum_shape(corpus, monkeypatch, cost):
    from replies.search import stats

    stats.sample(max_age=0)  # this corpus's heads and tiers
    monkeypatch.setattr(pages, "WALK_COST", cost)
    monkeypatch.setattr(ranking, "CANDIDATES", 15)
    filtered_base = Reply.objects.public().filter(pk__gt=0)
    for q in ("养老", "推进", "硅巷", "养老服务", "第7号"):
        rows = search(None, q)
        full = search(filtered_base, q)
        assert rows.results.first == full.results.first, (q, cost)
        assert rows.scores == full.scores


SEVERAL_WORDS = (
    "养老 推进",  # 养老 in tiers 0–2 and some titles, 推进 in every reply
    "推进 养老服务",
    "养老 服务 保障",  # three words in tiers 0–2, 0–1, 0–1
    "养老 推进 工作",
    "养老 硅巷",  # two replies
    '"养老 服务" 推进 教育',  # a phrase; 教育 only in titles
)


@pytest.mark.parametrize("shape", ["walk", "set", "rest"])
def test_several_word_candidates_are_exact_in_every_stratum_shape(
    corpus, make_reply, monkeypatch, shape
):
    """Every stratum walked / every one read from a set / the matches read at once: the
    candidates are those of the one-pass ranking of the full order, also where the words'
    tiers add up high without any being the highest (which a signal set of the highest tier
    left out)."""
    from replies.search import stats

    for _ in range(6):  # 养老 in tier 3, 推进 in tier 0: 3
        make_reply(body="推进。" + "养老。" * 16, reply_date=datetime.date(2022, 1, 1))
    for _ in range(3):  # both in tier 2: 4, older
        make_reply(body="养老，推进。" * 8, reply_date=datetime.date(2019, 1, 1))
    stats.sample(max_age=0)
    monkeypatch.setattr(pages, "WALK_COST", 0.0 if shape == "walk" else 1e9)
    if shape == "set":
        monkeypatch.setattr(ranking, "_reads_rest", lambda remaining, need, total: False)
    filtered_base = Reply.objects.public().filter(pk__gt=0)
    for candidates in (5, 15, 40):
        monkeypatch.setattr(ranking, "CANDIDATES", candidates)
        for q in SEVERAL_WORDS:
            rows = search(None, q)
            full = search(filtered_base, q)
            assert rows.results.pager is not None and full.results.pager is None
            assert rows.count == full.count, q
            assert rows.results.first == full.results.first, (q, shape, candidates)
            assert rows.scores == full.scores
