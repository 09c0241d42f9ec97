"""In which order the matches of a query come (``sort="relevance"``), and the other orders.

Ranking is bounded: one pass over the matches gives their count and the first ``CANDIDATES``
in the order (title or proposal-title hit, occurrence tier, newest); those are scored —
title/proposal-title hits per term, then occurrences in the whole text and proximity of the
terms — and come first in score order; the remaining matches follow by (title hit, newest).
Work per query is therefore at most ``CANDIDATES`` text reads, whatever the number of matches.
Filtered querysets are ranked through the ORM (:func:`rank`), every public reply from the
search rows (:func:`rank_rows`); both score the candidates with :func:`scored`.

Over the search rows, an AND of terms reads the order by **strata**: (title hit, tier) keys
from the highest down, the tier being the ranked words' levels (0–3 each, the first four
positive terms, :func:`tier_sets`) summed, so ``2 × (3 × words + 1)`` strata. A stratum's
per-row test is one ``ts_match_vq`` of the word vector with a tsquery of every level tuple
with that sum (:func:`_tier_test`), the title test, and the literal test of every term unless
the tiers imply it. Each stratum is either walked along the date index (the tests folded in
one ``CASE``, :func:`_walk_test`) or read from its smallest GIN set (title hits, a tier set
covering the stratum, or the match set), chosen from one pass over the sample
(:func:`_shares`); few title hits are read at once in tier order, and with several words the
matches left are read at once when they are few (:func:`_reads_rest`). Reading stops at
``CANDIDATES`` rows, which are exactly the full order's first ones. Exclusions and ``OR``
keep the signal-set reading (:func:`rank_rows`), whose candidates may differ.
"""

from __future__ import annotations

