"""The figures equal counts computed independently from the database, under several filters."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict

from replies.browse import matching, search_url
from replies.figures import figures
from replies.models import Reply, Session
from tests.browse.test_filters import independent

pytestmark = pytest.mark.django_db

FILTERS = [
    {},
    {"council": "长宁区政协"},
    {"result": "A", "year": "2024"},
    {"department": "长宁区民政局"},
    {"sector": "经济", "kind": "答复"},
    {"q": "电梯"},
]


def figures_for(params):
    state, _, found = matching(QueryDict(mutable=True) | params)
    return figures(found, lambda **c: search_url(state, **c))


def chart(result, key):
    return {bar.label: bar.count for bar in next(c for c in result.charts if c.key == key).bars}


def replies(params):
    return list(
        Reply.objects.filter(pk__in=independent(params))
        .select_related("session", "department", "sector")
        .prefetch_related("co_departments")
    )


@pytest.mark.parametrize("params", FILTERS)
def test_counts_per_session_sector_month_and_department(corpus, params):
    rows = replies(params)
    result = figures_for(params)
    assert result.total == len(rows)
    assert chart(result, "session") == Counter(str(r.session) for r in rows)
    assert chart(result, "sector") == Counter(r.sector.name for r in rows)
    months = Counter(f"{r.reply_date.year}年{r.reply_date.month}月" for r in rows)
    assert chart(result, "month") == months
    departments = Counter()
    for r in rows:
        departments.update({r.department.name, *(d.name for d in r.co_departments.all())})
    assert chart(result, "department") == dict(departments)


@pytest.mark.parametrize("params", FILTERS)
def test_result_class_shares_overall_per_session_and_department(corpus, params):
    rows = replies(params)
    result = figures_for(params)
    assert result.overall.counts == Counter(r.result_class for r in rows)
    by_session = {s.label: s.counts for s in result.by_session}
    expected = {}
    for r in rows:
        expected.setdefault(str(r.session), Counter())[r.result_class] += 1
    assert by_session == expected
    for split in result.by_department:
        mine = [
            r
            for r in rows
            if split.label in {r.department.name, *(d.name for d in r.co_departments.all())}
        ]
        assert split.counts == Counter(r.result_class for r in mine), split.label


def test_bars_link_to_the_search_that_finds_their_count(client, corpus):
    params = {"council": "长宁区政协"}
    result = figures_for(params)
    for c in result.charts:
        for bar in c.bars:
            if not bar.url:
                continue
            query = dict(parse_qsl(urlsplit(bar.url).query))
            assert query["council"] == "长宁区政协"
            listing = client.get(bar.url).context["listing"]
            assert listing.total == bar.count, (c.key, bar.label)


def test_league_table_counts_share_of_a_and_median_days(corpus):
    session = corpus.sessions[0]
    Session.objects.filter(pk=session.pk).update(opened_on=datetime.date(session.year, 1, 10))
    result = figures_for({})
    for row in result.league:
        mine = [
            r for r in replies({}) if r.department.slug == row.slug and r.session.year == row.year
        ]
        assert row.count == len(mine)
        assert row.a_share == round(100 * sum(r.result_class == "A" for r in mine) / len(mine), 1)
        days = [
            (r.reply_date - datetime.date(session.year, 1, 10)).days
            for r in mine
            if r.session_id == session.pk
        ]
        assert row.median_days == (round(statistics.median(days), 1) if days else None)
    assert any(row.median_days is not None for row in result.league)


def test_stats_page_shows_numbers_svg_and_no_hidden_reply(client, corpus):
    html = client.get("/stats/", {"council": "测试市政协"}).content.decode()
    total = len(independent({"council": "测试市政协"}))
    assert f"共 <strong>{total}</strong> 件公开答复" in html
    assert html.count("<svg") >= 4 and "<script" not in html
    assert "政协：测试市政协" in html
    assert "隐藏" not in html


def test_entity_pages_show_their_own_figures(client, corpus):
    department = corpus.departments[2]
    html = client.get(f"/departments/{department.slug}/").content.decode()
    assert "统计（该单位）" in html and 'class="bars"' in html
    session = corpus.sessions[1]
    url = f"/sessions/{session.council_slug}/{session.term}-{session.number}/"
    assert "统计（本次会议）" in client.get(url).content.decode()
