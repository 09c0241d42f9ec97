"""The first relevance page of common words reads rows bounded by the page: the top stratum
(here: every reply holds the words 16 times or more, none in its title) is walked in date
order and the walk stops after the candidates, instead of reading every signal row."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replies.search import ranking, search, stats
from replies.search.schema import TABLE

pytestmark = pytest.mark.django_db

REPLIES = 150
K = 5


@pytest.fixture
def dense(make_reply):
    made = [
        make_reply(title=f"关于第{i}号提案的答复", body="推进工作。" * (16 + i % 5), number_int=i)
        for i in range(REPLIES)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    stats.sample(max_age=0)
    yield made
    stats.sample(max_age=0)


def _rows_read(plan: dict) -> int:
    """Rows the scans of the search table produced or filtered out, over the whole plan."""
    own = 0
    if plan.get("Relation Name") == TABLE:
        own = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
        own += plan.get("Rows Removed by Filter", 0)
    return own + sum(_rows_read(child) for child in plan.get("Plans", []))


@pytest.mark.parametrize("query", ["推进", "推进 工作", "推进 工作 答复"])
def test_dense_top_stratum_is_a_bounded_walk(dense, monkeypatch, query):
    # 答复 is in every title (all rows are title hits), once (tier 0)
    monkeypatch.setattr(ranking, "CANDIDATES", K)
    with CaptureQueriesContext(connection) as captured:
        outcome = search(None, query)
    assert outcome.count == REPLIES
    expected = sorted(dense, key=lambda r: (r.reply_date, r.pk), reverse=True)
    assert set(outcome.results.first) == {r.pk for r in expected[:K]}
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(f"SELECT s.reply_id, s.reply_date FROM {TABLE} s")
    ]
    assert statements
    read = 0
    for sql in statements:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            value = cursor.fetchone()[0]
            plan = (value if isinstance(value, list) else json.loads(value))[0]["Plan"]
        read += _rows_read(plan)
    # the old shape read all 150 signal rows by primary key, then sorted them
    assert read <= 4 * K, (query, read)
    walked = [
        sql for sql in statements if "ts_match_vq" in sql and "replies_search_words" not in sql
    ]
    assert walked
