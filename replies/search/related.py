"""Related replies: the public replies that share the most distinctive words of a reply's topic.

"More like this" as a search engine does it, on the search index's character-gram GIN index,
with a bounded amount of work per reply page whatever the number of replies:

1. **Key terms** (no query): the jieba words (2–12 characters, holding a Chinese character or
   three Latin letters; no numbers) of the proposal title (weight :data:`TITLE_WEIGHT` each)
   and of the first :data:`BODY_CHARS` characters of the body (weight ``log(1 + tf)``); the
   :data:`MAX_TERMS` heaviest. On a large index, terms the gram statistics already know as
   common (``stats.share`` ≥ :data:`COMMON_SHARE`) are dropped without counting.
2. **Document frequency** (one statement): for each term, how many *other* replies (not this
   one, not the other replies to the same proposal) hold it, counted through the gram index
   (a two-character word is one gram, a longer one the AND of its bigrams) and capped at
   :data:`DF_CAP` rows; and the number of indexed replies (from ``pg_class``).
3. **Top terms**: weight × idf, ``idf = log((N + 1) / (df + 1))``; a term no other reply holds,
   or more than one reply in :data:`MAX_SHARE_INVERSE` holds (and more than
   :data:`MIN_COMMON_DF`), is dropped; the best :data:`TOP_TERMS` are kept.
4. **Candidates** (one statement, two at most): one GIN scan with the tsquery "at least two of
   the top terms" (an OR of every pair), ``LIMIT`` :data:`CANDIDATES`; when that finds too
   few, one more for "any of them".
5. **Scores** (one statement): which top terms each candidate's search text holds (``strpos``
   on at most :data:`CANDIDATES` rows read by primary key); a candidate's score is the sum of
   weight × idf of the terms it shares.

Steps 2–4 run with sequential scans off (:func:`_index_plans`): the gram function is far too
costly to compute row by row, so every gram condition must come from the GIN index.

The index only holds public replies, and the caller filters the ids through
``Reply.objects.public()`` again, so drafts and 不予公开 replies are never related. Results are
cached per index generation (``replies.search.cache``): a second view of the page costs one
statement. Replies longer than the gram function's limit (``chunked``) are matched through
their chunks by search, but not found as related (their text grams are NULL).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db import connection, transaction

from replies.search import stats, tokenize
from replies.search.cache import cached

#: Characters of the body read for key terms.
BODY_CHARS = 20_000
#: Weight of a word of the proposal title (a body word weighs log(1 + its count)).
TITLE_WEIGHT = 3.0
#: Terms whose document frequency is counted.
MAX_TERMS = 24
#: Terms that select and score candidates.
TOP_TERMS = 8
#: Counting a term's replies stops here (such a term is common; its idf is at most
#: log(N / DF_CAP)).
DF_CAP = 1000
#: A term held by more than one reply in this many (and by more than MIN_COMMON_DF) is not a
#: topic word.
MAX_SHARE_INVERSE = 4
MIN_COMMON_DF = 3
#: Replies scored per page.
CANDIDATES = 300
#: Below this many indexed replies the gram statistics are not used (too few to mean much).
STATS_MIN_REPLIES = 5000
#: Below this many indexed replies (by the planner's estimate) they are counted exactly.
EXACT_SIZE_BELOW = 20_000
COMMON_SHARE = 0.05
#: Statements one look-up runs at most, as Django counts them: BEGIN (or SAVEPOINT), the planner
#: setting, frequencies, candidates (two), the setting's restoring inside an outer transaction,
#: COMMIT (or RELEASE), memberships, the index generation when the cache is on, and the size
#: estimate (once in stats.MAX_AGE seconds).
MAX_STATEMENTS = 10
MIN_CHARS, MAX_CHARS = 2, 12

_TABLE = "replies_replysearch"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"^[a-z]{3,}$")


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    df: int = 0
    idf: float = 0.0

    @property
    def score(self) -> float:
        return self.weight * self.idf

    @property
    def tsquery(self) -> str:
        return gram_query(self.text)


def gram_query(term: str) -> str:
    """The gram-index tsquery of a term: its one gram, or the AND of its bigrams."""
    return " & ".join(tokenize.tsquery_literal(g) for g in tokenize.term_lexemes(term))


def _is_key(token: str) -> bool:
    return MIN_CHARS <= len(token) <= MAX_CHARS and bool(_CJK.search(token) or _LATIN.match(token))


def _tokens(text: str) -> list[str]:
    segmenter = tokenize.get_segmenter()
    return [t for t, _, _ in segmenter.tokenize(tokenize.normalize(text)) if _is_key(t)]


def key_terms(
    title: str, body: str, limit: int = MAX_TERMS, common: Callable[[str], bool] | None = None
) -> list[Term]:
    """The reply's candidate key terms, heaviest first, leaving out ``common`` ones."""
    tf = Counter(_tokens(body[:BODY_CHARS]))
    weights = {t: math.log1p(n) for t, n in tf.items()}
    for token in dict.fromkeys(_tokens(title)):
        weights[token] = weights.get(token, 0.0) + TITLE_WEIGHT
    ranked = sorted(weights.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    if common is not None:
        ranked = [item for item in ranked if not common(item[0])]
    return [Term(text, weight) for text, weight in ranked[:limit]]


class _Size:
    read_at = -stats.MAX_AGE
    estimate = 0


def index_size(max_age: float = stats.MAX_AGE) -> int:
    """The planner's estimate of the number of indexed replies (read every ``max_age`` s)."""
    now = time.monotonic()
    if now - _Size.read_at >= max_age:
        with connection.cursor() as cursor:
            cursor.execute(_ESTIMATE)
            _Size.estimate = int(cursor.fetchone()[0] or 0)
        _Size.read_at = now
    return _Size.estimate


def is_common(term: str) -> bool:
    """A term the gram statistics find in at least COMMON_SHARE of a large index."""
    return index_size() >= STATS_MIN_REPLIES and stats.share(term) >= COMMON_SHARE


# --------------------------------------------------------------------------------------------
# statements


_ESTIMATE = f"""
    SELECT CASE WHEN c.reltuples > 0 AND c.relpages > 0
        THEN c.reltuples / c.relpages
             * (pg_relation_size(c.oid) / current_setting('block_size')::int)
        ELSE 0 END
    FROM pg_class c WHERE c.oid = '{_TABLE}'::regclass
"""


def _frequencies(reply: Any, terms: list[Term]) -> tuple[int, list[int], list[int]]:
    """(indexed replies, the reply's and its siblings' ids, capped df of each term).

    The number of replies is the planner's estimate, counted exactly when that is small.
    """
    counts = "".join(
        f""",
            (SELECT count(*) FROM (SELECT 1 FROM {_TABLE} s
             WHERE replies_search_grams(s.text) @@ %s::tsquery
               AND s.reply_id NOT IN (SELECT id FROM excluded) LIMIT {DF_CAP}) AS c)"""
        for _ in terms
    )
    sql = f"""
        WITH excluded AS MATERIALIZED (
            SELECT id FROM replies_reply
            WHERE id = %s OR (session_id = %s AND number = %s)
        ), estimate AS MATERIALIZED ({_ESTIMATE})
        SELECT
            (SELECT CASE WHEN e.n >= {EXACT_SIZE_BELOW} THEN e.n::bigint ELSE
                (SELECT count(*) FROM (SELECT 1 FROM {_TABLE} LIMIT {EXACT_SIZE_BELOW}) AS x)
             END FROM estimate AS e(n)),
            ARRAY(SELECT id FROM excluded){counts}
    """
    session_id = getattr(reply, "session_id", None)
    number = getattr(reply, "number", "") or None
    params: list[Any] = [reply.pk, session_id if number else None, number]
    params += [term.tsquery for term in terms]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0), list(row[1]), [int(c) for c in row[2:]]


