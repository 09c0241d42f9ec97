"""All facet counts of a page come from one statement, and each count is what plain ORM
counting gives: the rows under every other active filter (and the search query) that have
the option, co-handling departments included."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from replies import figures, search
from replies.browse import build_listing
from replies.filters import FACETS, ReplyFilter, facet_counts, facet_options
from replies.models import (
    Department,
    Disclosure,
    DocKind,
    Reply,
    ResultClass,
    Sector,
    Session,
    Status,
)
from replies.search import related, stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(corpus, django_capture_on_commit_callbacks):
    """The browse corpus plus replies that miss fields or co-handle oddly: one without a
    session, lead department, sector or proposer but with two co-handling departments; one
    whose co-handling departments include its own lead."""
    deps = corpus.departments
    with django_capture_on_commit_callbacks(execute=True):
        bare = Reply.objects.create(
            title="无会议的养老答复",
            proposal_title="关于养老服务的建议",
            doc_kind=DocKind.REPLY,
            result_class=ResultClass.B,
            body="养老服务设施建设。",
            status=Status.PUBLISHED,
            disclosure=Disclosure.PUBLIC,
        )
        bare.co_departments.add(deps[2], deps[5])
        bare.save()
        lead = corpus.public[3]
        lead.co_departments.add(lead.department, deps[(deps.index(lead.department) + 4) % 8])
        lead.save()
    return corpus


def orm_filter(name: str, value: str) -> Q:
    """One GET filter as plain ORM conditions, written without the FilterSet."""
    if name == "council":
        return Q(session__council_slug=value)
    if name == "session":
        return Q(session_id=int(value))
    if name == "year":
        return Q(session__year=int(value))
    if name == "department":
        return Q(department__slug=value) | Q(co_departments__slug=value)
    if name == "sector":
        return Q(sector__slug=value)
    if name == "proposer":
        return Q(proposer=value)
    if name == "result":
        return Q(result_class=value)
    if name == "kind":
        return Q(doc_kind=value)
    if name == "date_from":
        return Q(reply_date__gte=datetime.date.fromisoformat(value))
    if name == "q":
        return (
            Q(title__contains=value) | Q(proposal_title__contains=value) | Q(body__contains=value)
        )
    raise AssertionError(name)


def orm_count(params: dict[str, str]) -> int:
    qs: QuerySet = Reply.objects.public()
    for name, value in params.items():
        qs = qs.filter(orm_filter(name, value))
    return qs.distinct().count()


def candidates(name: str) -> list[tuple[str, str, Any]]:
    """Every value a facet could offer: (GET value, label, sort key before the count)."""
    if name == "council":
        rows = Session.objects.values_list("council_slug", "council").order_by().distinct()
        return [(slug, council, council) for slug, council in rows]
    if name == "session":
        return [(str(s.pk), str(s), (s.council, -s.term, -s.number)) for s in Session.objects.all()]
    if name == "year":
        years = (
            Session.objects.exclude(year=None).values_list("year", flat=True).order_by().distinct()
        )
        return [(str(y), f"{y}年", -y) for y in years]
    if name == "department":
        return [(d.slug, d.name, d.name) for d in Department.objects.all()]
    if name == "sector":
        return [(s.slug, s.name, s.name) for s in Sector.objects.all()]
    if name == "proposer":
        names = (
            Reply.objects.exclude(proposer="")
            .values_list("proposer", flat=True)
            .order_by()
            .distinct()
        )
        return [(p, p, p) for p in names]
    choices = ResultClass.choices if name == "result" else DocKind.choices
    return [(value, label, i) for i, (value, label) in enumerate(choices)]


#: Facets whose options come largest first (ties by label); the others keep a fixed order.
BY_COUNT = {"council", "department", "sector", "proposer"}


def expected_options(name: str, params: dict[str, str]) -> list[tuple[str, str, int, bool]]:
    """A facet's options as the page shows them, counted one by one with the ORM."""
    others = {k: v for k, v in params.items() if k != name}
    found = []
    for value, label, key in candidates(name):
        n = orm_count({**others, name: value})
        if n:
            found.append((value, label, n, key))
    found.sort(key=lambda o: (-o[2], o[3]) if name in BY_COUNT else o[3])
    chosen = params.get(name)
    options = [(value, label, n, value == chosen) for value, label, n, _ in found]
    if chosen is not None and not any(o[3] for o in options):
        label = next(c[1] for c in candidates(name) if c[0] == chosen)
        options.insert(0, (chosen, label, 0, True))
    return sorted(options, key=lambda o: not o[3])


