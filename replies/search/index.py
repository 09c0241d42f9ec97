"""Build and keep the search entries of replies.

Entry points:

* :func:`index_reply` / :func:`index_replies`: (re)build the entries of some replies now.
  A reply that is not public loses its entry, so nothing unpublished is ever searchable.
* :func:`schedule`: index when the current transaction commits (used by the signals in
  ``replies.search.signals``: every save, edit and ingest of a reply is indexed that way).
* :func:`deferred`: a context manager for bulk loads; saves inside it are indexed in batches
  of :data:`BATCH` instead of one by one.
* :func:`reindex_all`: rebuild everything (``manage.py reindex``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Max

from replies.models import Reply
from replies.search import tokenize
from replies.search.models import (
    ReplySearch,
    ReplySearchChunk,
    UserDictionaryTerm,
)
from replies.search.parse import MAX_QUERY_CHARS
from replies.search.schema import GRAMS_MAX_BYTES

#: Characters per chunk of a very long reply (4 bytes a character at most: under the limit).
CHUNK_CHARS = GRAMS_MAX_BYTES // 5
#: Consecutive chunks share this many characters, so any query term lies inside one chunk.
CHUNK_OVERLAP = MAX_QUERY_CHARS - 1
#: Word lexemes kept per reply (a tsvector must stay under 1 MB).
MAX_WORDS = 20_000
#: Occurrence tiers marked in the word vector: a reply holding a word at least 4, 8 or 16
#: times carries ``word\x1f4`` … (the separator never occurs in a query term).
TIERS = (4, 8, 16)
TIER_MARK = "\x1f"
BATCH = 200


@dataclass
class Entry:
    """What the index stores for one reply."""

    reply_id: int
    text: str
    head: str
    words: str
    chunks: list[str] = field(default_factory=list)
    reply_date: date | None = None
    number_int: int | None = None
    facets: tuple = ()


#: The reply fields a search row copies for the filters and facets (``ReplySearch``), in the
#: order of :attr:`Entry.facets`, then the co-handling units.
FACET_COLUMNS = (
    "number",
    "session_id",
    "department_id",
    "sector_id",
    "proposer",
    "result_class",
    "doc_kind",
    "co_department_ids",
)


def facet_values(reply: Reply) -> tuple:
    """The values of :data:`FACET_COLUMNS` for one reply (its co-departments prefetched)."""
    co = sorted({d.pk for d in reply.co_departments.all()} - {reply.department_id})
    return (
        reply.number,
        reply.session_id,
        reply.department_id,
        reply.sector_id,
        reply.proposer,
        reply.result_class,
        reply.doc_kind,
        co,
    )


def number_label(reply: Reply) -> str:
    """The proposal number as titles print it (第005号)."""
    return f"第{reply.number}号" if reply.number else ""


def segments(reply: Reply) -> list[str]:
    """The indexed fields of a reply, in order (the recall contract covers every one)."""
    parts = [reply.title, reply.proposal_title]
    if reply.department is not None:
        parts.append(reply.department.name)
        parts.extend(alias.name for alias in reply.department.aliases.all())
    parts.extend(d.name for d in reply.co_departments.all())
    parts.append(reply.proposer)
    if reply.sector is not None:
        parts.append(reply.sector.name)
    parts.append(reply.signer)
    parts.append(number_label(reply))
    if reply.session is not None:
        parts.append(str(reply.session))
    parts.append(reply.body)
    return [p for p in parts if p]


def tier_lexeme(word: str, tier: int) -> str:
    """The word-vector mark of "``word`` occurs at least ``tier`` times in this reply"."""
    return f"{word}{TIER_MARK}{tier}"


def word_lexemes(parts: Iterable[str]) -> list[str]:
    """The word vector's lexemes: distinct word tokens of three or more characters (the
    exact-token shortcut of matching), then occurrence tiers of words of two or more
    characters (ranking: see ``ranking.tier_sets``)."""
    counts: Counter[str] = Counter()
    for part in parts:
        counts.update(tokenize.long_words(part, 2))
    words = [word for word in counts if len(word) >= 3][:MAX_WORDS]
    tiers = [tier_lexeme(word, tier) for word, n in counts.items() for tier in TIERS if n >= tier]
    return words + tiers[:MAX_WORDS]


def chunk_text(text: str) -> list[str]:
    """Cut a long search text into overlapping chunks (empty list when one row suffices)."""
    if len(text.encode("utf-8")) <= GRAMS_MAX_BYTES:
        return []
    step = CHUNK_CHARS - CHUNK_OVERLAP
    return [text[i : i + CHUNK_CHARS] for i in range(0, max(len(text) - CHUNK_OVERLAP, 1), step)]


def build_entry(reply: Reply) -> Entry:
    """Compute the search entry of a reply (no database writes)."""
    parts = segments(reply)
    text = tokenize.search_text(parts)
    words = " ".join(tokenize.tsquery_literal(w) for w in word_lexemes(parts))
    return Entry(
        reply_id=reply.pk,
        text=text,
        head=tokenize.search_text([reply.title, reply.proposal_title]),
        words=words,
        chunks=chunk_text(text),
        reply_date=reply.reply_date,
        number_int=reply.number_int,
        facets=facet_values(reply),
    )


def _load(ids: list[int]) -> list[Reply]:
    return list(
        Reply.objects.public()
        .filter(pk__in=ids)
        .select_related("department", "sector", "session")
        .prefetch_related("department__aliases", "co_departments")
    )


def index_replies(ids: Iterable[int], force: bool = False) -> int:
    """(Re)build the entries of these replies now; returns how many public ones were indexed.

    An entry that would not change is left alone unless ``force`` (rewrite every row).
    """
    ensure_dictionary()
    ids = sorted({int(i) for i in ids if i})
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        entries = [build_entry(reply) for reply in _load(batch)]
        _write(batch, entries, force)
        done += len(entries)
    return done


def index_reply(reply: Reply | int) -> bool:
    """(Re)build one reply's entry now; False when the reply is not public (entry removed)."""
    return index_replies([reply if isinstance(reply, int) else reply.pk]) == 1