def _candidates(tsquery: str, excluded: list[int], limit: int) -> list[int]:
    sql = f"""
        SELECT reply_id FROM {_TABLE}
        WHERE replies_search_grams(text) @@ %s::tsquery AND reply_id <> ALL(%s)
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, excluded, limit])
        return [row[0] for row in cursor.fetchall()]


def _memberships(terms: list[Term], ids: list[int]) -> dict[int, list[bool]]:
    """For each candidate, which terms its search text holds (literally): a primary-key read
    of at most CANDIDATES rows, never a gram computation."""
    tests = ", ".join("strpos(text, %s) > 0" for _ in terms)
    sql = f"SELECT reply_id, {tests} FROM {_TABLE} WHERE reply_id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(t.text for t in terms), ids])
        return {row[0]: list(row[1:]) for row in cursor.fetchall()}


@contextmanager
def _index_plans() -> Iterator[None]:
    """Run the block with sequential and plain index scans off (transaction-local).

    ``replies_search_grams(text)`` costs milliseconds a row. With a LIMIT and a common term,
    the planner would rather compute it row by row than read the GIN index: on a sequential
    scan, or walking the primary key with the gram condition as a filter (a common
    three-character term took 48 s that way at 10,000 replies, see migration 0008). With both
    off, only bitmap scans remain, and the gram conditions can only come from the GIN index.
    Restored at the end of the block when it runs inside an outer transaction; otherwise the
    commit ends it.
    """
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'),"
            " set_config('enable_seqscan', 'off', true),"
            " set_config('enable_indexscan', 'off', true)"
        )
        seqscan, indexscan = cursor.fetchone()[:2]
        try:
            yield
        finally:
            if outer:
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, true),"
                    " set_config('enable_indexscan', %s, true)",
                    [seqscan, indexscan],
                )


# --------------------------------------------------------------------------------------------
# the look-up


def top_terms(reply: Any) -> tuple[list[Term], list[int]]:
    """The reply's best terms with their frequencies, and the ids to leave out."""
    terms = key_terms(reply.proposal_title or reply.title, reply.body or "", common=is_common)
    n, excluded, dfs = _frequencies(reply, terms)
    scored = []
    for term, df in zip(terms, dfs, strict=True):
        if df <= 0 or df > max(MIN_COMMON_DF, n / MAX_SHARE_INVERSE):
            continue
        scored.append(Term(term.text, term.weight, df, math.log((n + 1) / (df + 1))))
    scored.sort(key=lambda t: (-t.score, t.text))
    return scored[:TOP_TERMS], excluded


def related_ids(reply: Any, limit: int = 5) -> list[int]:
    """Ids of replies related to ``reply``, best first (up to ``3 * limit``, for the caller to
    filter)."""
    return cached(("related", reply.pk, limit), lambda: _related_ids(reply, 3 * limit))


def _related_ids(reply: Any, want: int) -> list[int]:
    with _index_plans():
        terms, excluded = top_terms(reply)
        if not terms:
            return []
        queries = [f"({t.tsquery})" for t in terms]
        ids: list[int] = []
        if len(terms) >= 2:
            pairs = " | ".join(f"({a} & {b})" for a, b in combinations(queries, 2))
            ids = _candidates(pairs, excluded, CANDIDATES)
        if len(ids) < want:
            more = _candidates(" | ".join(queries), excluded + ids, CANDIDATES - len(ids))
            ids += more
    if not ids:
        return []
    held = _memberships(terms, ids)
    scores = {
        i: (sum(t.score for t, has in zip(terms, held[i], strict=True) if has), sum(held[i]))
        for i in ids
        if i in held
    }
    ranked = sorted(scores, key=lambda i: (-round(scores[i][0], 6), -scores[i][1], -i))
    return [i for i in ranked if scores[i][0] > 0][:want]
