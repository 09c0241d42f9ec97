"""Each page costs a bounded number of queries, whatever the number of results or facets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replies import figures
from replies.browse import permalink
from replies.models import Department, Reply, Sector
from replies.search import related, stats
from tests.browse.corpus import build_corpus

pytestmark = pytest.mark.django_db

#: The listing: count + page + one statement for all facet counts (filters.facet_counts).
LISTING_MAX = 3
# Full-text search adds candidate, ranking and zero-result-log statements, a fixed number.
SEARCH_MAX = LISTING_MAX + 8
#: Worst case, every filter set and nothing found (so no page query): + 4 value look-ups
#: (council with its name, session, department, sector: each checks that public replies have
#: the value) + one count per condition for the "drop this" suggestions.
#: The full-text search of the query adds its own fixed statements (see SEARCH_MAX).
LISTING_ALL_FILTERS_MAX = LISTING_MAX - 1 + 4 + 12 + (SEARCH_MAX - LISTING_MAX)
#: The reply page: reply, sections, co-departments, siblings, related replies, plus the related
#: look-up in the search index (replies.search.related, a fixed number of statements).
REPLY_MAX = 6 + related.MAX_STATEMENTS
ALL_FILTERS = {
    "q": "养老",
    "council": "长宁区政协",
    "year": "2024",
    "department": "长宁区民政局",
    "sector": "经济",
    "proposer": "经济界别",
    "result": "A",
    "kind": "答复",
    "date_from": "2023-01-01",
    "date_to": "2025-01-01",
    "number": "5",
    "sort": "number",
}


def all_filters(corpus) -> dict[str, str]:
    """ALL_FILTERS with a council, session, department and sector that public replies of
    ``corpus`` have (any other value is an invalid filter, ignored), and no reply matching."""
    reply = corpus.public[1]
    reply.refresh_from_db()
    assert reply.result_class != ALL_FILTERS["result"]  # so nothing is found
    return {
        **ALL_FILTERS,
        "council": reply.session.council_slug,
        "session": str(reply.session_id),
        "department": reply.department.slug,
        "sector": reply.sector.slug,
    }


def filtered(client, corpus) -> int:
    """The queries of the listing with every filter set, each of them valid and applied."""
    params = all_filters(corpus)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/", params).content.decode()
    assert "部分筛选条件无效" not in html and "没有找到" in html, params
    return len(ctx)


@pytest.fixture(autouse=True)
def _statistics_read(db):
    """The text sample and the index size are read once in ten minutes per process, not per
    page: read them before counting, so the counts do not depend on the test order."""
    stats.sample(max_age=0)
    related.index_size(max_age=0)


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx)


def widen(corpus, extra_departments: int) -> None:
    """Many more facet values: every reply gets its own department and co-department."""
    for i, reply in enumerate(corpus.public):
        reply.department = Department.objects.create(name=f"第{i}号扩展单位")
        reply.sector = Sector.objects.create(name=f"第{i}号扩展界别")
        reply.save()
        reply.co_departments.add(
            *(Department.objects.create(name=f"第{i}-{j}号会办单位") for j in range(3))
        )
    assert Department.objects.count() >= extra_departments


def test_listing_queries_do_not_grow_with_results_or_facets(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        small = build_corpus(count=3, hidden=1)
    few = {
        "home": queries(client, "/"),
        "filtered": filtered(client, small),
        "search": queries(client, "/", {"q": "电梯 养老", "page": "2"}),
    }
    Reply.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        big = build_corpus(count=120, hidden=10)
        widen(big, 300)
    many = {
        "home": queries(client, "/"),
        "filtered": filtered(client, big),
        "search": queries(client, "/", {"q": "电梯 养老", "page": "2"}),
    }
    # A search with no hit also logs the query for staff (two statements), so compare the
    # search page by its bound rather than by equality.
    assert (few["home"], few["filtered"]) == (many["home"], many["filtered"]), (few, many)
    assert many["home"] <= LISTING_MAX
    assert max(few["search"], many["search"]) <= SEARCH_MAX
    assert many["filtered"] <= LISTING_ALL_FILTERS_MAX
    with django_assert_max_num_queries(LISTING_MAX + 1):  # + the department's look-up
        client.get("/", {"page": "3", "department": big.public[0].department.slug})


def test_entity_and_reply_pages_are_bounded(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corpus = build_corpus(count=80, hidden=5)
        widen(corpus, 200)
    reply = corpus.public[7]
    department = reply.department
    # + the entity, its class shares, the fixed filter's value look-up, its aliases (the
    # session page has none), its figures
    with django_assert_max_num_queries(LISTING_MAX + 4 + figures.QUERIES):
        assert client.get(f"/departments/{department.slug}/").status_code == 200
    session = reply.session
    with django_assert_max_num_queries(LISTING_MAX + 4 + figures.QUERIES):
        client.get(f"/sessions/{session.council_slug}/{session.term}-{session.number}/")
    for reply in corpus.public[:12]:
        with django_assert_max_num_queries(REPLY_MAX):
            response = client.get(permalink(reply), {"q": "电梯"})
        assert response.status_code == 200 and 'id="related-title"' in response.content.decode()
    with django_assert_max_num_queries(5):
        assert client.get("/directory/").status_code == 200
    # the figures, + the value look-ups of the filters and the search's own statements
    with django_assert_max_num_queries(figures.QUERIES + 4 + (SEARCH_MAX - LISTING_MAX)):
        assert client.get("/stats/", {**all_filters(corpus), "result": ""}).status_code == 200
