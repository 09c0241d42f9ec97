"""Chinese full-text search of the public replies (docs/search.md).

The one public API: browse pages, the JSON API, feeds, alerts and the ``search`` command use
these names only, so they find, order and mark exactly the same replies.

* :func:`search` — filter a reply queryset by a query and order it: a :class:`SearchOutcome`;
* :func:`narrow` — only the replies of a queryset that match a query (facets, counts);
* :func:`query_terms`, :func:`mark`, :func:`mark_lines`, :func:`snippets` — what a page marks;
* :func:`related_replies` — replies on the same topic as one reply;
* :func:`record_zero_result` — the search page's log of queries that found nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from replies.search.highlight import mark, mark_lines, snippets
from replies.search.matching import narrow
from replies.search.parse import parse_query
from replies.search.related import related_ids
from replies.search.results import SORTS, SearchOutcome, search
from replies.search.zero import record_zero_result

__all__ = [
    "SORTS",
    "SearchOutcome",
    "mark",
    "mark_lines",
    "narrow",
    "query_terms",
    "record_zero_result",
    "related_replies",
    "search",
    "snippets",
]


def query_terms(q: str) -> list[str]:
    """The texts a page marks for ``q``: its positive terms, as the search matched them."""
    return [term.text for term in parse_query(q).positive_terms]


def related_replies(queryset: QuerySet, reply: Any, limit: int = 5) -> list:
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
