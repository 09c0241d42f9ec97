"""Related replies: the public replies that share the most distinctive words of a reply's topic.

"More like this" as a search engine does it, on the search index's GIN indexes, with a bounded
amount of work per reply page whatever the number of replies:

1. **Key terms** (no query): the jieba words (2–12 characters, holding a Chinese character or
   three Latin letters; no numbers) of the proposal title (weight :data:`TITLE_WEIGHT` each)
   and of the first :data:`BODY_CHARS` characters of the body (weight ``log(1 + tf)``); the
   :data:`MAX_TERMS` heaviest. On a large index, terms a sample of search texts shows as
   common (``stats.is_common``) are left out.
2. **Postings** (one statement): for each term, the *other* replies (not this one, not the
   other replies to the same proposal) that hold it, from the word index (a word of three or
   more characters) or the gram index (a two-character word, one gram), at most
   :data:`DF_CAP` of them; and the number of indexed replies (from ``pg_class``).
3. **Top terms**: weight × idf, ``idf = log((N + 1) / (df + 1))`` with ``df`` the length of the
   list; a term no other reply holds, or more than one reply in :data:`MAX_SHARE_INVERSE`
   holds (and more than :data:`MIN_COMMON_DF`), is dropped; the best :data:`TOP_TERMS` are
   kept.
4. **Candidates and scores** (in Python, plus one statement at most): a reply's score is the
   sum of weight × idf of the top terms it holds, read off the lists; the :data:`SCORED` best
   holding at least two terms are kept, and when a term's list was cut at :data:`DF_CAP`, a
   primary-key read of those few rows (``strpos`` on their search text) completes it.

In step 2 every gram condition comes from the GIN index: the gram indexes keep no planner
statistics (migration 0018), so at the default selectivity of ``@@`` the planner reads them
with bitmap scans and never computes the gram function row by row.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from replies.search import stats, tokenize
from replies.search.cache import cached
from replies.search.schema import TABLE

#: Characters of the body read for key terms.
BODY_CHARS = 20_000
#: Weight of a word of the proposal title (a body word weighs log(1 + its count)).
TITLE_WEIGHT = 3.0
#: Terms whose replies are looked up.
MAX_TERMS = 16
#: Terms that select and score candidates.
TOP_TERMS = 8
#: Counting a term's replies stops here (such a term is common; its idf is at most
#: log(N / DF_CAP)).
DF_CAP = 1000
#: A term held by more than one reply in this many (and by more than MIN_COMMON_DF) is not a
#: topic word.
MAX_SHARE_INVERSE = 4
MIN_COMMON_DF = 3
#: Candidates (by what the postings say) whose texts complete the scores of capped terms.
SCORED = 60
#: Below this many indexed replies the gram statistics are not used (too few to mean much).
STATS_MIN_REPLIES = 5000
#: Below this many indexed replies (by the planner's estimate) they are counted exactly.
EXACT_SIZE_BELOW = 20_000
#: Statements one look-up runs at most, as Django counts them: BEGIN (or SAVEPOINT), the planner
#: setting, frequencies, candidates (two), the setting's restoring inside an outer transaction,
#: COMMIT (or RELEASE), memberships, the index generation when the cache is on, and the size
#: estimate (once in stats.MAX_AGE seconds).
MAX_STATEMENTS = 10
MIN_CHARS, MAX_CHARS = 2, 12

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
    def condition(self) -> tuple[str, str]:
        """SQL (on alias ``s``) and its parameter: the entries that hold the term, by index.

        A word of three or more characters is a lexeme of the word index (``words``), whose
        posting list is exactly its replies; a two-character word is one gram of the gram
        index (the word index keeps no two-character words).
        """
        if len(self.text) >= 3:
            return "s.words @@ %s::tsquery", tokenize.tsquery_literal(self.text)
        return "replies_search_grams(s.text) @@ %s::tsquery", tokenize.tsquery_literal(self.text)


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
    # ``common`` is asked heaviest first until ``limit`` terms are kept, not for every word of
    # the body: each answer scans the sampled texts (a reply has hundreds of distinct words).
    kept: list[Term] = []
    for text, weight in ranked:
        if len(kept) == limit:
            break
        if common is None or not common(text):
            kept.append(Term(text, weight))
    return kept


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
    """A term in many replies (``stats.is_common``), on a large index."""
    return index_size() >= STATS_MIN_REPLIES and stats.is_common(term)


# --------------------------------------------------------------------------------------------
# statements


_ESTIMATE = f"""
    SELECT CASE WHEN c.reltuples > 0 AND c.relpages > 0
        THEN c.reltuples / c.relpages
             * (pg_relation_size(c.oid) / current_setting('block_size')::int)
        ELSE 0 END
    FROM pg_class c WHERE c.oid = '{TABLE}'::regclass
