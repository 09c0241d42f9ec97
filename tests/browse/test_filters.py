"""Each filter narrows as it says, and every facet count matches an independent ORM count."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db.models import Q
from django.http import QueryDict

from replies.browse import build_listing
from replies.filters import FACETS, ReplyFilter
from replies.models import Reply

pytestmark = pytest.mark.django_db


def independent(params: dict[str, str]) -> set[int]:
    """The ids a filter dict should give, written without the FilterSet."""
    qs = Reply.objects.filter(status="published").exclude(disclosure="withheld")
    for name, value in params.items():
        if name == "council":
            qs = qs.filter(session__council_slug=value)
        elif name == "session":
            qs = qs.filter(session_id=int(value))
        elif name == "year":
            qs = qs.filter(session__year=int(value))
        elif name == "department":
            qs = qs.filter(Q(department__slug=value) | Q(co_departments__slug=value))
        elif name == "sector":
            qs = qs.filter(sector__slug=value)
        elif name == "proposer":
            qs = qs.filter(proposer=value)
        elif name == "result":
            qs = qs.filter(result_class=value)
        elif name == "kind":
            qs = qs.filter(doc_kind=value)
        elif name == "q":
            qs = qs.filter(
                Q(title__contains=value)
                | Q(proposal_title__contains=value)
                | Q(body__contains=value)
            )
    return set(qs.values_list("pk", flat=True))


def listing_for(params: dict[str, str]):
    return build_listing(QueryDict(mutable=True) | params)


def all_ids(listing) -> set[int]:
    """Every id the listing would show over all its pages."""
    return {reply.pk for reply in listing.page.paginator.object_list}


@pytest.mark.parametrize(
    "params",
    [
        {"council": "长宁区政协"},
        {"year": "2023"},
        {"department": "长宁区民政局"},
        {"sector": "经济"},
        {"result": "B"},
        {"kind": "会办意见"},
        {"council": "测试市政协", "result": "A", "kind": "答复"},
        {"department": "长宁区科学技术委员会", "year": "2024"},
        {"q": "电梯", "result": "A"},
        {"proposer": "经济界别"},
        {"proposer": "教育界别", "result": "C"},
    ],
)
def test_filters_match_independent_queries(corpus, params):
    listing = listing_for(params)
    assert all_ids(listing) == independent(params)
    assert listing.total == len(independent(params))


def test_session_filter(corpus):
    session = corpus.sessions[1]
    listing = listing_for({"session": str(session.pk)})
    assert all_ids(listing) == independent({"session": str(session.pk)})
    assert listing.total > 0


def test_department_filter_includes_co_handled_replies(corpus):
    co_handled = Reply.objects.public().filter(co_departments__isnull=False).first()
    department = co_handled.co_departments.get()
    ids = all_ids(listing_for({"department": department.slug}))
    assert co_handled.pk in ids
    assert ids == independent({"department": department.slug})


def test_date_range_and_number(corpus):
    params = {"date_from": "2023-05-01", "date_to": "2023-12-31"}
    expected = set(
        Reply.objects.public()
        .filter(
            reply_date__gte=datetime.date(2023, 5, 1), reply_date__lte=datetime.date(2023, 12, 31)
        )
        .values_list("pk", flat=True)
    )
    assert expected and all_ids(listing_for(params)) == expected
    for typed in ("7", "007", "第007号", "第 7 号"):
        ids = all_ids(listing_for({"number": typed}))
        assert ids == set(Reply.objects.public().filter(number_int=7).values_list("pk", flat=True))


def test_invalid_values_are_ignored_with_a_notice(corpus):
    listing = listing_for({"session": "nope", "department": "no-such", "date_from": "2023-13-45"})
    assert listing.total == len(corpus.public)
    assert "部分筛选条件无效，已忽略。" in listing.notices
    assert listing.chips == []


COMBINATIONS = [
    {},
    {"result": "A"},
    {"council": "长宁区政协", "kind": "答复"},
    {"department": "长宁区民政局", "year": "2023"},
    {"sector": "教育", "result": "C", "council": "测试市政协"},
    {"q": "养老"},
    {"q": "养老", "year": "2024"},
    {"proposer": "经济界别", "council": "长宁区政协"},
]


@pytest.mark.parametrize("active", COMBINATIONS)
def test_every_facet_count_is_what_choosing_it_gives(corpus, active):
    listing = listing_for(active)
    seen = set()
    for facet in listing.facets:
        assert facet.name in FACETS
        for option in facet.options:
            params = {**active, facet.name: option.value}
            assert option.count == len(independent(params)), (facet.name, option.label)
            seen.add(facet.name)
        if facet.name not in active:
            # every reply under the other filters is counted under some option
            # (each corpus reply has every field; a co-handled one counts twice in departments)
            total = sum(o.count for o in facet.options)
            expected = len(independent(active))
            assert total >= expected if facet.name == "department" else total == expected
    assert {"council", "result", "kind"} <= seen


def test_facet_counts_ignore_the_current_page(corpus):
    page_two = listing_for({"page": "2"})
    first = listing_for({})
    assert [(o.value, o.count) for f in page_two.facets for o in f.options] == [
        (o.value, o.count) for f in first.facets for o in f.options
    ]


def test_selected_option_stays_listed_with_zero_count(corpus):
    listing = listing_for({"result": "A", "q": "不可能出现的词语"})
    result = next(f for f in listing.facets if f.name == "result")
    assert result.selected is not None and result.selected.count == 0
    assert result.selected.label == "A类（解决或采纳）"


def test_filterset_is_reusable_on_its_own(corpus):
    filterset = ReplyFilter({"result": "C"}, queryset=Reply.objects.public())
    assert set(filterset.qs.values_list("pk", flat=True)) == independent({"result": "C"})


def test_every_pair_of_single_facets(corpus):
    values = {"council": "长宁区政协", "result": "B", "kind": "答复", "sector": "经济"}
    for a, b in itertools.combinations(values, 2):
        params = {a: values[a], b: values[b]}
        assert listing_for(params).total == len(independent(params))