def combinations(corpus) -> list[dict[str, str]]:
    """None, one, two and three active filters, with and without a search query."""
    reply = corpus.public[1]
    co_handled = (
        Reply.objects.public()
        .filter(co_departments__isnull=False, sector__isnull=False)
        .order_by("pk")
        .first()
    )
    co = co_handled.co_departments.exclude(pk=co_handled.department_id).first()
    session = reply.session
    base = [
        {},
        {"department": co.slug},
        {"sector": reply.sector.slug},
        {"session": str(session.pk)},
        {"result": "A"},
        {"year": str(session.year)},
        {"proposer": reply.proposer},
        {"council": session.council_slug},
        {"kind": DocKind.CO_OPINION},
        {"department": co.slug, "result": co_handled.result_class},
        {"department": co.slug, "year": str(session.year)},
        {"sector": reply.sector.slug, "council": session.council_slug},
        {"session": str(session.pk), "result": "B"},
        {"proposer": reply.proposer, "kind": DocKind.REPLY},
        {"department": co.slug, "sector": co_handled.sector.slug, "result": "C"},
        {"council": session.council_slug, "year": str(session.year), "kind": DocKind.REPLY},
        {"session": str(session.pk), "department": reply.department.slug, "result": "A"},
        {"result": "A", "date_from": "2024-01-01"},
        {"department": co.slug, "date_from": "2023-06-01", "year": "2024"},
    ]
    searched = [{"q": "养老", **p} for p in base[:12]] + [{"q": "电梯", **base[14]}]
    # nothing found: every selected option stays listed, with count 0
    nothing = [{"q": "不可能出现的词语", **base[16]}]
    return base + searched + nothing


def shown(listing) -> dict[str, list[tuple[str, str, int, bool]]]:
    return {
        f.name: [(o.value, o.label, o.count, o.selected) for o in f.options] for f in listing.facets
    }


def test_one_pass_counts_equal_plain_orm_counts(data):
    combos = combinations(data)
    assert len(combos) > 30
    for params in combos:
        listing = build_listing(QueryDict(mutable=True) | params)
        assert not listing.notices or params.get("q"), (params, listing.notices)
        assert listing.total == orm_count(params), params
        got = shown(listing)
        assert list(got) == list(FACETS)
        for name in FACETS:
            assert got[name] == expected_options(name, params), (params, name)


@pytest.mark.parametrize("common_share", [0.0, 1.01], ids=["hashed", "probed"])
def test_both_shapes_of_a_searched_count_equal_plain_orm_counts(data, monkeypatch, common_share):
    """A common term is tested by hashing its id set over the search rows, a rare one by
    probing the key per id (``matching.term_q``): the counts are the same either way."""
    monkeypatch.setattr(stats, "COMMON_SHARE", common_share)
    stats.sample(max_age=0)
    searched = [p for p in combinations(data) if p.get("q")]
    assert len(searched) > 10
    for params in searched:
        listing = build_listing(QueryDict(mutable=True) | params)
        assert listing.total == orm_count(params), params
        got = shown(listing)
        for name in FACETS:
            assert got[name] == expected_options(name, params), (params, name)


def test_the_facet_statement_reads_the_search_rows_alone(client, data):
    """No join with the reply table per counted row: the search rows carry the fields."""
    stats.sample(max_age=0)
    reply = data.public[1]
    for params in (
        {},
        {"q": "养老"},
        {"q": "养老", "result": "A", "sector": reply.sector.slug},
        {"council": reply.session.council_slug, "date_from": "2023-06-01"},
    ):
        with CaptureQueriesContext(connection) as page:
            assert client.get("/", params).status_code == 200
        (statement,) = facet_statements(page.captured_queries)
        assert '"replies_replysearch"' in statement
        assert not re.search(r'"replies_reply"(?!_)', statement), (params, statement)
        assert "replies_reply_co_departments" not in statement


def test_one_pass_on_a_fixed_scope(data):
    """A department page: the department is always applied and is no facet."""
    co_handled = (
        Reply.objects.public()
        .filter(co_departments__isnull=False, sector__isnull=False)
        .order_by("pk")
        .first()
    )
    department = co_handled.co_departments.exclude(pk=co_handled.department_id).first()
    for params in ({}, {"result": co_handled.result_class}, {"q": "养老", "year": "2024"}):
        listing = build_listing(
            QueryDict(mutable=True) | params,
            path="/x/",
            fixed={"department": department.slug},
        )
        got = shown(listing)
        assert "department" not in got
        for name in got:
            expected = expected_options(name, {**params, "department": department.slug})
            assert got[name] == expected, (params, name)


def test_co_handling_counts_as_lead_or_other_department(data):
    """The reply without a lead counts for both its co-handling departments; a lead that
    also appears among its co-handling departments counts its reply once."""
    counts = {
        o.value: o.count
        for o in facet_options(Reply.objects.public(), ("department",))["department"]
    }
    for department in Department.objects.all():
        n = orm_count({"department": department.slug})
        assert counts.get(department.slug, 0) == n, department.name
    # and the figures' department bars are the same counts, largest first
    found = figures.figures(Reply.objects.public(), lambda **kw: "")
    bars = next(c for c in found.charts if c.key == "department").bars
    assert [(b.label, b.count) for b in bars] == sorted(
        ((d.name, counts[d.slug]) for d in Department.objects.filter(slug__in=counts)),
        key=lambda b: (-b[1], b[0]),
    )[: figures.TOP_DEPARTMENTS]