"""


def _postings(reply: Any, terms: list[Term]) -> tuple[int, list[int], list[list[int]]]:
    """(indexed replies, the reply's and its siblings' ids, each term's other replies).

    A term's list stops at :data:`DF_CAP` ids (read from the index in its order): shorter
    means complete. The number of replies is the planner's estimate, counted exactly when
    that is small.
    """
    arrays, params = "", []
    for term in terms:
        condition, param = term.condition
        arrays += f""",
            ARRAY(SELECT s.reply_id FROM {TABLE} s WHERE {condition}
                  AND s.reply_id NOT IN (SELECT id FROM excluded) LIMIT {DF_CAP})"""
        params.append(param)
    sql = f"""
        WITH excluded AS MATERIALIZED (
            SELECT id FROM replies_reply
            WHERE id = %s OR (session_id = %s AND number = %s)
        ), estimate AS MATERIALIZED ({_ESTIMATE})
        SELECT
            (SELECT CASE WHEN e.n >= {EXACT_SIZE_BELOW} THEN e.n::bigint ELSE
                (SELECT count(*) FROM (SELECT 1 FROM {TABLE} LIMIT {EXACT_SIZE_BELOW}) AS x)
             END FROM estimate AS e(n)),
            ARRAY(SELECT id FROM excluded){arrays}
    """
    session_id = getattr(reply, "session_id", None)
    number = getattr(reply, "number", "") or None
    with connection.cursor() as cursor:
        cursor.execute(sql, [reply.pk, session_id if number else None, number, *params])
        row = cursor.fetchone()
    return int(row[0] or 0), list(row[1]), [list(ids) for ids in row[2:]]


def _memberships(terms: list[Term], ids: list[int]) -> dict[int, list[bool]]:
    """For each of a few candidates, which of ``terms`` its search text holds (literally): a
    primary-key read of at most :data:`SCORED` rows, never a gram computation."""
    tests = ", ".join("strpos(text, %s) > 0" for _ in terms)
    sql = f"SELECT reply_id, {tests} FROM {TABLE} WHERE reply_id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(t.text for t in terms), ids])
        return {row[0]: list(row[1:]) for row in cursor.fetchall()}


# --------------------------------------------------------------------------------------------
# the look-up


def top_terms(reply: Any) -> tuple[list[Term], list[list[int]]]:
    """The reply's best terms (with df and idf), each with its other replies, best first."""
    terms = key_terms(reply.proposal_title or reply.title, reply.body or "", common=is_common)
    n, _excluded, postings = _postings(reply, terms)
    scored = []
    for term, ids in zip(terms, postings, strict=True):
        df = len(ids)
        if df == 0 or df > max(MIN_COMMON_DF, n / MAX_SHARE_INVERSE):
            continue
        idf = math.log((n + 1) / (df + 1))
        scored.append((Term(term.text, term.weight, df, idf), ids))
    scored.sort(key=lambda item: (-item[0].score, item[0].text))
    best = scored[:TOP_TERMS]
    return [term for term, _ in best], [ids for _, ids in best]


def related_ids(reply: Any, limit: int = 5) -> list[int]:
    """Ids of replies related to ``reply``, best first (up to ``3 * limit``, for the caller to
    filter)."""
    return cached(("related", reply.pk, limit), lambda: _related_ids(reply, 3 * limit))


def _related_ids(reply: Any, want: int) -> list[int]:
    terms, postings = top_terms(reply)
    # what the postings say: complete for a term under DF_CAP replies, a part otherwise
    scores: dict[int, float] = {}
    shared: Counter[int] = Counter()
    for term, ids in zip(terms, postings, strict=True):
        for i in ids:
            scores[i] = scores.get(i, 0.0) + term.score
            shared[i] += 1
    if not scores:
        return []
    pool = [i for i in scores if shared[i] >= 2] or list(scores)
    pool.sort(key=lambda i: (-scores[i], -i))
    pool = pool[:SCORED]
    partial = [k for k, ids in enumerate(postings) if len(ids) >= DF_CAP]
    if partial:
        # the capped terms' lists may miss some candidates: ask their texts
        capped = [terms[k] for k in partial]
        held = _memberships(capped, pool)
        lists = [set(postings[k]) for k in partial]
        for i in pool:
            for term, has, listed in zip(capped, held.get(i, []), lists, strict=True):
                if has and i not in listed:
                    scores[i] += term.score
                    shared[i] += 1
    ranked = sorted(pool, key=lambda i: (-round(scores[i], 6), -shared[i], -i))
    return ranked[:want]
