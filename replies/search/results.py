"""The search: a query's matches in order, counted and paged (:func:`search`).

Counts and the first ``ranking.CANDIDATES`` ids are cached per index generation (``cache``).
A search over every public reply reads the search rows (``pages``) and pages deep without
evaluating the ordered queryset; a search of a filtered queryset goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
    Window,
)

from replies.models import Reply
from replies.search import pages, ranking
from replies.search.cache import cached
from replies.search.matching import RowSearch, ids_sql, narrow, text_test
from replies.search.parse import ParsedQuery, normalized_query, parse_query
from replies.search.ranking import ORDERS, flag_heads, head_set, rank, rank_rows
from replies.search.schema import TABLE

SORTS = ("relevance", "newest", "oldest", "number")


class Results:
    """The matches of a search in order, as a :class:`~django.core.paginator.Paginator` wants.

    The count and the ids of the first :data:`ranking.CANDIDATES` matches are computed once (and
    cached); pages among those are read by primary key, without evaluating the query again.
    Later pages come from ``pager`` (ids of rows ``start:stop``, read from the search rows by
    ``pages``) when there is one, else from slicing the full ordered queryset.
    """

    def __init__(
        self,
        ordered: QuerySet,
        rows: QuerySet,
        count: int,
        first: list[int],
        parsed: ParsedQuery,
        pager: Callable[[int, int], list[int]] | None = None,
    ) -> None:
        # Not called ``ordered``: Paginator reads that attribute as a flag (and would run it).
        self.queryset = ordered
        self.rows = rows
        self._count = count
        self.first = first
        self.parsed = parsed
        self.pager = pager

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Reply]:
        return iter(self[:])

    def _with(self, method: str, *args: Any) -> Results:
        return Results(
            getattr(self.queryset, method)(*args),
            getattr(self.rows, method)(*args),
            self._count,
            self.first,
            self.parsed,
            self.pager,
        )

    def select_related(self, *fields: str) -> Results:
        return self._with("select_related", *fields)

    def defer(self, *fields: str) -> Results:
        return self._with("defer", *fields)

    def __getitem__(self, item: slice) -> list[Reply]:
        if not isinstance(item, slice):
            raise TypeError("Results are read by slice")
        start, stop = item.start or 0, self._count if item.stop is None else item.stop
        if stop <= len(self.first) or len(self.first) == self._count:
            return self._by_id(self.first[start:stop])
        if self.pager is not None:
            return self._by_id(self.pager(start, stop))
        return list(self.queryset[start:stop])

    def _by_id(self, ids: list[int]) -> list[Reply]:
        # Read through ``rows`` (the base queryset): a row never shows unless it is public.
        found = {reply.pk: reply for reply in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]


@dataclass
class SearchOutcome:
    """The result of :func:`search`: the ordered matches plus what the page needs to show."""

    results: Results
    parsed: ParsedQuery
    terms: list[str] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)
    sort: str = "newest"

    @property
    def queryset(self) -> QuerySet:
        """Every match, in order, as a queryset (evaluates the query; prefer ``results``)."""
        return self.results.queryset

    @property
    def count(self) -> int:
        return self.results.count()

    @property
    def notice(self) -> str:
        """Chinese notices for the page (degraded to literal, truncated …), or ''."""
        return " ".join(self.parsed.notices)

    @property
    def literal(self) -> bool:
        return self.parsed.literal


def search(
    queryset: QuerySet | None = None, q: str | ParsedQuery = "", sort: str = "relevance"
) -> SearchOutcome:
    """Filter ``queryset`` (default: public replies) by ``q`` and order it by ``sort``.

    Never raises for any ``q``; an unknown ``sort`` means relevance with a query, else newest.
    """
    base = Reply.objects.public() if queryset is None else queryset
    parsed = q if isinstance(q, ParsedQuery) else parse_query(q)
    terms = [t.text for t in parsed.positive_terms]
    matched = narrow(base, parsed)
    if sort not in SORTS or (sort == "relevance" and parsed.is_empty):
        sort = "relevance" if not parsed.is_empty else "newest"
    key = (*_sql_of(base), normalized_query(parsed), sort)
    if not parsed.is_empty and key[:-2] == _sql_of(Reply.objects.public()):
        return _search_rows(base, matched, parsed, terms, sort, key)
    if sort != "relevance":
        ordered = matched.order_by(*ORDERS[sort])
        first, count = cached(("first", *key), lambda: _first(ordered, parsed))
        results = Results(ordered, base, count, first, parsed)
        return SearchOutcome(results, parsed, terms, sort=sort)
    ranked, scores, count = cached(("ranked", *key), lambda: rank(matched, parsed))
    return _relevance_outcome(base, matched, parsed, terms, ranked, scores, count)


def _sql_of(queryset: QuerySet) -> tuple:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return ("nothing",)


def _first(ordered: QuerySet, parsed: ParsedQuery) -> tuple[list[int], int]:
    """The ids of the first CANDIDATES rows of ``ordered`` and the number of all its rows,
    in one pass."""
    rows = list(
        ordered.annotate(search_total=Window(Count("*"))).values_list("pk", "search_total")[
            : ranking.CANDIDATES
        ]
    )
    return [pk for pk, _ in rows], (rows[0][1] if rows else 0)


def _relevance_outcome(
    base: QuerySet,
    matched: QuerySet,
    parsed: ParsedQuery,
    terms: list[str],
    ranked: list[int],
    scores: dict[int, float],
    count: int,
) -> SearchOutcome:
    flagged = flag_heads(matched, parsed)
    if not ranked:
        ordered = flagged.order_by(*ORDERS["newest"])
    else:
        position = Func(
            Value(ranked, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
        ordered = flagged.annotate(
            search_rank=Case(When(pk__in=ranked, then=position), default=None)
        ).order_by(F("search_rank").asc(nulls_last=True), "-search_head", *ORDERS["newest"])
    results = Results(ordered, base, count, ranked, parsed)
    return SearchOutcome(results, parsed, terms, scores, "relevance")


def _search_rows(
    base: QuerySet,
    matched: QuerySet,
    parsed: ParsedQuery,
    terms: list[str],
    sort: str,
    key: tuple,
) -> SearchOutcome:
    found, test = ids_sql(parsed), text_test(parsed)

    def compute() -> tuple[int, int, list[int], dict[int, float]]:
        rows = RowSearch(parsed, found, test, pages.count(*found), pages.entries())
        if sort != "relevance":
            return rows.matches, rows.total, _row_ids(rows, sort, 0, ranking.CANDIDATES), {}
        return rows.matches, rows.total, *rank_rows(rows)

    matches, total, first, scores = cached(("rows", *key), compute)
    rows = RowSearch(parsed, found, test, matches, total)
    if sort != "relevance":
        results = Results(
            matched.order_by(*ORDERS[sort]),
            base,
            matches,
            first,
            parsed,
            lambda start, stop: _row_ids(rows, sort, start, stop),
        )
        return SearchOutcome(results, parsed, terms, sort=sort)
    outcome = _relevance_outcome(base, matched, parsed, terms, first, scores, matches)
    outcome.results.pager = lambda start, stop: _after_ranked(rows, first, start, stop)
    return outcome


def _row_ids(rows: RowSearch, sort: str, start: int, stop: int) -> list[int]:
    if rows.matches == 0:
        return []
    return pages.ids(sort, rows.where(stop), start, stop)


def _after_ranked(rows: RowSearch, ranked: list[int], start: int, stop: int) -> list[int]:
    """Rows ``start:stop`` of the relevance order: the ranked candidates, then the other
    title hits newest first, then the other matches newest first."""
    out = ranked[start:stop]
    start, stop = max(start - len(ranked), 0), stop - len(ranked)
    if stop <= 0:
        return out
    head_sql, head_params = head_set(rows.parsed)
    match, match_params = rows.where(stop)
    heads = (
        f"s.reply_id IN ({head_sql}) AND {match} AND s.reply_id <> ALL(%s::bigint[])",
        [*head_params, *match_params, ranked],
    )
    heads_count = cached(
        ("rows-heads", normalized_query(rows.parsed), len(ranked), rows.matches),
        lambda: _count_where(heads),
    )
    out += pages.ids("newest", heads, start, min(stop, heads_count))
    if stop > heads_count:
        rest = (
            f"{match} AND s.reply_id NOT IN ({head_sql}) AND s.reply_id <> ALL(%s::bigint[])",
            [*match_params, *head_params, ranked],
        )
        out += pages.ids("newest", rest, max(start - heads_count, 0), stop - heads_count)
    return out


def _count_where(where: tuple[str, list]) -> int:
    with pages.read_cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} s WHERE {where[0]}", where[1])
        return int(cursor.fetchone()[0])
