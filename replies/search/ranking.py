"""In which order the matches of a query come (``sort="relevance"``), and the other orders.

Ranking is bounded: one pass over the matches gives their count and the first ``CANDIDATES``
in the order (title or proposal-title hit, occurrence tier, newest); those are scored —
title/proposal-title hits per term, then occurrences in the whole text and proximity of the
terms — and come first in score order; the remaining matches follow by (title hit, newest).
Work per query is therefore at most ``CANDIDATES`` text reads, whatever the number of matches.
Filtered querysets are ranked through the ORM (:func:`rank`), every public reply from the
search rows (:func:`rank_rows`); both score the candidates with :func:`scored`.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL

from replies.models import Reply
from replies.search import pages, stats
from replies.search.index import TIERS, tier_lexeme
from replies.search.matching import RowSearch, and_query, hint_q, hint_sql
from replies.search.parse import ParsedQuery
from replies.search.schema import TABLE
from replies.search.tokenize import tsquery_literal

#: How many matches are scored in full for relevance order; in every order, how many first
#: ids a search keeps (``results``).
CANDIDATES = 100
#: Two terms closer than this many characters count as near each other.
NEAR = 20

#: The other orders of a Reply queryset (``newest`` also orders relevance's non-candidates).
ORDERS = {
    "newest": (F("reply_date").desc(nulls_last=True), "-pk"),
    "oldest": (F("reply_date").asc(nulls_last=True), "pk"),
    "number": (F("number_int").asc(nulls_last=True), F("reply_date").desc(nulls_last=True), "pk"),
}


#: SQL of the title hits: the ids whose title or proposal title holds a term (GIN bitmaps).
HEAD_SET = "SELECT replies_search_head(%s::tsquery, %s::text[])"
#: SQL of one occurrence-tier set: the ids whose word vector holds one tier lexeme (GIN bitmap).
TIER_SET = "SELECT replies_search_words(%s::tsquery)"


def _head_params(parsed: ParsedQuery) -> list | None:
    """The parameters of :data:`HEAD_SET` for the query's positive terms (None without any)."""
    terms = [t.text for t in parsed.positive_terms]
    if not terms:
        return None
    return [" | ".join(f"({and_query(t)})" for t in terms), terms]


def tier_sets(parsed: ParsedQuery) -> list[list[tuple[int, str]]]:
    """Per ranked word (the first four positive terms), its occurrence tiers from the highest
    down, as (level, tier lexeme as a tsquery): the parameter of one :data:`TIER_SET`.

    The word vector marks a word held at least ``index.TIERS[level - 1]`` times; a term that
    is no word token is in no tier set.
    """
    return [
        [
            (level, tsquery_literal(tier_lexeme(term, tier)))
            for level, tier in reversed(list(enumerate(TIERS, 1)))
        ]
        for term in [t.text for t in parsed.positive_terms][:4]
    ]


def _head_q(parsed: ParsedQuery) -> Q | None:
    params = _head_params(parsed)
    hint = hint_q(parsed)
    if params is None:
        return hint
    q = Q(pk__in=RawSQL(HEAD_SET, params))
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


