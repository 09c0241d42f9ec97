"""The proposal page: every public reply to one proposal (one session's proposal number).

A proposal is not a table of its own: the replies to it share the session and the number.
Its page lists who handled it and how, the lead unit (主办) first, then the co-handling
units (会办), whether they wrote a 会办意见 of their own or are only named on the lead reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, QuerySet, Value, When

from replies.browse import proposal_url, session_url, with_links
from replies.ingest.numerals import to_chinese
from replies.models import Department, DocKind, Reply

LEAD, CO = "主办", "会办"


@dataclass
class Handler:
    """One unit's part in handling the proposal."""

    department: Department | None
    role: str
    #: The unit's own reply (None for a co-handling unit only named on another reply).
    reply: Reply | None = None
    #: The reply that names this unit as co-handling, when it has none of its own.
    named_on: Reply | None = None


def proposal_replies(council: str, term: int, session: int, number: str) -> QuerySet:
    """The public replies to one proposal, lead replies first."""
    return (
        Reply.objects.public()
        .filter(
            session__council_slug=council,
            session__term=term,
            session__number=session,
            number=number,
        )
        .select_related("session", "department", "sector")
        .prefetch_related("co_departments")
        .order_by(
            Case(When(doc_kind=DocKind.CO_OPINION, then=Value(1)), default=Value(0)),
            "doc_kind",
            "department__name",
            "pk",
        )
    )


def _role(reply: Reply) -> str:
    return CO if reply.doc_kind == DocKind.CO_OPINION else LEAD


def handlers(replies: list[Reply]) -> list[Handler]:
    """Lead units, then co-handling ones; a unit named as co-handling without a reply of its
    own is listed once, pointing at the reply that names it (a unit with a reply of its own,
    e.g. the lead named on a 会办意见, is not listed again)."""
    rows = [Handler(r.department, _role(r), reply=r) for r in replies]
    listed = {r.department_id for r in replies}
    for reply in replies:
        for department in reply.co_departments.all():
            if department.pk in listed:
                continue
            listed.add(department.pk)
            rows.append(Handler(department, CO, named_on=reply))
    rows.sort(key=lambda h: h.role != LEAD)
    return rows


def proposal_page(council: str, term: int, session: int, number: str) -> dict[str, Any] | None:
    """Context for the proposal page, or None when no public reply answers it."""
    replies = with_links(list(proposal_replies(council, term, session, number)))
    if not replies:
        return None
    first = next((r for r in replies if r.doc_kind != DocKind.CO_OPINION), replies[0])
    meeting = first.session
    return {
        "replies": replies,
        "handlers": handlers(replies),
        "session": meeting,
        "session_url": session_url(meeting),
        "session_label": f"第{to_chinese(meeting.term)}届第{to_chinese(meeting.number)}次会议",
        "number": number,
        "proposal_title": next((r.proposal_title for r in replies if r.proposal_title), ""),
        "proposer": next((r.proposer for r in replies if r.proposer), ""),
        "sector": next((r.sector for r in replies if r.sector), None),
        "is_sample": any(r.is_sample for r in replies),
        "canonical": proposal_url(first),
    }