def facet_statements(statements: list[dict[str, str]]) -> list[str]:
    """The facet-counting statements: the grouping sets, or a GROUP BY on a facet's field."""
    fields = ("council_slug", '"year"', "department_id", "sector_id", "proposer", "doc_kind")
    return [
        s["sql"]
        for s in statements
        if "GROUPING SETS" in s["sql"]
        or ("GROUP BY" in s["sql"] and any(f in s["sql"].split("GROUP BY")[1] for f in fields))
    ]


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "养老"}, {"q": "养老", "result": "A", "department": "长宁区民政局"}],
    ids=["listing", "search", "search-filtered"],
)
def test_a_page_counts_its_facets_in_one_statement(client, data, params):
    stats.sample(max_age=0)
    related.index_size(max_age=0)
    if "department" in params:
        params = {**params, "department": Department.objects.get(name=params["department"]).slug}
    with CaptureQueriesContext(connection) as page:
        assert client.get("/", params).status_code == 200
    found = facet_statements(page.captured_queries)
    assert len(found) == 1 and "GROUPING SETS" in found[0], found
    # the counting itself, once the filter values are known, is that one statement
    filterset = ReplyFilter(params, queryset=Reply.objects.public())
    filterset.active()
    with CaptureQueriesContext(connection) as counting:
        facets = facet_counts(
            filterset,
            narrow=lambda qs: search.narrow(qs, params.get("q", "")),
        )
    assert len(counting) == 1 and [f.name for f in facets] == list(FACETS)
    print(f"\nstatements of / {params}: {len(page)}")


@pytest.mark.parametrize(
    "params", [{}, {"q": "养老"}, {"result": "A"}, "proposer", "department"], ids=str
)
def test_a_facet_lists_its_largest_options_and_the_selected_one(client, data, settings, params):
    """Past ARCHIVE_FACET_OPTIONS a facet lists its largest options, always the selected one,
    and counts the rest as unlisted; the page says how many."""
    settings.ARCHIVE_FACET_OPTIONS = 2
    if isinstance(params, str):  # select the facet's smallest option: it must stay listed
        full = expected_options(params, {})
        params = {params: min(full, key=lambda o: o[2])[0]}
    listing = build_listing(QueryDict(mutable=True) | params)
    for facet in listing.facets:
        full = expected_options(facet.name, params)
        listed = [(o.value, o.label, o.count, o.selected) for o in facet.options]
        assert set(listed) <= set(full), facet.name
        chosen = params.get(facet.name)
        assert (chosen is None) or any(o[3] and o[0] == chosen for o in listed), facet.name
        others = [o for o in listed if not o[3]]
        assert len(others) <= 2, facet.name
        unlisted = [o for o in full if o not in listed]
        assert facet.unlisted == len([o for o in unlisted if o[2]]), facet.name
        if unlisted and others:  # the largest are the ones listed
            assert min(o[2] for o in others) >= max(o[2] for o in unlisted), facet.name
    capped = [f for f in listing.facets if f.unlisted]
    assert capped  # the corpus has more than two departments, sectors, proposers …
    html = client.get("/", params).content.decode()
    for facet in capped:
        assert f"另有 {facet.unlisted} 项未列出" in html
        if facet.name == "proposer":
            assert f"另有 {facet.unlisted} 项未列出，可在检索框输入姓名查找" in html
    settings.ARCHIVE_FACET_OPTIONS = 10_000
    assert "项未列出" not in client.get("/", params).content.decode()


@pytest.mark.parametrize("params", [{}, {"result": "A"}, {"q": "养老", "sector": "first"}], ids=str)
def test_every_option_is_listed_without_ranking_them(data, settings, params):
    """With ``every`` (the directory) each facet lists all its options past
    ARCHIVE_FACET_OPTIONS, counted as plain ORM counting gives, and the statement ranks none."""
    settings.ARCHIVE_FACET_OPTIONS = 2
    if params.get("sector") == "first":
        params = {**params, "sector": expected_options("sector", {})[0][0]}
    filterset = ReplyFilter(QueryDict(mutable=True) | params, queryset=Reply.objects.public())
    with CaptureQueriesContext(connection) as statements:
        facets = facet_counts(
            filterset,
            narrow=lambda qs: search.narrow(qs, params.get("q", "")),
            every=True,
        )
    counting = [s["sql"] for s in statements.captured_queries if "GROUPING SETS" in s["sql"]]
    assert len(counting) == 1 and "row_number" not in counting[0]
    assert [f.name for f in facets] == list(FACETS)
    for facet in facets:
        listed = [(o.value, o.label, o.count, o.selected) for o in facet.options]
        listed.sort(key=lambda o: not o[3])  # the page shows the selected option first
        assert listed == expected_options(facet.name, params), facet.name
        assert facet.unlisted == 0, facet.name
    assert any(len(f.options) > 2 for f in facets)  # the cap would have cut these
