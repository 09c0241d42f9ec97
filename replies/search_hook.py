"""The one place where browsing meets full-text search (replies.search).

Browse pages call these functions only; they delegate to the search package's query
parser, matcher, ranking and highlighter, so the page, the API and the ``search`` command
find and mark exactly the same replies.
"""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, Value, When

from replies.search.highlight import mark, snippets
from replies.search.parse import parse_query
from replies.search.query import SearchOutcome, narrow, search

__all__ = [
    "SearchOutcome",
    "mark",
    "narrow",
    "query_terms",
    "related",
    "search",
    "snippets",
]


def query_terms(q: str) -> list[str]:
    """The texts a page marks for ``q``: its positive terms, as the search matched them."""
    return [term.text for term in parse_query(q).positive_terms]


def related(queryset: QuerySet, reply: object, limit: int = 5) -> QuerySet:
    """Replies on a similar topic: same sector and/or department, for now."""
    sector_id = getattr(reply, "sector_id", None)
    department_id = getattr(reply, "department_id", None)
    if not sector_id and not department_id:
        return queryset.none()
    same = Q()
    if sector_id:
        same |= Q(sector_id=sector_id)
    if department_id:
        same |= Q(department_id=department_id)
    score = Case(When(sector_id=sector_id, then=Value(1)), default=0) + Case(
        When(department_id=department_id, then=Value(1)), default=0
    )
    return (
        queryset.filter(same)
        .annotate(similarity=score)
        .order_by("-similarity", F("reply_date").desc(nulls_last=True), "-id")[:limit]
    )
