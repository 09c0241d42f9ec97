"""The one place where browsing meets full-text search (replies.search).

Browse pages call these functions only; they delegate to the search package's query
parser, matcher, ranking and highlighter, so the page, the API and the ``search`` command
find and mark exactly the same replies.
"""

from __future__ import annotations

from django.db.models import QuerySet

from replies.search.highlight import mark, snippets
from replies.search.parse import parse_query
from replies.search.query import SearchOutcome, narrow, search
from replies.search.related import related_ids

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


def related(queryset: QuerySet, reply: object, limit: int = 5) -> list:
    """Up to ``limit`` replies of ``queryset`` on the same topic as ``reply``, best first.

    The topic similarity comes from the search index (``replies.search.related``: the
    reply's most distinctive words, shared by the most other replies); ``queryset`` (public
    replies, minus the reply and its siblings) has the last word on what may be shown.
    """
    ids = related_ids(reply, limit)
    if not ids:
        return []
    found = queryset.in_bulk(ids)
    return [found[i] for i in ids if i in found][:limit]
