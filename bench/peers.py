"""The peer engines of the search benchmark: Tantivy and SQLite FTS5 over the site's own text.

Both peers load exactly what the site searches: ``replies_replysearch.text`` (the compact,
normalised search text of each public reply) with the reply date and the facet fields
(council, year, result class, sector, lead and co-handling departments). Both keep the
literal-recall contract (a reply matches a term when the term occurs in its text):

* **Tantivy** (``tantivy`` package): the text as character unigrams (field ``uni``, no
  positions) and bigrams (field ``bi``, with positions), one token per character offset, so
  a term of one or two characters is one gram and a longer term is the phrase of its
  bigrams at consecutive offsets (the AND of its bigrams, checked literally by the
  positions: an exact count with no text read);
  the jieba words of the text (the site's segmenter, precise mode, without the search-mode
  sub-words of ``tokenize.words``, which cost ten times more) in ``words`` for BM25; fast
  fields for the date and the facets. (Tantivy's own ngram tokenizer gives every gram
  position 0, so the grams are split here, one whitespace-separated token per offset.)
* **SQLite FTS5** (stdlib ``sqlite3``): ``tokenize='trigram'`` over the same text, ``MATCH``
  for terms of three or more characters, ``LIKE '%t%'`` for one- and two-character terms,
  facets in a plain table; a query with only short terms has no FTS5 rank and is ordered
  by date.

Each engine answers a :class:`~bench.queries.BenchQuery` with its count and the ids of the
asked page of 20: relevance is the engine's own ranking (BM25, FTS5 ``rank``), ``newest`` is
reply date descending. :func:`measure` builds both indexes under the bench data dir, times
every query class like the site (``time_calls``, same warm-up) and counts the queries where
an engine's count differs from the site's.
"""

from __future__ import annotations

import datetime
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.measure import time_calls
from bench.queries import QUERY_CLASSES, BenchQuery
from bench.site import PAGE_SIZE, page_number

FACETS = ("council", "year", "result", "sector", "department")
_EPOCH = datetime.date(1970, 1, 1)
#: Characters Tantivy's whitespace tokenizer splits on (Unicode White_Space); the compact
#: search text has none (normalisation makes them spaces and compaction drops spaces).
_RUST_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


@dataclass(frozen=True)
class Doc:
    """One public reply as the peers index it."""

    id: int
    text: str
    date: int  # days since 1970-01-01, -1 without a date
    council: str
    year: int
    result: str
    sector: str
    departments: tuple[str, ...] = field(default=())


def load_corpus() -> list[Doc]:
    """Every indexed public reply of the benchmark database, with its facet values."""
    from replies.models import Reply

    public = Reply.objects.public().filter(search_entry__isnull=False)
    co: dict[int, list[str]] = {}
    through = Reply.co_departments.through.objects.filter(reply__in=public.values("pk"))
    for reply_id, name in through.values_list("reply_id", "department__name").iterator():
        co.setdefault(reply_id, []).append(name)
    rows = public.values_list(
        "id",
        "search_entry__text",
        "reply_date",
        "session__council",
        "session__year",
        "result_class",
        "sector__name",
        "department__name",
    ).order_by("id")
    docs = []
    for pk, text, date, council, year, result, sector, lead in rows.iterator(chunk_size=2000):
        departments = tuple(dict.fromkeys(d for d in (lead, *co.get(pk, ())) if d))
        docs.append(
            Doc(
                id=pk,
                text=text,
                date=(date - _EPOCH).days if date else -1,
                council=council or "",
                year=year or 0,
                result=result or "",
                sector=sector or "",
                departments=departments,
            )
        )
    return docs


def query_terms(q: str) -> list[str]:
    """The AND-ed literal terms of a benchmark query, as the site's parser reads them."""
    from replies.search.parse import parse_query

    parsed = parse_query(q)
    if parsed.excluded or any(len(group) != 1 for group in parsed.groups):
        raise ValueError(f"peers run AND-ed terms only, not OR or NOT: {q!r}")
    return [group[0].text for group in parsed.groups]


def bigrams(term: str) -> list[str]:
    """The bigrams of ``term`` at consecutive offsets (with repeats)."""
    return list(map(str.__add__, term, term[1:]))


# -- Tantivy ------------------------------------------------------------------------------------


