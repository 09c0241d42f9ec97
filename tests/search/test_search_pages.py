"""Pages of a search: the first CANDIDATES matches are read by id, later ones from the full
ordered queryset; together they are every match exactly once, in one consistent order."""

from __future__ import annotations

import datetime

import pytest
from django.core.paginator import Paginator

from replies.search import ranking, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(make_reply, monkeypatch):
    monkeypatch.setattr(ranking, "CANDIDATES", 4)
    replies = [
        make_reply(
            body="硅巷" * (1 + i % 3) + "。",
            title="关于硅巷的答复" if i % 4 == 0 else f"答复{i}",
            reply_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(11)
    ]
    make_reply(body="无关的答复。")
    return replies


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", "number"])
def test_pages_cover_every_match_once_in_the_queryset_order(many, sort):
    outcome = search(None, "硅巷", sort)
    assert outcome.count == 11 and len(outcome.results.first) == 4
    paged = [r.pk for n in (1, 2, 3) for r in Paginator(outcome.results, 3).page(n).object_list]
    paged += [r.pk for r in Paginator(outcome.results, 3).page(4).object_list]
    everything = list(outcome.queryset.values_list("pk", flat=True))
    assert paged == everything
    assert sorted(paged) == sorted(r.pk for r in many)
    assert [r.pk for r in outcome.results[:]] == everything


def test_relevance_puts_title_hits_first_then_newest(many):
    outcome = search(None, "硅巷")
    ids = [r.pk for r in outcome.results[:]]
    titled = [r.pk for r in many if r.title.startswith("关于硅巷")]
    assert set(ids[: len(titled)]) == set(titled)


def test_no_match_is_an_empty_sequence(many):
    outcome = search(None, "没有这个词")
    assert outcome.count == 0 and outcome.results[:] == [] and list(outcome.results) == []


def test_occurrence_tiers_bring_the_densest_reply_into_the_scored_candidates(
    make_reply, monkeypatch
):
    monkeypatch.setattr(ranking, "CANDIDATES", 3)
    newer = [
        make_reply(
            title=f"关于推进工作的答复{i}",
            body="工作。",
            reply_date=datetime.date(2024, 6, 1) + datetime.timedelta(days=i),
        )
        for i in range(5)
    ]
    dense = make_reply(
        title="关于推进工作的答复", body="工作，" * 10, reply_date=datetime.date(2020, 1, 1)
    )
    ids = [r.pk for r in search(None, "工作").results[:]]
    assert ids[0] == dense.pk
    assert set(ids) == {dense.pk, *(r.pk for r in newer)}
