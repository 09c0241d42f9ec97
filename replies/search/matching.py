"""Which replies match a query: exact literal containment (docs/search.md). Never raises.

Each term becomes a subquery of reply ids over ``replies_replysearch``:

* a one- or two-character term is one gram of the GIN expression index: exact, no recheck;
* a longer term is (a) the replies having it as a whole word token (GIN on ``words``, exact,
  no recheck), plus (b) the other replies having all its bigrams, checked literally with
  ``strpos`` on the compact text — only (b) reads any text, and (b) is small in practice;
* very long replies (chunked) are matched per chunk; chunks overlap by more than any term.

Terms combine with AND / OR / NOT as ``id IN (…)`` conditions on any Reply queryset, or on
the search rows (the facet counts; a common term there is hashed, see :func:`term_q`)
(:func:`match_q`, :func:`narrow`), so facets, counts and pagination work on the result like on
any queryset; over the search rows as set algebra of the id sets (:func:`ids_sql`) or as a
literal test of one row (:func:`text_test`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

from replies.models import Reply
from replies.search import pages, stats
from replies.search.models import ReplySearch
from replies.search.parse import ParsedQuery, Term, parse_query
from replies.search.schema import TABLE
from replies.search.tokenize import compact, term_lexemes, tsquery_literal


def and_query(term: str) -> str:
    return " & ".join(tsquery_literal(lexeme) for lexeme in term_lexemes(term))


def term_sql(term: str) -> tuple[str, list]:
    """SQL selecting the ids of the indexed replies that contain ``term`` literally."""
    sql = "SELECT replies_search_match(%s, %s::tsquery, %s::tsquery)"
    return sql, [term, and_query(term), tsquery_literal(term)]


def term_q(term: Term | str, *, hashed: bool = False) -> Q:
    """A Q object: the reply contains the term literally.

    ``hashed`` writes the test as ``reply_id + 0 IN (…)``: no index can serve that, so the
    planner hashes the id set and reads the rows once, instead of probing the key once per
    id (its estimate of the set is the function's fixed 1,000 rows). That is the plan for a
    common term over the narrow search rows (see :func:`narrow`).
    """
    text = term.text if isinstance(term, Term) else compact(term)
    sql, params = term_sql(text)
    if hashed:
        return Q(In(ExpressionWrapper(F("pk") + 0, BigIntegerField()), RawSQL(sql, params)))
    return Q(pk__in=RawSQL(sql, params))


def hint_q(parsed: ParsedQuery) -> Q | None:
    q = None
    if parsed.number is not None:
        q = Q(number_int=parsed.number)
    if parsed.session is not None:
        term, number = parsed.session
        q = (q or Q()) | Q(session__term=term, session__number=number)
    return q


def match_q(parsed: ParsedQuery, *, rows: bool = False) -> Q | None:
    """The Q object for the whole query, or None when it asks for nothing. With ``rows``
    (a queryset of search rows), common terms are tested by hashing (:func:`term_q`)."""
    if parsed.is_empty:
        return None
    q = Q()
    for group in parsed.groups:
        alternatives = Q()
        for term in group:
            alternatives |= term_q(term, hashed=rows and stats.is_common(term.text))
        q &= alternatives
    hint = hint_q(parsed)
    if hint is not None:
        q |= hint
    for term in parsed.excluded:
        q &= ~term_q(term)
    return q


def narrow(queryset: QuerySet, query: str | ParsedQuery) -> QuerySet:
    """Only the replies (or search rows) of ``queryset`` that match ``query`` (no ordering)."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    q = match_q(parsed, rows=queryset.model is ReplySearch)
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


def hint_sql(parsed: ParsedQuery) -> tuple[str, list] | None:
    hint = hint_q(parsed)
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
    hint = hint_sql(parsed)
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
    hint = hint_sql(parsed)
    if hint is not None:
        condition = f"({condition} OR s.reply_id IN ({hint[0]}))"
        params += hint[1]
    for term in parsed.excluded:
        condition += " AND strpos(s.text, %s) = 0"
        params.append(term.text)
    return condition, params


@dataclass(frozen=True)
class RowSearch:
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