class TantivyPeer:
    """The corpus in a Tantivy index: grams for matching, jieba words for BM25."""

    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self._tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=False, fast=True)
        builder.add_text_field("uni", tokenizer_name="whitespace", index_option="basic")
        builder.add_text_field("bi", tokenizer_name="whitespace", index_option="position")
        builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
        builder.add_integer_field("date", indexed=True, fast=True)
        builder.add_integer_field("year", indexed=True, fast=True)
        for name in ("council", "result", "sector", "department"):
            builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
        self.schema = builder.build()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self._searcher: Any = None

    def build(self, docs: list[Doc]) -> None:
        """Index ``docs`` (one commit), then open a searcher."""
        from replies.search.tokenize import get_segmenter, is_wordlike

        tantivy = self._tantivy
        segmenter = get_segmenter()
        writer = self.index.writer()
        for doc in docs:
            bad = _RUST_WHITESPACE.intersection(doc.text)
            if bad:
                raise ValueError(f"reply {doc.id}: search text holds whitespace {sorted(bad)!r}")
            writer.add_document(
                tantivy.Document(
                    id=doc.id,
                    uni=" ".join(doc.text),
                    bi=" ".join(bigrams(doc.text)),
                    words=" ".join(
                        token for token, _, _ in segmenter.tokenize(doc.text) if is_wordlike(token)
                    ),
                    date=doc.date,
                    year=doc.year,
                    council=doc.council,
                    result=doc.result,
                    sector=doc.sector,
                    department=list(doc.departments),
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self._searcher = self.index.searcher()

    def _query(self, query: BenchQuery, rank: bool) -> Any:
        from replies.search.tokenize import query_words

        tantivy = self._tantivy
        Query, Occur, schema = tantivy.Query, tantivy.Occur, self.schema
        clauses = []
        for term in query_terms(query.q):
            if len(term) == 1:
                clauses.append((Occur.Must, Query.term_query(schema, "uni", term)))
            elif len(term) == 2:
                clauses.append((Occur.Must, Query.term_query(schema, "bi", term)))
            else:
                clauses.append((Occur.Must, Query.phrase_query(schema, "bi", bigrams(term))))
            if rank:
                for word in dict.fromkeys(query_words(term)):
                    clauses.append((Occur.Should, Query.term_query(schema, "words", word)))
        for name, value in query.filters:
            if name not in FACETS:
                raise ValueError(f"unknown facet filter {name!r} in {query!r}")
            term_value: Any = int(value) if name == "year" else value
            facet = Query.term_query(schema, name, term_value)
            clauses.append((Occur.Must, Query.const_score_query(facet, 0.0)))
        return Query.boolean_query(clauses)

    def search(self, query: BenchQuery) -> tuple[int, list[int]]:
        """Count and the ids of the asked page (BM25 or newest first)."""
        newest = query.sort == "newest"
        q = self._query(query, rank=not newest)
        order: dict[str, Any] = {"order_by_field": "date"} if newest else {}
        searcher = self._searcher
        first = searcher.search(q, limit=PAGE_SIZE, count=True, **order)
        count = first.count
        page = page_number(query.page, count)
        hits = first.hits
        if page != 1:
            offset = (page - 1) * PAGE_SIZE
            hits = searcher.search(q, limit=PAGE_SIZE, count=False, offset=offset, **order).hits
        return count, [searcher.doc(address)["id"][0] for _, address in hits]

    def close(self) -> None:
        self._searcher = None
        self.index = None


# -- SQLite FTS5 --------------------------------------------------------------------------------


_SQLITE_SCHEMA = """
CREATE TABLE docs (
    id INTEGER PRIMARY KEY, date INTEGER, council TEXT, year INTEGER, result TEXT, sector TEXT
);
CREATE TABLE doc_departments (reply_id INTEGER NOT NULL, name TEXT NOT NULL);
CREATE VIRTUAL TABLE texts USING fts5(text, tokenize = 'trigram case_sensitive 1');
"""
_SQLITE_INDEXES = """
CREATE INDEX docs_date ON docs (date DESC, id DESC);
CREATE INDEX docs_council_year ON docs (council, year);
CREATE INDEX docs_result_sector ON docs (result, sector);
CREATE INDEX docs_year ON docs (year);
CREATE INDEX doc_departments_name ON doc_departments (name, reply_id);
"""
_SQLITE_COLUMNS = {
    "council": "docs.council",
    "year": "docs.year",
    "result": "docs.result",
    "sector": "docs.sector",
}


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SqlitePeer:
    """The corpus in one SQLite file: an FTS5 trigram table plus a plain facet table."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA case_sensitive_like = ON")

    def build(self, docs: list[Doc]) -> None:
        """Load ``docs`` into the tables in one transaction, then index and analyse."""
        db = self.db
        db.executescript(_SQLITE_SCHEMA)
        with db:
            db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                ((d.id, d.date, d.council, d.year, d.result, d.sector) for d in docs),
            )
            db.executemany(
                "INSERT INTO doc_departments VALUES (?, ?)",
                ((d.id, name) for d in docs for name in d.departments),
            )
            db.executemany(
                "INSERT INTO texts (rowid, text) VALUES (?, ?)", ((d.id, d.text) for d in docs)
            )
        db.executescript(_SQLITE_INDEXES)
        db.execute("INSERT INTO texts (texts) VALUES ('optimize')")
        db.execute("ANALYZE")
        db.commit()

    def _where(self, query: BenchQuery) -> tuple[str, list[Any], bool]:
        terms = query_terms(query.q)
        long_terms = [t for t in terms if len(t) >= 3]
        conditions: list[str] = []
        params: list[Any] = []
        if long_terms:
            conditions.append("texts MATCH ?")
            params.append(" AND ".join(_fts_phrase(t) for t in long_terms))
        for term in terms:
            if len(term) < 3:
                conditions.append("texts.text LIKE ? ESCAPE '\\'")
                params.append(_like_pattern(term))
        for name, value in query.filters:
            if name == "department":
                conditions.append(
                    "docs.id IN (SELECT reply_id FROM doc_departments WHERE name = ?)"
                )
            elif name in _SQLITE_COLUMNS:
                conditions.append(f"{_SQLITE_COLUMNS[name]} = ?")
            else:
                raise ValueError(f"unknown facet filter {name!r} in {query!r}")
            params.append(int(value) if name == "year" else value)
        return " AND ".join(conditions) or "1", params, bool(long_terms)

    def search(self, query: BenchQuery) -> tuple[int, list[int]]:
        """Count and the ids of the asked page (FTS5 rank or newest first)."""
        where, params, matched = self._where(query)
        base = f"FROM texts JOIN docs ON docs.id = texts.rowid WHERE {where}"
        (count,) = self.db.execute(f"SELECT count(*) {base}", params).fetchone()
        if query.sort != "newest" and matched:
            order = "texts.rank, docs.id"
        else:
            order = "docs.date DESC, docs.id DESC"
        offset = (page_number(query.page, count) - 1) * PAGE_SIZE
        rows = self.db.execute(
            f"SELECT docs.id {base} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, PAGE_SIZE, offset],
        ).fetchall()
        return count, [row[0] for row in rows]

    def close(self) -> None:
        self.db.close()


# -- measuring ----------------------------------------------------------------------------------


def dir_size(path: Path) -> int:
    """Bytes of the files under ``path`` (or of the file ``path``)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _engines(peers_dir: Path) -> Iterator[tuple[Callable[[], Any], Path]]:
    yield (lambda: TantivyPeer(peers_dir / "tantivy")), peers_dir / "tantivy"
    yield (lambda: SqlitePeer(peers_dir / "fts5.sqlite3")), peers_dir / "fts5.sqlite3"


def compare_counts(
    items: list[BenchQuery], found: list[int], expected: list[int]
) -> list[dict[str, Any]]:
    """The queries whose peer count differs from the site's count."""
    return [
        {"query": q.as_dict(), "site": want, "peer": got}
        for q, got, want in zip(items, found, expected, strict=True)
        if got != want
    ]


def measure(
    queries: dict[str, list[BenchQuery]],
    site_counts: dict[str, list[int]],
    peers_dir: Path,
    log: Callable[[str], None] = print,
    budget_s: float = 180,
) -> dict[str, Any]:
    """Build both peers under ``peers_dir``, time every class, compare counts with the site.

    ``site_counts[kind][i]`` is the site's count for ``queries[kind][i]``. A class stops
    after ``budget_s`` seconds (as the baseline does; ``n`` says how many queries ran, and
    the counts of those are compared).
    """
    if peers_dir.exists():
        shutil.rmtree(peers_dir)
    started = time.perf_counter()
    docs = load_corpus()
    out: dict[str, Any] = {
        "replies": len(docs),
        "load_s": round(time.perf_counter() - started, 2),
        "engines": {},
        "search": {kind: {} for kind in QUERY_CLASSES},
    }
    versions = {"tantivy": metadata.version("tantivy"), "sqlite": sqlite3.sqlite_version}
    for make, path in _engines(peers_dir):
        engine = make()
        t0 = time.perf_counter()
        engine.build(docs)
        build_s = round(time.perf_counter() - t0, 2)
        out["engines"][engine.name] = {
            "version": versions[engine.name],
            "build_s": build_s,
            "size": dir_size(path),
        }
        log(f"peer {engine.name}: built in {build_s} s, {dir_size(path):,} bytes")
        for kind in QUERY_CLASSES:
            items = queries[kind]
            timed = time_calls(engine.search, items, warmup=min(20, len(items)), budget_s=budget_s)
            counts = [count for count, _ in timed.extra]
            ran = len(counts)
            mismatches = compare_counts(items[:ran], counts, site_counts[kind][:ran])
            out["search"][kind][engine.name] = {
                **timed.summary(),
                "mismatches": len(mismatches),
                "mismatch_examples": mismatches[:3],
            }
            log(f"peer {engine.name} {kind}: {out['search'][kind][engine.name]}")
        engine.close()
    return out
