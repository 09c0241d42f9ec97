"""The search's plans are right by construction, with no planner switch flipped.

Every statement a search runs, the ones nested inside the search functions included (read
with ``auto_explain`` at NOTICE level), is checked: the gram function is only ever evaluated
inside the GIN index (a bitmap scan), never row by row as a filter, and no search row is
re-checked because a bitmap went lossy. The corpus holds the searched grams in every reply
and is analysed, the statistics under which the planner used to pick row-by-row plans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replies.search import related, search, stats
from replies.search.schema import CHUNK_TABLE, TABLE

pytestmark = pytest.mark.django_db

SEARCH_FUNCTIONS = ("replies_search_match", "replies_search_head", "replies_search_words")
QUERIES = (
    "工作",
    "推进工作",
    "推进 工作",
    "工作 -硅巷",
    '"推进工作第1"',
    "硅巷",
    "工",
    "工作 OR 硅巷",
)


@pytest.fixture
def analysed(make_reply):
    replies = [
        make_reply(
            title=f"关于推进工作第{i}项提案的答复",
            body=("推进工作，" * (20 if i % 3 == 0 else 5)) + ("硅巷。" if i == 0 else ""),
            number_int=i + 1,
        )
        for i in range(60)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE replies_replysearch")
        cursor.execute("ANALYZE replies_replysearchchunk")
        cursor.execute("ANALYZE replies_reply")
    stats.sample(max_age=0)
    yield replies
    stats.sample(max_age=0)


@contextmanager
def plans() -> Iterator[list[dict]]:
    """Collect the JSON plan of every statement run in the block, nested ones included."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            # LOAD 'auto_explain' and its settings need a superuser: the embedded server's run
            # of this suite (the role is its superuser) checks these plans.
            pytest.skip("auto_explain needs a superuser role")
    found: list[dict] = []

    def notice(diagnostic) -> None:
        text = diagnostic.message_primary or ""
        if "plan:" in text:
            found.append(json.loads(text.split("plan:", 1)[1])["Plan"])

    raw = connection.connection
    raw.add_notice_handler(notice)
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for setting, value in (
            ("log_min_duration", "0"),
            ("log_nested_statements", "on"),
            ("log_analyze", "on"),
            ("log_format", "json"),
            ("log_level", "notice"),
        ):
            cursor.execute("SELECT set_config(%s, %s, false)", [f"auto_explain.{setting}", value])
    try:
        yield found
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('auto_explain.log_min_duration', '-1', false)")
        raw.remove_notice_handler(notice)


def nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def row_by_row_grams(found: list[dict]) -> list[str]:
    """The plan nodes that computed the gram function on more than one row (as a filter or
    in a sequential scan), or re-checked lossy gram pages. (On a table of one row, a
    sequential scan computes what a bitmap scan reads: the cost model is right there.)"""
    bad = []
    for plan in found:
        for node in nodes(plan):
            where = node.get("Relation Name", "")
            rows = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get(
                "Actual Loops", 1
            )
            computes = "replies_search_grams(" in node.get("Filter", "") or (
                node["Node Type"] == "Seq Scan"
                and where in (TABLE, CHUNK_TABLE)
                and "replies_search_grams(" in json.dumps(node)
            )
            if computes and rows > 1:
                bad.append(f"{node['Node Type']} on {where}: grams of {rows} rows computed")
            lossy = node.get("Rows Removed by Index Recheck", 0)
            if lossy and "grams" in node.get("Recheck Cond", ""):
                bad.append(f"{node['Node Type']} on {where}: lossy gram pages re-checked")
    return bad


@pytest.mark.parametrize("sort", ["relevance", "newest", "number"])
def test_no_search_statement_computes_grams_row_by_row(analysed, sort):
    with plans() as found:
        for q in QUERIES:
            outcome = search(None, q, sort)
            assert list(outcome.results[0:20]), q  # every query matches the corpus
            list(outcome.results[20:40])  # a page past the first: the pager's statements
    assert found, "auto_explain reported no plan"
    assert any(
        n["Node Type"] == "Bitmap Index Scan" and "grams" in n.get("Index Name", "")
        for p in found
        for n in nodes(p)
    )
    assert row_by_row_grams(found) == []


def test_related_replies_read_grams_from_the_index_only(analysed):
    with plans() as found:
        related.related_ids(analysed[1])
    assert row_by_row_grams(found) == []


def test_the_check_catches_a_plan_that_computes_grams_per_row(analysed):
    # With bitmap scans off the planner can only compute the grams row by row: the check must
    # see it (so the tests above can fail).
    with plans() as found, connection.cursor() as cursor:
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(
                f"SELECT count(*) FROM {TABLE} WHERE replies_search_grams(text) @@ '工作'::tsquery"
            )
        finally:
            cursor.execute("RESET enable_bitmapscan")
    assert row_by_row_grams(found)


def test_searches_flip_no_planner_switch(analysed, settings):
    settings.DEBUG = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE proname = ANY(%s)",
            [list(SEARCH_FUNCTIONS)],
        )
        config = dict(cursor.fetchall())
    assert set(config) == set(SEARCH_FUNCTIONS)
    assert all(settings is None for settings in config.values()), config
    with CaptureQueriesContext(connection) as ctx:
        for q in QUERIES:
            for sort in ("relevance", "newest"):
                search(None, q, sort).results[0:40]
        related.related_ids(analysed[2])
    issued = " ".join(entry["sql"] for entry in ctx.captured_queries)
    assert not re.search(r"enable_\w+", issued)


def test_the_gram_indexes_keep_no_planner_statistics(analysed):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename IN "
            "('replysearch_text_grams', 'replysearch_head_grams', 'replysearchchunk_grams')"
            " OR (tablename = %s AND attname = 'words')",
            [TABLE],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            f"SELECT count(*) FROM pg_stats WHERE tablename = '{TABLE}' AND attname = 'text'"
        )
        assert cursor.fetchone()[0] == 1  # ANALYZE did run


def test_the_text_sample_tells_common_from_rare_terms(analysed):
    assert stats.share("工作") == 1.0
    assert stats.is_common("推进工作")
    assert not stats.is_common("硅巷") and not stats.is_common("没有")


def test_a_share_is_remembered_until_the_sample_is_read_again(analysed):
    assert stats.share("工作") == 1.0 and "工作" in stats._Sample.shares
    stats._Sample.shares["工作"] = 0.5  # what a remembered answer would say
    assert stats.share("工作") == 0.5
    stats.sample(max_age=0)
    assert stats._Sample.shares == {} and stats.share("工作") == 1.0
