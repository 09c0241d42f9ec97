"""User query → SQL: which replies match, and in which order. Never raises on user input.

Matching (exact literal containment, see docs/search.md): each term becomes a subquery of
reply ids over ``replies_replysearch``:

* a one- or two-character term is one gram of the GIN expression index: exact, no recheck;
* a longer term is (a) the replies having it as a whole word token (GIN on ``words``, exact,
  no recheck), plus (b) the other replies having all its bigrams, checked literally with
  ``strpos`` on the compact text — only (b) reads any text, and (b) is small in practice;
* very long replies (chunked) are matched per chunk; chunks overlap by more than any term.

Terms combine with AND / OR / NOT as ``id IN (…)`` conditions on any Reply queryset, so
facets, counts and pagination work on the result like on any queryset.

Ranking (``sort="relevance"``) is bounded: one pass over the matches gives their count and
the first ``CANDIDATES`` in the order (title or proposal-title hit, occurrence tier, newest);
those are scored — title/proposal-title hits per term, then occurrences in the whole text and
proximity of the terms — and come first in score order; the remaining matches follow by
(title hit, newest). Work per query is therefore at most ``CANDIDATES`` text reads, whatever
the number of matches. Counts and candidates are cached per index generation (``cache``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL

from replies.models import Reply
from replies.search import stats
from replies.search.cache import cached
from replies.search.index import TIERS, tier_lexeme
from replies.search.parse import ParsedQuery, Term, normalized_query, parse_query
from replies.search.schema import TABLE
from replies.search.tokenize import compact, term_lexemes, tsquery_literal

#: How many matches are scored in full for relevance order.
CANDIDATES = 100
#: Two terms closer than this many characters count as near each other.
NEAR = 20
SORTS = ("relevance", "newest", "oldest", "number")


# --------------------------------------------------------------------------------------------
# matching


def _and_query(term: str) -> str:
    return " & ".join(tsquery_literal(lexeme) for lexeme in term_lexemes(term))


def term_sql(term: str) -> tuple[str, list]:
    """SQL selecting the ids of the indexed replies that contain ``term`` literally."""
    sql = "SELECT replies_search_match(%s, %s::tsquery, %s::tsquery)"
    return sql, [term, _and_query(term), tsquery_literal(term)]


def term_q(term: Term | str) -> Q:
    """A Q object: the reply contains the term literally."""
    text = term.text if isinstance(term, Term) else compact(term)
    sql, params = term_sql(text)
    return Q(pk__in=RawSQL(sql, params))


@contextmanager
def planned(query: str | ParsedQuery) -> Iterator[None]:
    """Run the block's statements with the join plan that suits the query's terms.

    ``replies_search_match`` hides its predicate from the planner, which then expects few ids
    and probes replies_reply's primary key once per id. For a term in many replies (see
    ``stats``) a hash join is several times cheaper, so nested loops are turned off for the
    block (and restored after it). Used only around the one-pass count-and-candidates
    statement and the later pages of the same ordered query, whose plan shape is known:
    turned off around arbitrary statements (facet counts through the co-handling table,
    say), it can choose far worse plans.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if not any(stats.is_common(term.text) for term in parsed.positive_terms):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")


def _hint_q(parsed: ParsedQuery) -> Q | None:
    q = None
    if parsed.number is not None:
        q = Q(number_int=parsed.number)
    if parsed.session is not None:
        term, number = parsed.session
        q = (q or Q()) | Q(session__term=term, session__number=number)
    return q


def match_q(parsed: ParsedQuery) -> Q | None:
    """The Q object for the whole query, or None when it asks for nothing."""
    if parsed.is_empty:
        return None
    q = Q()
    for group in parsed.groups:
        alternatives = Q()
        for term in group:
            alternatives |= term_q(term)
        q &= alternatives
    hint = _hint_q(parsed)
    if hint is not None:
        q |= hint
    for term in parsed.excluded:
        q &= ~term_q(term)
    return q


