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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import connection
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
from replies.search import pages
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


def _hint_sql(parsed: ParsedQuery) -> tuple[str, list] | None:
    hint = _hint_q(parsed)
    if hint is None:
        return None
    sql, params = Reply.objects.filter(hint).order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def ids_sql(parsed: ParsedQuery) -> tuple[str, list]:
    """SQL selecting, each once, the ids of the indexed replies that match the query: AND is
    INTERSECT, OR is UNION and NOT is EXCEPT of the terms' id sets (GIN bitmaps only)."""
    params: list = []
    groups = []
    for group in parsed.groups:
        alternatives = []
        for term in group:
            sql, term_params = term_sql(term.text)
            alternatives.append(f"({sql})")
            params += term_params
        groups.append("(" + " UNION ".join(alternatives) + ")")
    found = " INTERSECT ".join(groups) if groups else f"(SELECT reply_id FROM {TABLE})"
    hint = _hint_sql(parsed)
    if hint is not None:
        found = f"({found}) UNION (SELECT reply_id FROM {TABLE} WHERE reply_id IN ({hint[0]}))"
        params += hint[1]
    for term in parsed.excluded:
        sql, term_params = term_sql(term.text)
        found = f"({found}) EXCEPT ({sql})"
        params += term_params
    return found, params