#: The columns an entry writes besides its id, in the order of :func:`_row`.
_COLUMNS = ("text", "head", "words", "chunked", "reply_date", "number_int", *FACET_COLUMNS)


def _row(e: Entry) -> tuple:
    return (
        e.reply_id,
        e.text,
        e.head,
        e.words,
        bool(e.chunks),
        e.reply_date,
        e.number_int,
        *e.facets,
    )


_INSERT = (
    f"INSERT INTO replies_replysearch (reply_id, {', '.join(_COLUMNS)}, indexed_at)"
    f" VALUES (%s, {', '.join('%s::tsvector' if c == 'words' else '%s' for c in _COLUMNS)}, now())"
    f" ON CONFLICT (reply_id) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in _COLUMNS)},"
    " indexed_at = now()"
)
# An unchanged entry is left as it is: no new row version, no index update (a reindex of an
# index that is already current only reads).
_CHANGED = (
    f" WHERE ({', '.join(f'replies_replysearch.{c}' for c in _COLUMNS)})"
    f" IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in _COLUMNS)})"
)


@transaction.atomic
def _write(batch: list[int], entries: list[Entry], force: bool = False) -> None:
    kept = {e.reply_id for e in entries}
    ReplySearch.objects.filter(reply_id__in=[i for i in batch if i not in kept]).delete()
    ReplySearchChunk.objects.filter(entry_id__in=batch).delete()
    if not entries:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT + ("" if force else _CHANGED), [_row(e) for e in entries])
    ReplySearchChunk.objects.bulk_create(
        ReplySearchChunk(entry_id=e.reply_id, ordinal=k, text=chunk)
        for e in entries
        for k, chunk in enumerate(e.chunks)
    )


def reindex_all(progress: Callable[[int], None] | None = None, force: bool = False) -> int:
    """Rebuild every entry (rewriting unchanged ones only with ``force``); remove entries of
    replies that are no longer public."""
    ensure_dictionary(max_age=0)
    public = set(Reply.objects.public().values_list("pk", flat=True))
    stale = set(ReplySearch.objects.values_list("reply_id", flat=True)) - public
    ReplySearch.objects.filter(reply_id__in=stale).delete()
    ids = sorted(public)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        index_replies(batch, force)
        if progress:
            progress(len(batch))
    return len(ids)


# --------------------------------------------------------------------------------------------
# scheduling


class _State(threading.local):
    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.deferred: set[int] | None = None


_state = _State()


def schedule(ids: Iterable[int]) -> None:
    """Index these replies when the current transaction commits (at once outside one)."""
    ids = {int(i) for i in ids if i}
    if not ids:
        return
    if _state.deferred is not None:
        _state.deferred |= ids
        return
    _state.pending |= ids
    transaction.on_commit(_flush)


def _flush() -> None:
    ids, _state.pending = _state.pending, set()
    if ids:
        index_replies(ids)


@contextmanager
def deferred() -> Iterator[Callable[[], None]]:
    """Collect the replies saved inside the block and index them in batches.

    Yields ``flush``: call it between transactions (e.g. after each file of a batch import)
    to index the collected replies once :data:`BATCH` of them are waiting; the rest are
    indexed when the block ends. Until then, a collected reply is saved but not yet
    searchable (``reindex`` repairs an interrupted run).
    """
    outer = _state.deferred
    _state.deferred = set() if outer is None else outer

    def flush() -> None:
        pending = _state.deferred
        if outer is None and pending is not None and len(pending) >= BATCH:
            index_replies(pending)
            pending.clear()

    try:
        yield flush
    finally:
        ids = _state.deferred
        _state.deferred = outer
        if outer is None and ids:
            index_replies(ids)


# --------------------------------------------------------------------------------------------
# the staff-edited dictionary


class _Dictionary:
    checked = 0.0
    version: tuple | None = None


def ensure_dictionary(max_age: float = 30.0) -> None:
    """Load the staff-edited dictionary terms when they changed (checked every max_age s)."""
    now = time.monotonic()
    if _Dictionary.version is not None and now - _Dictionary.checked < max_age:
        return
    _Dictionary.checked = now
    stats = UserDictionaryTerm.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    version = (stats["n"], stats["last"])
    if version != _Dictionary.version:
        tokenize.set_extra_terms(UserDictionaryTerm.objects.values_list("term", flat=True))
        _Dictionary.version = version


def dictionary_changed(*terms: str) -> None:
    """After a term is added, edited or removed: reload it and re-index the replies it is in.

    Adding or removing a word can only change the segmentation of text that contains it, and
    the character index finds exactly those replies. An edit passes the old and the new word.
    """

    def run() -> None:
        from replies.search.matching import replies_containing

        ensure_dictionary(max_age=0)
        index_replies({pk for term in terms for pk in replies_containing(term)})

    transaction.on_commit(run)