def flag_heads(matched: QuerySet, parsed: ParsedQuery) -> QuerySet:
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
    for tiers in tier_sets(parsed):
        expression = Case(
            *(
                When(pk__in=RawSQL(TIER_SET, [lexeme]), then=Value(level))
                for level, lexeme in tiers
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        total = expression if total is None else total + expression
    return total if total is not None else Value(0, output_field=IntegerField())


def rank(matched: QuerySet, parsed: ParsedQuery) -> tuple[list[int], dict[int, float], int]:
    """The CANDIDATES first matches by (title hit, occurrence tier, newest), scored and
    sorted; the count."""
    rows = list(
        flag_heads(matched, parsed)
        .annotate(search_tier=_tier(parsed), search_total=Window(Count("*")))
        .order_by("-search_head", "-search_tier", *ORDERS["newest"])
        .values_list("pk", "reply_date", "search_total")[:CANDIDATES]
    )
    if not rows:
        return [], {}, 0
    ranked, scores = scored(parsed, [(pk, date) for pk, date, _ in rows])
    return ranked, scores, rows[0][2]


def scored(parsed: ParsedQuery, rows: list[tuple[int, Any]]) -> tuple[list[int], dict[int, float]]:
    """Candidates (id, reply date) fully scored, in score order (then newest)."""
    ids = [pk for pk, _ in rows]
    hinted: set[int] = set()
    hint = hint_q(parsed)
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


def head_set(parsed: ParsedQuery) -> tuple[str, list]:
    """SQL of the ids whose title or proposal title holds a query term (or that the number or
    session hint names): the title hits that relevance puts first."""
    parts, params = [], []
    head = _head_params(parsed)
    if head is not None:
        parts.append(HEAD_SET)
        params += head
    hint = hint_sql(parsed)
    if hint is not None:
        parts.append(hint[0])
        params += hint[1]
    return (" UNION ".join(parts) or "SELECT NULL::bigint WHERE FALSE"), params


def _tier_rank(parsed: ParsedQuery) -> tuple[str, list]:
    """:func:`_tier` of one search row ``s``, from the tier sets' GIN bitmaps (each a hashed
    subplan built once), so no row's word vector is read."""
    cases, params = [], []
    for tiers in tier_sets(parsed):
        whens = " ".join(f"WHEN s.reply_id IN ({TIER_SET}) THEN {level}" for level, _ in tiers)
        cases.append(f"(CASE {whens} ELSE 0 END)")
        params += [lexeme for _, lexeme in tiers]
    return (" + ".join(cases) or "0"), params


def _signal_set(parsed: ParsedQuery, level: int) -> tuple[str, list]:
    """SQL of the ids that are title hits or hold a query word at least ``TIERS[level - 1]``
    times: the only rows that can rank above a plain match (GIN bitmaps only)."""
    sql, params = head_set(parsed)
    for tiers in tier_sets(parsed):
        for at, lexeme in reversed(tiers):  # the lowest level first
            if at >= level:
                sql += f" UNION {TIER_SET}"
                params.append(lexeme)
    return sql, params


def rank_rows(rows: RowSearch) -> tuple[list[int], dict[int, float]]:
    """The first CANDIDATES matches by (title hit, occurrence tier, newest), scored.

    Only the rows that can come first are read: the title hits and the rows with a query word
    in the highest occurrence tier; lower tiers are added while fewer than CANDIDATES match,
    and plain matches (newest first) fill the rest. For a one-word query the candidates are
    exactly those of the full order; with several words, a row whose tiers add up high without
    any being high can be missed (it is still found, just not among the candidates). A
    one-word query reads the order's strata instead (:func:`_strata_rows`): bounded by the
    page when a stratum is dense.
    """
    if rows.matches == 0:
        return [], {}
    parsed = rows.parsed
    if _one_term(parsed):
        return scored(parsed, _strata_rows(rows))
    head, head_params = head_set(parsed)
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
    return scored(parsed, found)


def _one_term(parsed: ParsedQuery) -> bool:
    return len(parsed.groups) == 1 and len(parsed.groups[0]) == 1 and not parsed.excluded


@dataclass(frozen=True)
class _Stratum:
    """Rows of one step of the relevance pre-order (title hit × occurrence tier): ``tests``
    are per-row conditions on ``s``; ``drive`` is the set form of the first of them (ids from
    GIN bitmaps; the match set for the plain matches). A title-hit stratum with a tier also
    has the same rows driven by the tier set (``by_tier``), for when titles hold the term
    often and the tier is the smaller set."""

    tests: tuple[tuple[str, list], ...]
    drive: tuple[str, list]
    head: bool
    level: int
    by_tier: _Stratum | None = None


@dataclass(frozen=True)
class _Shares:
    """One pass over the sampled rows (``stats.sample``, ``stats.signals``) for a term:
    ``strata[(in_head, level)]`` is the estimated share of all rows that match and fall in
    that stratum, ``tiers[level]`` the share holding the term at least ``TIERS[level - 1]``
    times (the size of that tier set)."""

    strata: dict[tuple[bool, int], float]
    tiers: dict[int, float]

    def head(self) -> float:
        """The estimated share of title hits (every title-hit stratum)."""
        return sum(share for (in_head, _), share in self.strata.items() if in_head)


def _shares(term: str, lexemes: dict[int, str]) -> _Shares:
    """:class:`_Shares` of ``term`` (``lexemes``: level → tier lexeme) from the sample."""
    texts, sampled = stats.sample(), stats.signals()
    if not sampled or len(texts) != len(sampled):
        return _Shares({}, {})
    strata: dict[tuple[bool, int], int] = {}
    tiers = dict.fromkeys(lexemes, 0)
    for text, (head, marks) in zip(texts, sampled, strict=True):
        held = [level for level, lexeme in lexemes.items() if lexeme in marks]
        for level in held:
            tiers[level] += 1
        if term in text:
            key = (term in head, max(held, default=0))
            strata[key] = strata.get(key, 0) + 1
    n = len(sampled)
    return _Shares(
        {key: count / n for key, count in strata.items()},
        {level: count / n for level, count in tiers.items()},
    )


def _tier_levels(parsed: ParsedQuery) -> dict[int, str]:
    """Level → the tier lexeme (raw, as the word vector holds it) of a one-term query."""
    term = parsed.groups[0][0].text
    return {level: tier_lexeme(term, TIERS[level - 1]) for level, _ in tier_sets(parsed)[0]}


def _strata(rows: RowSearch) -> list[_Stratum]:
    """The strata of a one-term query in relevance pre-order: title hits by tier (highest
    first), then the other rows by tier, then the plain matches; each is read newest first."""
    parsed = rows.parsed
    term = parsed.groups[0][0].text
    head_test: tuple[str, list] = ("strpos(s.head, %s) > 0", [term])
    hint = hint_sql(parsed)
    if hint is not None:
        head_test = (f"(strpos(s.head, %s) > 0 OR s.reply_id IN ({hint[0]}))", [term, *hint[1]])
    no_head = (f"NOT {head_test[0]}", head_test[1])
    lexemes = dict(tier_sets(parsed)[0])  # level → tier lexeme as a tsquery

    def has(level: int) -> tuple[str, list]:
        return "ts_match_vq(s.words, %s::tsquery)", [lexemes[level]]

    def lacks(level: int) -> tuple[str, list]:
        return "NOT ts_match_vq(s.words, %s::tsquery)", [lexemes[level]]

    def tier_tests(level: int) -> list[tuple[str, list]]:
        tests = [has(level)] if level else []
        return tests + ([lacks(level + 1)] if level < len(TIERS) else [])

    def words_set(level: int) -> tuple[str, list]:
        return f"s.reply_id IN ({TIER_SET})", [lexemes[level]]

    heads = head_set(parsed)
    head_drive = (f"s.reply_id IN ({heads[0]})", heads[1])
    levels = range(len(TIERS), -1, -1)
    strata = []
    for n in levels:
        # the same title hits driven by their tier set: only a tier (level > 0) has one
        by_tier = (
            _Stratum((has(n), head_test, *tier_tests(n)[1:]), words_set(n), True, n) if n else None
        )
        strata.append(_Stratum((head_test, *tier_tests(n)), head_drive, True, n, by_tier))
    for n in levels:
        drive = words_set(n) if n else (f"s.reply_id IN ({rows.found[0]})", rows.found[1])
        tests = tier_tests(n) if n else [rows.test, lacks(1)]
        strata.append(_Stratum((*tests, no_head), drive, False, n))
    return strata


def _strata_rows(rows: RowSearch) -> list[tuple[int, Any]]:
    """The first CANDIDATES matches of a one-term query by (title hit, tier, newest): the
    strata in order, each read newest first until enough rows are found.

    A stratum holding many rows is read by walking the date index with its per-row tests
    (about k × replies / stratum size rows for k rows); a small one from its GIN set (every
    row of it by primary key), whichever is estimated cheaper from one pass over the sampled
    rows (:func:`_shares`). The rows are exactly those of the full order (the strata
    partition the matches in its order).
    """
    parsed = rows.parsed
    term = parsed.groups[0][0].text
    strata = _strata(rows)
    shares = _shares(term, _tier_levels(parsed))
    found: list[tuple[int, Any]] = []
    head_share = shares.head()
    if not pages.walks(round(head_share * rows.total), CANDIDATES, rows.total):
        # Few title hits: read them once from their set, in tier order (per-row tests).
        # A tier set smaller than the title hits is a hashed subplan (GIN bitmaps); a larger
        # one is a per-row test of the hit's word vector.
        levels = [
            (
                f"WHEN s.reply_id IN ({TIER_SET}) THEN {level}"
                if shares.tiers.get(level, 0.0) < head_share
                else f"WHEN ts_match_vq(s.words, %s::tsquery) THEN {level}",
                [lexeme],
            )
            for level, lexeme in tier_sets(parsed)[0]
        ]
        level_sql = f"(CASE {' '.join(sql for sql, _ in levels)} ELSE 0 END) DESC, "
        found += _stratum_ids(
            strata[0].drive, [p for _, values in levels for p in values], level_sql, CANDIDATES
        )
        strata = [stratum for stratum in strata if not stratum.head]
    for stratum in strata:
        need = CANDIDATES - len(found)
        if need <= 0:
            break
        share = shares.strata.get((stratum.head, stratum.level), 0.0)
        # A walk reads about need × replies / stratum rows; the set form reads its drive set.
        # Only the plain matches' walk reads texts; the others test a title and word marks.
        plain = not stratum.head and stratum.level == 0
        cost = pages.WALK_COST if plain else pages.WALK_COST / 3
        walk_rows = min(rows.total, need * rows.total / max(share * rows.total, 1.0))
        if stratum.head:
            drive_share = head_share
            if stratum.by_tier is not None:
                tier_share = shares.tiers.get(stratum.level, 0.0)
                if tier_share < head_share:
                    stratum, drive_share = stratum.by_tier, tier_share
        else:
            drive_share = (
                rows.matches / rows.total if plain else shares.tiers.get(stratum.level, 0.0)
            )
        tests = list(stratum.tests)
        if cost * walk_rows >= drive_share * rows.total:
            tests = [stratum.drive, *stratum.tests[1:]]  # the set replaces the first test
        where = (" AND ".join(sql for sql, _ in tests), [p for _, values in tests for p in values])
        found += _stratum_ids(where, [], "", need)
    return found[:CANDIDATES]


def _stratum_ids(
    where: tuple[str, list], order_params: list, order: str, limit: int
) -> list[tuple[int, Any]]:
    """(id, reply date) of the first ``limit`` rows satisfying ``where``, by ``order`` (an
    ORDER BY prefix) then newest."""
    with pages.read_cursor() as cursor:
        cursor.execute(
            f"SELECT s.reply_id, s.reply_date FROM {TABLE} s WHERE {where[0]} "
            f"ORDER BY {order}{pages.ORDER_SQL['newest']} LIMIT %s",
            [*where[1], *order_params, limit],
        )
        return list(cursor.fetchall())