def text_test(parsed: ParsedQuery) -> tuple[str, list]:
    """The same match as :func:`ids_sql`, as a condition on one search row ``s`` (``strpos``
    on its text), for statements that walk rows in an order and stop after a page."""
    params: list = []
    groups = []
    for group in parsed.groups:
        groups.append("(" + " OR ".join("strpos(s.text, %s) > 0" for _ in group) + ")")
        params += [term.text for term in group]
    condition = " AND ".join(groups) if groups else "TRUE"
    hint = _hint_sql(parsed)
    if hint is not None:
        condition = f"({condition} OR s.reply_id IN ({hint[0]}))"
        params += hint[1]
    for term in parsed.excluded:
        condition += " AND strpos(s.text, %s) = 0"
        params.append(term.text)
    return condition, params


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
    with pages.read_cursor() as cursor:
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

    The count and the ids of the first :data:`CANDIDATES` matches are computed once (and
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
    if not parsed.is_empty and key[:-2] == _sql_of(Reply.objects.public()):
        return _search_rows(base, matched, parsed, terms, sort, key)
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
    rows = list(
        _flagged(matched, parsed)
        .annotate(search_tier=_tier(parsed), search_total=Window(Count("*")))
        .order_by("-search_head", "-search_tier", *_ORDERS["newest"])
        .values_list("pk", "reply_date", "search_total")[:CANDIDATES]
    )
    if not rows:
        return [], {}, 0
    ranked, scores = _scored(parsed, [(pk, date) for pk, date, _ in rows])
    return ranked, scores, rows[0][2]


def _scored(parsed: ParsedQuery, rows: list[tuple[int, Any]]) -> tuple[list[int], dict[int, float]]:
    """Candidates (id, reply date) fully scored, in score order (then newest)."""
    ids = [pk for pk, _ in rows]
    hinted: set[int] = set()
    hint = _hint_q(parsed)
    if hint is not None:
        hinted = set(Reply.objects.filter(hint, pk__in=ids).values_list("pk", flat=True))
    scores = _score_candidates(parsed, ids, hinted)
    dates = dict(rows)
    ranked = sorted(
        scores,
        key=lambda pk: (
            -scores[pk],
            -(dates[pk].toordinal() if dates.get(pk) else 0),
            -pk,
        ),
    )
    return ranked, scores


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


# --------------------------------------------------------------------------------------------
# the search over every public reply, read from the search rows (``pages``)


@dataclass(frozen=True)
class _RowSearch:
    """A query over the search rows: its match set, its literal row test, and its size."""

    parsed: ParsedQuery
    found: tuple[str, list]
    test: tuple[str, list]
    matches: int
    total: int

    def where(self, stop: int) -> tuple[str, list]:
        """The match condition on ``s`` for reading rows up to ``stop`` in an order."""
        if pages.walks(self.matches, stop, self.total):
            return self.test
        return f"s.reply_id IN ({self.found[0]})", self.found[1]


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
        rows = _RowSearch(parsed, found, test, pages.count(*found), pages.entries())
        if sort != "relevance":
            return rows.matches, rows.total, _row_ids(rows, sort, 0, CANDIDATES), {}
        return rows.matches, rows.total, *_rank_rows(rows)

    matches, total, first, scores = cached(("rows", *key), compute)
    rows = _RowSearch(parsed, found, test, matches, total)
    if sort != "relevance":
        results = Results(
            matched.order_by(*_ORDERS[sort]),
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


def _row_ids(rows: _RowSearch, sort: str, start: int, stop: int) -> list[int]:
    if rows.matches == 0:
        return []
    return pages.ids(sort, rows.where(stop), start, stop)


def _head_set(parsed: ParsedQuery) -> tuple[str, list]:
    """SQL of the ids whose title or proposal title holds a query term (or that the number or
    session hint names): the title hits that relevance puts first."""
    terms = [t.text for t in parsed.positive_terms]
    parts, params = [], []
    if terms:
        parts.append("SELECT replies_search_head(%s::tsquery, %s::text[])")
        params += [" | ".join(f"({_and_query(t)})" for t in terms), terms]
    hint = _hint_sql(parsed)
    if hint is not None:
        parts.append(hint[0])
        params += hint[1]
    return (" UNION ".join(parts) or "SELECT NULL::bigint WHERE FALSE"), params


def _tier_terms(parsed: ParsedQuery) -> list[str]:
    return [t.text for t in parsed.positive_terms][:4]


def _tier_rank(parsed: ParsedQuery) -> tuple[str, list]:
    """:func:`_tier` of one search row ``s``, from the tier sets' GIN bitmaps (each a hashed
    subplan built once), so no row's word vector is read."""
    cases, params = [], []
    for term in _tier_terms(parsed):
        whens = []
        for level, tier in reversed(list(enumerate(TIERS, 1))):
            whens.append(
                f"WHEN s.reply_id IN (SELECT replies_search_words(%s::tsquery)) THEN {level}"
            )
            params.append(tsquery_literal(tier_lexeme(term, tier)))
        cases.append(f"(CASE {' '.join(whens)} ELSE 0 END)")
    return (" + ".join(cases) or "0"), params


def _signal_set(parsed: ParsedQuery, level: int) -> tuple[str, list]:
    """SQL of the ids that are title hits or hold a query word at least ``TIERS[level - 1]``
    times: the only rows that can rank above a plain match (GIN bitmaps only)."""
    sql, params = _head_set(parsed)
    for term in _tier_terms(parsed):
        for tier in TIERS[level - 1 :]:
            sql += " UNION SELECT replies_search_words(%s::tsquery)"
            params.append(tsquery_literal(tier_lexeme(term, tier)))
    return sql, params


def _rank_rows(rows: _RowSearch) -> tuple[list[int], dict[int, float]]:
    """The first CANDIDATES matches by (title hit, occurrence tier, newest), scored.

    Only the rows that can come first are read: the title hits and the rows with a query word
    in the highest occurrence tier; lower tiers are added while fewer than CANDIDATES match,
    and plain matches (newest first) fill the rest. For a one-word query the candidates are
    exactly those of the full order; with several words, a row whose tiers add up high without
    any being high can be missed (it is still found, just not among the candidates).
    """
    if rows.matches == 0:
        return [], {}
    parsed = rows.parsed
    head, head_params = _head_set(parsed)
    tier, tier_params = _tier_rank(parsed)
    # Every condition and sort key is a set from GIN bitmaps (a hashed subplan), so ranking
    # reads no row's text or word vector. With one group of terms and no exclusion, the signal
    # set lies inside the match set (a title hit or a tier holds a term literally).
    within = len(parsed.groups) <= 1 and not parsed.excluded
    match, match_params = (
        ("TRUE", []) if within else (f"s.reply_id IN ({rows.found[0]})", rows.found[1])
    )
    order, order_params = [f"(s.reply_id IN ({head})) DESC"], list(head_params)
    if tier != "0":
        order.append(f"({tier}) DESC")
        order_params += tier_params
    order.append(pages.ORDER_SQL["newest"])
    found: list[tuple[int, Any]] = []
    signal: tuple[str, list] = ("SELECT NULL::bigint WHERE FALSE", [])
    for level in range(len(TIERS), 0, -1):
        signal = _signal_set(parsed, level)
        sql = (
            f"SELECT s.reply_id, s.reply_date FROM {TABLE} s "
            f"WHERE s.reply_id IN ({signal[0]}) AND {match} "
            f"ORDER BY {', '.join(order)} LIMIT %s"
        )
        with pages.read_cursor() as cursor:
            cursor.execute(sql, [*signal[1], *match_params, *order_params, CANDIDATES])
            found = list(cursor.fetchall())
        if len(found) >= CANDIDATES:
            break
    if len(found) < CANDIDATES:
        plain = (
            f"s.reply_id IN ({rows.found[0]}) AND s.reply_id NOT IN ({signal[0]})",
            [*rows.found[1], *signal[1]],
        )
        with pages.read_cursor() as cursor:
            cursor.execute(
                f"SELECT s.reply_id, s.reply_date FROM {TABLE} s WHERE {plain[0]} "
                f"ORDER BY {pages.ORDER_SQL['newest']} LIMIT %s",
                [*plain[1], CANDIDATES - len(found)],
            )
            found += cursor.fetchall()
    return _scored(parsed, found)


def _after_ranked(rows: _RowSearch, ranked: list[int], start: int, stop: int) -> list[int]:
    """Rows ``start:stop`` of the relevance order: the ranked candidates, then the other
    title hits newest first, then the other matches newest first."""
    out = ranked[start:stop]
    start, stop = max(start - len(ranked), 0), stop - len(ranked)
    if stop <= 0:
        return out
    head_sql, head_params = _head_set(rows.parsed)
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
