"""The matcher learns from the gram index's statistics which terms are common, and runs
those with hash joins; the results are the same either way."""

from __future__ import annotations

import pytest
from django.db import connection

from replies.search import query, stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(make_reply):
    replies = [
        make_reply(body=f"推进工作第{i}项。" + ("硅巷。" if i == 0 else ""), number_int=i + 1)
        for i in range(40)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE replies_replysearch")
    stats.gram_shares(max_age=0)
    yield replies
    stats.gram_shares(max_age=0)


def nestloop() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        return cursor.fetchone()[0]


def test_statistics_tell_common_from_rare_terms(analysed):
    assert stats.share("工作") > 0.9
    assert stats.is_common("工作") and stats.is_common("推进工作")
    assert not stats.is_common("硅巷") and not stats.is_common("没有")


def test_common_terms_find_the_same_replies_in_the_same_order(analysed, monkeypatch):
    planned = [r.pk for r in query.search(None, "工作").results[:]]
    assert nestloop() == "on"  # restored after the block
    monkeypatch.setattr(stats, "is_common", lambda term: False)
    plain = [r.pk for r in query.search(None, "工作").results[:]]
    assert planned == plain and len(planned) == 40
    assert [r.pk for r in query.search(None, "硅巷").results[:]] == [analysed[0].pk]


def test_search_functions_pin_their_plans_whatever_the_caller_set(analysed):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE proname IN "
            "('replies_search_match', 'replies_search_head', 'replies_search_words')"
        )
        config = dict(cursor.fetchall())
    assert set(config) == {"replies_search_match", "replies_search_head", "replies_search_words"}
    for settings in config.values():
        assert {"enable_seqscan=off", "enable_indexscan=off", "enable_nestloop=on"} <= set(settings)
    with query.planned("工作"):  # nested loops off outside, on inside the functions
        assert nestloop() == "off"
        assert len([r.pk for r in query.search(None, "推进工作").results[:]]) == 40
    assert nestloop() == "on"
