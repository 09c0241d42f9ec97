"""Search rows carry the reply's filter and facet fields, and stay equal to the reply's
through every kind of edit (the facet counts read nothing else)."""

from __future__ import annotations

import pytest

from replies.filters import facet_options
from replies.models import Department, Reply, ResultClass, Sector, Session, Status
from replies.search.index import FACET_COLUMNS
from replies.search.models import ReplySearch

pytestmark = pytest.mark.django_db


def row_of(reply: Reply) -> dict:
    return ReplySearch.objects.filter(pk=reply.pk).values(*FACET_COLUMNS).get()


def expected_row(reply: Reply) -> dict:
    reply = Reply.objects.get(pk=reply.pk)
    co = set(reply.co_departments.values_list("pk", flat=True)) - {reply.department_id}
    return {
        "number": reply.number,
        "session_id": reply.session_id,
        "department_id": reply.department_id,
        "sector_id": reply.sector_id,
        "proposer": reply.proposer,
        "result_class": reply.result_class,
        "doc_kind": reply.doc_kind,
        "co_department_ids": sorted(co),
    }


def test_a_search_row_follows_every_edit_of_its_reply(
    make_reply, django_capture_on_commit_callbacks
):
    lead = Department.match_or_create("示例市民政局")
    other = Department.match_or_create("示例市财政局")
    sector = Sector.objects.create(name="示例界别", slug="sample-sector")
    reply = make_reply(
        department=lead, sector=sector, proposer="示例委员", result_class=ResultClass.B
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply.co_departments.add(other, lead)
    assert row_of(reply) == expected_row(reply)
    assert row_of(reply)["co_department_ids"] == [other.pk]

    later = Session.objects.create(council="示例市政协", term=6, number=1, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        reply.result_class = ResultClass.A
        reply.session = later
        reply.proposer = "另一位示例委员"
        reply.sector = None
        reply.save()
    assert row_of(reply) == expected_row(reply)
    assert facet_options(Reply.objects.public(), ("result",))["result"][0].value == "A"

    with django_capture_on_commit_callbacks(execute=True):
        reply.co_departments.remove(other)
    assert row_of(reply)["co_department_ids"] == []

    with django_capture_on_commit_callbacks(execute=True):
        reply.status = Status.DRAFT
        reply.save()
    assert not ReplySearch.objects.filter(pk=reply.pk).exists()
    assert facet_options(Reply.objects.public(), ("result",))["result"] == []