import bisect
import itertools
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

    An AND of terms (one word or several, phrases included) reads the order's strata
    (:func:`_strata_rows`): exactly the candidates of the full order, bounded by the page when
    a stratum is dense. A query with an exclusion or alternatives (``OR``) reads the signal
    set instead: the title hits and the rows with a query word in the highest occurrence
    tier; lower tiers are added while fewer than CANDIDATES match, and plain matches (newest
    first) fill the rest. There a row whose tiers add up high without any being high can be
    missed (it is still found, just not among the candidates).
    """
    if rows.matches == 0:
        return [], {}
    parsed = rows.parsed
    if _strata_query(parsed):
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


def _strata_query(parsed: ParsedQuery) -> bool:
    """True when the strata give the candidates of the full order: positive terms AND-ed
    (one or several, phrases included), no exclusion and no alternatives (``OR``)."""
    return bool(parsed.groups) and all(len(g) == 1 for g in parsed.groups) and not parsed.excluded


@dataclass(frozen=True)
class _Shares:
    """One pass over the sampled rows (``stats.sample``, ``stats.signals``): ``strata[(in_head,
    tier)]`` is the estimated share of all rows that match and fall in that stratum (tier: the
    ranked words' levels summed), ``tiers[(word, level)]`` the share holding ranked word
    ``word`` at least ``TIERS[level - 1]`` times (the size of that tier set), ``head`` the
    share of title hits of any term (the size of the title-hit set)."""

    strata: dict[tuple[bool, int], float]
    tiers: dict[tuple[int, int], float]
    head: float

    def heads(self) -> float:
        """The estimated share of matching title hits (every title-hit stratum)."""
        return sum(share for (in_head, _), share in self.strata.items() if in_head)


def _shares(parsed: ParsedQuery) -> _Shares:
    """:class:`_Shares` of the query's terms, in one pass over the sample."""
    texts, sampled = stats.sample(), stats.signals()
    if not sampled or len(texts) != len(sampled):
        return _Shares({}, {}, 0.0)
    terms = [t.text for t in parsed.positive_terms]
    marks = [
        {level: tier_lexeme(term, TIERS[level - 1]) for level, _ in tiers}
        for term, tiers in zip(terms, tier_sets(parsed), strict=False)
    ]
    strata: dict[tuple[bool, int], int] = {}
    tier_rows: dict[tuple[int, int], int] = {}
    head_rows = 0
    for text, (head, held) in zip(texts, sampled, strict=True):
        total = 0
        for word, lexemes in enumerate(marks):
            levels = [level for level, lexeme in lexemes.items() if lexeme in held]
            for level in levels:
                tier_rows[(word, level)] = tier_rows.get((word, level), 0) + 1
            total += max(levels, default=0)
        in_head = any(term in head for term in terms)
        head_rows += in_head
        if all(term in text for term in terms):
            strata[(in_head, total)] = strata.get((in_head, total), 0) + 1
    n = len(sampled)
    return _Shares(
        {key: count / n for key, count in strata.items()},
        {key: count / n for key, count in tier_rows.items()},
        head_rows / n,
    )


def _exactly(tiers: list[tuple[int, str]], level: int) -> str:
    """A tsquery true when a word vector holds the word at exactly ``level`` (its highest
    tier mark; ``tiers`` as in :func:`tier_sets`)."""
    lexemes = dict(tiers)
    if level == 0:
        return f"!{lexemes[1]}"
    if level == len(TIERS):
        return lexemes[level]
    return f"{lexemes[level]} & !{lexemes[level + 1]}"


def _combinations(words: int, total: int) -> list[tuple[int, ...]]:
    """Every tuple of ``words`` levels (0 to ``len(TIERS)``) summing to ``total``."""
    return [c for c in itertools.product(range(len(TIERS) + 1), repeat=words) if sum(c) == total]


def _tier_test(parsed: ParsedQuery, total: int) -> tuple[str, list]:
    """The per-row test of a stratum's tier: the ranked words' levels sum to ``total``. One
    ``ts_match_vq`` call (a function, not the ``@@`` operator, so the planner never reads a
    tier set from the GIN index for it): one word vector read per row."""
    tiers = tier_sets(parsed)
    query = " | ".join(
        "(" + " & ".join(f"({_exactly(t, level)})" for t, level in zip(tiers, c, strict=True)) + ")"
        for c in _combinations(len(tiers), total)
    )
    return "ts_match_vq(s.words, %s::tsquery)", [query]


def _tier_drive(parsed: ParsedQuery, total: int, shares: _Shares) -> tuple[tuple[str, list], float]:
    """The set form of a stratum's tier (``total`` > 0), a superset of the stratum from GIN
    bitmaps, and its estimated share of all rows: the smallest tier set that every level tuple
    summing to ``total`` lies in (a word at its lowest level among them, when that is above
    0), else the union, over the tuples, of the smallest tier set each lies in."""
    tiers = tier_sets(parsed)
    combinations = _combinations(len(tiers), total)
    covering = [(w, min(c[w] for c in combinations)) for w in range(len(tiers))]
    covering = [key for key in covering if key[1]]
    if covering:
        picked = [min(covering, key=lambda key: shares.tiers.get(key, 0.0))]
    else:
        picked = list(
            dict.fromkeys(
                min(
                    ((w, level) for w, level in enumerate(c) if level),
                    key=lambda key: shares.tiers.get(key, 0.0),
                )
                for c in combinations
            )
        )
    sql = " UNION ".join(TIER_SET for _ in picked)
    share = min(1.0, sum(shares.tiers.get(key, 0.0) for key in picked))
    return _read_by_id(sql, [dict(tiers[w])[level] for w, level in picked]), share


def _read_by_id(ids_sql: str, params: list) -> tuple[str, list]:
    """A stratum's set form: the rows of the ids ``ids_sql`` gives (GIN bitmaps), by primary
    key. An array built once (an init plan) is a primary-key index condition whatever the
    table's statistics, where ``IN (subquery)`` can become a hash join that reads every row."""
    return f"s.reply_id = ANY(ARRAY({ids_sql}))", params


def _tier_order(parsed: ParsedQuery, shares: _Shares, drive_share: float) -> tuple[str, list]:
    """:func:`_tier_rank` for rows read from a set of ``drive_share``: a tier set smaller than
    it is a hashed subplan (GIN bitmaps), a larger one a per-row test of the word vector."""
    cases, params = [], []
    for word, tiers in enumerate(tier_sets(parsed)):
        whens = " ".join(
            f"WHEN s.reply_id IN ({TIER_SET}) THEN {level}"
            if shares.tiers.get((word, level), 0.0) < drive_share
            else f"WHEN ts_match_vq(s.words, %s::tsquery) THEN {level}"
            for level, _ in tiers
        )
        cases.append(f"(CASE {whens} ELSE 0 END)")
        params += [lexeme for _, lexeme in tiers]
    return "(" + " + ".join(cases) + ")", params


def _reads_rest(remaining: int, need: int, total: int) -> bool:
    """True when the remaining matches of a several-word query are few enough to read them
    all at once (from the match set, sorted) rather than stratum by stratum (up to
    ``2 × (3 × words + 1)`` statements)."""
    return not pages.walks(remaining, need, total)


def _strata_rows(rows: RowSearch) -> list[tuple[int, Any]]:
    """The first CANDIDATES matches of an AND of terms by (title hit, tier, newest): the
    strata (title hit × the ranked words' levels summed, from the highest down) in order,
    each read newest first until enough rows are found.

    A stratum holding many rows is read by walking the date index with its per-row tests
    (about k × replies / stratum size rows for k rows); a small one from a GIN set (the title
    hits, its tier sets or the match set, whichever is smallest), whichever is estimated
    cheaper from one pass over the sampled rows (:func:`_shares`). Few title hits are read at
    once from their set; with several words, when the matches left are few, they are read at
    once from the match set. The rows are exactly those of the full order (the strata
    partition the matches in its order; every stratum before the last one read was whole).
    """
    parsed, total = rows.parsed, rows.total
    terms = [t.text for t in parsed.positive_terms]
    hint = hint_sql(parsed)
    several = len(terms) > 1  # a title hit or a tier mark need not be a match
    ranked = len(tier_sets(parsed))
    match_test = rows.test
    if several:  # every term literally in the text, as one condition (one planner estimate)
        match_test = (
            "LEAST(" + ", ".join("strpos(s.text, %s)" for _ in terms) + ") > 0",
            list(terms),
        )
        if hint is not None:
            match_test = (f"({match_test[0]} OR s.reply_id IN ({hint[0]}))", [*terms, *hint[1]])
    head_test: tuple[str, list] = ("strpos(s.head, %s) > 0", list(terms))
    if several:  # a title holds any term, as one condition
        head_test = ("GREATEST(" + ", ".join("strpos(s.head, %s)" for _ in terms) + ") > 0", terms)
    if hint is not None:
        head_test = (f"({head_test[0]} OR s.reply_id IN ({hint[0]}))", [*terms, *hint[1]])
    heads = head_set(parsed)
    head_drive = (_read_by_id(*heads), "head")
    match_drive = (_read_by_id(*rows.found), "match")
    match_share = rows.matches / total
    shares = _shares(parsed)
    top = len(TIERS) * len(tier_sets(parsed))
    strata = [(in_head, tier) for in_head in (True, False) for tier in range(top, -1, -1)]
    found: list[tuple[int, Any]] = []

    def where(tests: dict[str, tuple[str, list]]) -> tuple[str, list]:
        return " AND ".join(sql for sql, _ in tests.values()), [
            p for _, values in tests.values() for p in values
        ]

    if not pages.walks(round(shares.heads() * total), CANDIDATES, total):
        # Few title hits: read them once from a set (the title hits, or the matches when
        # fewer), in tier order.
        (drive, replaces), drive_share = head_drive, shares.head
        if several and match_share < shares.head:
            (drive, replaces), drive_share = match_drive, match_share
        tests = {"drive": drive, "head": head_test, "match": match_test}
        del tests[replaces]
        if not several:
            tests.pop("match", None)
        order, order_params = _tier_order(parsed, shares, drive_share)
        found += _stratum_ids(where(tests), order_params, f"{order} DESC, ", CANDIDATES)
        strata = [stratum for stratum in strata if not stratum[0]]
    for in_head, tier in strata:
        need = CANDIDATES - len(found)
        if need <= 0:
            break
        if several and _reads_rest(rows.matches - len(found), need, total):
            order, order_params = _tier_order(parsed, shares, match_share)
            if in_head:
                order = f"{head_test[0]} DESC, {order}"
                order_params = [*head_test[1], *order_params]
            tests = {
                "drive": match_drive[0],
                "seen": ("s.reply_id <> ALL(%s::bigint[])", [[pk for pk, _ in found]]),
            }
            found += _stratum_ids(where(tests), order_params, f"{order} DESC, ", need)
            break
        plain = not in_head and tier == 0
        tests = {"tier": _tier_test(parsed, tier)}
        tests["head"] = head_test if in_head else (f"NOT {head_test[0]}", head_test[1])
        # A tier mark is a word of the text: the match test is implied when every ranked
        # word has a tier in the stratum (and every term is ranked), or by one word's title hit.
        if (
            plain
            or (several and ranked < len(terms))
            or (several and any(0 in c for c in _combinations(ranked, tier)))
        ):
            tests["match"] = match_test
        # A walk reads about need × replies / stratum rows at a text test each (a third of
        # it when only a title and word marks are tested); the set form reads its drive set.
        cost = pages.WALK_COST if "match" in tests else pages.WALK_COST / 3
        share = shares.strata.get((in_head, tier), 0.0)
        walk_rows = min(total, need * total / max(share * total, 1.0))
        drives = [(match_share, match_drive)] if several or plain else []
        if in_head:
            drives.append((shares.head, head_drive))
        if tier:
            tier_drive, tier_share = _tier_drive(parsed, tier, shares)
            drives.append((tier_share, (tier_drive, "")))
        drive_share, (drive, replaces) = min(drives, key=lambda d: d[0])
        if cost * walk_rows >= drive_share * total:
            tests = {"drive": drive, **tests}
            tests.pop(replaces, None)
            found += _stratum_ids(where(tests), [], "", need)
        else:
            found += _stratum_ids(_walk_test(list(tests.values())), [], "", need)
    return found[:CANDIDATES]


def _walk_test(tests: list[tuple[str, list]]) -> tuple[str, list]:
    """Per-row tests of a walk as one condition, tested in their order (the tier marks
    first: one word vector read per row, the text only for rows that pass the rest). One
    ``CASE`` is one planner estimate (a half), where a product of the tests' default
    selectivities could make a sort of every row look cheaper than a walk under the Limit."""
    if len(tests) == 1:
        return tests[0]
    first, *rest = tests
    sql = f"CASE WHEN {first[0]} THEN {' AND '.join(t[0] for t in rest)} ELSE FALSE END"
    return sql, [*first[1], *(p for t in rest for p in t[1])]


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