def narrow(queryset: QuerySet, query: str | ParsedQuery) -> QuerySet:
    """Only the replies of ``queryset`` that match ``query`` (no ordering)."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    q = match_q(parsed)
    return queryset if q is None else queryset.filter(q)


def replies_containing(text: str) -> list[int]:
    """Ids of the indexed replies whose search text contains ``text`` literally."""
    term = compact(text)
    if not term:
        return []
    sql, params = term_sql(term)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT reply_id FROM ({sql}) AS found(reply_id)", params)
        return [row[0] for row in cursor.fetchall()]


# --------------------------------------------------------------------------------------------
# ranking


def _head_q(parsed: ParsedQuery) -> Q | None:
    terms = [t.text for t in parsed.positive_terms]
    hint = _hint_q(parsed)
    if not terms:
        return hint
    grams = " | ".join(f"({_and_query(t)})" for t in terms)
    sql = "SELECT replies_search_head(%s::tsquery, %s::text[])"
    q = Q(pk__in=RawSQL(sql, [grams, terms]))
    return q if hint is None else q | hint


def _positions(text: str, term: str) -> list[int]:
    """Start offsets of the (possibly overlapping) occurrences of ``term`` in ``text``."""
    out, at = [], text.find(term)
    while at >= 0:
        out.append(at)
        at = text.find(term, at + 1)
    return out


def _near(text: str, a: str, b: str, window: int = NEAR) -> bool:
    """True when an occurrence of one term starts within ``window`` characters after the end
    of an occurrence of the other."""
    for first, second in ((a, b), (b, a)):
        starts = _positions(text, second)
        for at in _positions(text, first):
            end = at + len(first)
            k = bisect.bisect_left(starts, end)
            if k < len(starts) and starts[k] <= end + window:
                return True
    return False


def _score_candidates(parsed: ParsedQuery, ids: list[int], hinted: set[int]) -> dict[int, float]:
    """Full scores of a few candidates: title hits, occurrences, proximity.

    The texts are scored here rather than in SQL: ``str.count`` and ``str.find`` run at
    memory speed, where PostgreSQL's ``replace`` and bounded-repetition regular expressions
    cost tens of microseconds per text and term.
    """
    groups = [[t.text for t in g] for g in parsed.groups]
    terms = list(dict.fromkeys(t for g in groups for t in g))
    if not ids:
        return {}
    if not terms:
        return {i: (10.0 if i in hinted else 0.0) for i in ids}
    pairs = [(a[0], b[0]) for i, a in enumerate(groups) for b in groups[i + 1 :]][:6]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reply_id, head, text FROM {TABLE} WHERE reply_id = ANY(%s)", [ids])
        rows = cursor.fetchall()
    scores: dict[int, float] = {}
    for reply_id, head, text in rows:
        in_head = {t: t in head for t in terms}
        tf = {t: text.count(t) for t in terms}
        near_pairs = sum(1 for a, b in pairs if tf[a] and tf[b] and _near(text, a, b))
        head_groups = sum(1 for g in groups if any(in_head[t] for t in g))
        if reply_id in hinted:
            head_groups += 1
        body = sum(max(math.log1p(tf[t]) for t in g) for g in groups)
        scores[reply_id] = round(10.0 * head_groups + body + 0.5 * near_pairs, 4)
    return scores


# --------------------------------------------------------------------------------------------
# the search


class Results:
    """The matches of a search in order, as a :class:`~django.core.paginator.Paginator` wants.

    The count and the ids of the first :data:`CANDIDATES` matches come from one pass over the
    matches (and the cache); pages among those are read by primary key, without evaluating
    the query again. Later pages slice the full ordered queryset.
    """

    def __init__(
        self,
        ordered: QuerySet,
        rows: QuerySet,
        count: int,
        first: list[int],
        parsed: ParsedQuery,
    ) -> None:
        # Not called ``ordered``: Paginator reads that attribute as a flag (and would run it).
        self.queryset = ordered
        self.rows = rows
        self._count = count
        self.first = first
        self.parsed = parsed

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
            ids = self.first[start:stop]
            found = {reply.pk: reply for reply in self.rows.filter(pk__in=ids)}
            return [found[pk] for pk in ids if pk in found]
        with planned(self.parsed):  # the same statement shape as the one-pass count
            return list(self.queryset[start:stop])


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


_ORDERS = {
    "newest": (F("reply_date").desc(nulls_last=True), "-pk"),
    "oldest": (F("reply_date").asc(nulls_last=True), "pk"),
    "number": (F("number_int").asc(nulls_last=True), F("reply_date").desc(nulls_last=True), "pk"),
}


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
    if sort != "relevance":
        ordered = matched.order_by(*_ORDERS[sort])
        first, count = cached(("first", *key), lambda: _first(ordered, parsed))
        results = Results(ordered, base, count, first, parsed)
        return SearchOutcome(results, parsed, terms, sort=sort)
    ranked, scores, count = cached(("ranked", *key), lambda: _rank(matched, parsed))
    return _relevance_outcome(base, matched, parsed, terms, ranked, scores, count)


def _sql_of(queryset: QuerySet) -> tuple:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return ("nothing",)


def _first(ordered: QuerySet, parsed: ParsedQuery) -> tuple[list[int], int]:
    """The ids of the first CANDIDATES rows of ``ordered`` and the number of all its rows,
    in one pass."""
    with planned(parsed):
        rows = list(
            ordered.annotate(search_total=Window(Count("*"))).values_list("pk", "search_total")[
                :CANDIDATES
            ]
        )
    return [pk for pk, _ in rows], (rows[0][1] if rows else 0)


def _flagged(matched: QuerySet, parsed: ParsedQuery) -> QuerySet:
    head_q = _head_q(parsed)
    if head_q is None:
        return matched.annotate(search_head=Value(0, output_field=IntegerField()))
    return matched.annotate(
        search_head=Case(When(head_q, then=1), default=0, output_field=IntegerField())
    )


def _tier(parsed: ParsedQuery) -> Case | Value:
    """How often the query's words occur in a reply, in tiers (0–3 per word, summed).

    Read from the occurrence marks of the word vector (``index.TIERS``) through its GIN
    index, so it costs no text read: the bounded ranking takes its candidates in the order
    (title hit, tier, newest), which puts the replies the full score would put first among
    them. A term that is no word token has no tier (0).
    """
    total = None
    for term in [t.text for t in parsed.positive_terms][:4]:
        expression = Case(
            *(
                When(
                    pk__in=RawSQL(
                        "SELECT replies_search_words(%s::tsquery)",
                        [tsquery_literal(tier_lexeme(term, tier))],
                    ),
                    then=Value(level),
                )
                for level, tier in reversed(list(enumerate(TIERS, 1)))
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        total = expression if total is None else total + expression
    return total if total is not None else Value(0, output_field=IntegerField())


def _rank(matched: QuerySet, parsed: ParsedQuery) -> tuple[list[int], dict[int, float], int]:
    """The CANDIDATES first matches by (title hit, occurrence tier, newest), scored and
    sorted; the count."""
    with planned(parsed):
        rows = list(
            _flagged(matched, parsed)
            .annotate(search_tier=_tier(parsed), search_total=Window(Count("*")))
            .order_by("-search_head", "-search_tier", *_ORDERS["newest"])
            .values_list("pk", "reply_date", "search_total")[:CANDIDATES]
        )
    if not rows:
        return [], {}, 0
    hinted: set[int] = set()
    hint = _hint_q(parsed)
    if hint is not None:
        hinted = set(
            Reply.objects.filter(hint, pk__in=[r[0] for r in rows]).values_list("pk", flat=True)
        )
    scores = _score_candidates(parsed, [r[0] for r in rows], hinted)
    dates = {pk: date for pk, date, _ in rows}
    ranked = sorted(
        scores,
        key=lambda pk: (
            -scores[pk],
            -(dates[pk].toordinal() if dates.get(pk) else 0),
            -pk,
        ),
    )
    return ranked, scores, rows[0][2]


def _relevance_outcome(
    base: QuerySet,
    matched: QuerySet,
    parsed: ParsedQuery,
    terms: list[str],
    ranked: list[int],
    scores: dict[int, float],
    count: int,
) -> SearchOutcome:
    flagged = _flagged(matched, parsed)
    if not ranked:
        ordered = flagged.order_by(*_ORDERS["newest"])
    else:
        position = Func(
            Value(ranked, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
        ordered = flagged.annotate(
            search_rank=Case(When(pk__in=ranked, then=position), default=None)
        ).order_by(F("search_rank").asc(nulls_last=True), "-search_head", *_ORDERS["newest"])
    results = Results(ordered, base, count, ranked, parsed)
    return SearchOutcome(results, parsed, terms, scores, "relevance")
