"""The one place where browsing meets full-text search.

Until ``replies.search`` lands this is a simple literal fallback: every space-separated term
must occur (case-insensitively) in the title, proposal title or body; "quoted phrases" stay
whole; -term excludes. Marking escapes the document text first, then wraps hits in <mark>.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 70
SEARCH_FIELDS = ("title", "proposal_title", "body")

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    notice: str = ""


@dataclass
class SearchOutcome:
    queryset: QuerySet
    terms: list[str]
    notice: str = ""


def parse(q: str) -> ParsedQuery:
    """Split a query into terms; never raises."""
    q = " ".join((q or "").split())
    parsed = ParsedQuery()
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        parsed.notice = f"检索词过长，只使用了前 {MAX_QUERY_CHARS} 个字。"
    if q.count('"') % 2:
        q = q.replace('"', " ")
        parsed.notice = "检索词中的引号不成对，已按字面检索。"
    for phrase, word in _TOKEN.findall(q):
        term = phrase.strip() or word
        if word in ("OR", "|"):
            continue
        if word.startswith("-") and len(word) > 1:
            parsed.excluded.append(word[1:])
        elif term:
            parsed.terms.append(term)
    if not parsed.terms and not parsed.excluded and q.strip():
        parsed.terms = [q.strip()]
        parsed.notice = parsed.notice or "检索词只有运算符，已按字面检索。"
    return parsed


def _contains(term: str) -> Q:
    query = Q()
    for name in SEARCH_FIELDS:
        query |= Q(**{f"{name}__icontains": term})
    return query


def narrow(queryset: QuerySet, q: str) -> QuerySet:
    """Only the replies matching the query (no ordering): used for counts and facets."""
    parsed = parse(q)
    for term in parsed.terms:
        queryset = queryset.filter(_contains(term))
    for term in parsed.excluded:
        queryset = queryset.exclude(_contains(term))
    return queryset


SORT_ORDERS = {
    "newest": (F("reply_date").desc(nulls_last=True), "-id"),
    "oldest": (F("reply_date").asc(nulls_last=True), "id"),
    "number": (F("number_int").asc(nulls_last=True), F("reply_date").desc(nulls_last=True), "id"),
}


def search(queryset: QuerySet, q: str, sort: str) -> SearchOutcome:
    """Filter by the query and order by ``sort`` (relevance, newest, oldest, number)."""
    parsed = parse(q)
    queryset = narrow(queryset, q) if q.strip() else queryset
    if sort == "relevance" and parsed.terms:
        in_title = Q()
        for term in parsed.terms:
            in_title &= Q(title__icontains=term) | Q(proposal_title__icontains=term)
        queryset = queryset.annotate(
            title_hit=Case(When(in_title, then=Value(1)), default=0, output_field=IntegerField())
        ).order_by("-title_hit", *SORT_ORDERS["newest"])
    else:
        queryset = queryset.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["newest"]))
    return SearchOutcome(queryset, parsed.terms, parsed.notice)


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms)), re.IGNORECASE) if terms else None


def mark(text: str, terms: Iterable[str]) -> tuple[SafeString, int]:
    """Escape ``text`` and wrap every occurrence of a term in <mark>; also count them."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text), 0
    parts, last, hits = [], 0, 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last, hits = match.end(), hits + 1
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts)), hits  # every piece is escaped above


def snippets(text: str, terms: list[str], limit: int = 2) -> list[SafeString]:
    """Up to ``limit`` short excerpts of ``text`` around hits, hits marked."""
    pattern = _pattern(terms)
    if pattern is None:
        return []
    found, end = [], -1
    for match in pattern.finditer(text):
        if match.start() < end:
            continue
        start = max(0, match.start() - SNIPPET_BEFORE)
        end = min(len(text), match.end() + SNIPPET_AFTER)
        piece = " ".join(text[start:end].split())
        html, _ = mark(piece, terms)
        found.append(mark_safe(("…" if start else "") + html + ("…" if end < len(text) else "")))
        if len(found) == limit:
            break
    return found


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
