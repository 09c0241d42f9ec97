"""The benchmark's doors into the archive: the same ingest, index, query and page code the site
runs, a private database, and the naive baseline.

Importing this module does not touch Django; :func:`setup` points the settings at a separate
data directory (its own embedded PostgreSQL server) first, so a benchmark can never touch the
development database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.queries import BenchQuery

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 20


def setup(data_dir: Path) -> None:
    """Configure Django for a benchmark data directory and start its database server."""
    os.environ["ARCHIVE_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.pop("DATABASE_URL", None)
    # Production settings: no per-query debug bookkeeping, compressed static manifest.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment-0")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    # The benchmark is one client asking as fast as it can: no per-client rate limits.
    os.environ["ARCHIVE_RATELIMIT_ENABLED"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import sys
    import warnings

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import django

        django.setup()


def reset_database() -> None:
    """Drop and recreate the benchmark database, migrate it and collect static files."""
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    db = settings.DATABASES["default"]
    # The embedded backend starts the server, and fills HOST and PORT, on first connection.
    connections["default"].ensure_connection()
    connections.close_all()
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{db['NAME']}\" ENCODING 'UTF8' TEMPLATE template0")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def database_settings() -> dict[str, str]:
    """Server facts and the planner settings in force."""
    from django.db import connection

    out: dict[str, str] = {}
    with connection.cursor() as cursor:
        for name in (
            "server_version",
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "max_parallel_workers_per_gather",
            "jit",
            "random_page_cost",
        ):
            cursor.execute(f"SHOW {name}")
            out[name] = cursor.fetchone()[0]
    return out


# -- loading ------------------------------------------------------------------------------------


def files_not_loaded(corpus_dir: Path) -> list[Path]:
    """The corpus files whose content is not in the database yet (by SHA-256)."""
    import hashlib

    from replies.ingest.batch import iter_files
    from replies.models import Reply

    loaded = set(Reply.objects.values_list("source_sha256", flat=True))
    return [
        path
        for path in iter_files([corpus_dir])
        if hashlib.sha256(path.read_bytes()).hexdigest() not in loaded
    ]


def ingest(
    corpus_dir: Path,
    progress: Callable[[Any], None] | None = None,
    jobs: int = 1,
    files: list[Path] | None = None,
) -> dict[str, Any]:
    """Ingest every file under ``corpus_dir`` through the real pipeline, published.

    As ``manage.py ingest --publish --fast-commit`` does: commits do not wait for the WAL flush.
    """
    from replies.ingest.batch import ingest_paths, iter_files

    files = iter_files([corpus_dir]) if files is None else files
    started = time.perf_counter()
    summary = ingest_paths(
        [corpus_dir], publish=True, files=files, on_result=progress, jobs=jobs, durable=False
    )
    seconds = time.perf_counter() - started
    return {
        "files": len(files),
        "created": summary.created,
        "skipped": summary.skipped,
        "conflicts": summary.conflicts,
        "rejected": len(summary.rejected),
        "rejected_examples": summary.rejected[:5],
        "warnings": summary.warnings,
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "replies_per_s": round(summary.created / seconds, 1) if seconds else None,
    }


def has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def reindex() -> float | None:
    """Seconds ``manage.py reindex`` takes, or None when the command does not exist yet."""
    from django.core.management import call_command

    if not has_command("reindex"):
        return None
    started = time.perf_counter()
    call_command("reindex", verbosity=0)
    return round(time.perf_counter() - started, 2)


def index_missing() -> int:
    """Index the public replies that have no search entry (left by an interrupted load)."""
    from replies.models import Reply
    from replies.search.index import index_replies

    missing = Reply.objects.public().filter(search_entry__isnull=True).values_list("pk", flat=True)
    return index_replies(list(missing))


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def sizes() -> dict[str, Any]:
    """Database size and the size of every table (with TOAST) and index, largest first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT c.relname, c.relkind, pg_total_relation_size(c.oid), pg_relation_size(c.oid),
                   COALESCE(pg_indexes_size(c.oid), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')
            ORDER BY pg_total_relation_size(c.oid) DESC
            """
        )
        rows = cursor.fetchall()
    tables = [
        {"name": name, "total": total, "heap": heap, "indexes": idx}
        for name, kind, total, heap, idx in rows
        if kind == "r" and total > 64 * 1024
    ]
    indexes = [{"name": name, "size": total} for name, kind, total, _, _ in rows if kind == "i"][
        :15
    ]
    return {"database": database, "tables": tables[:12], "indexes": indexes}


# -- facets -------------------------------------------------------------------------------------


def facet_params(filters: dict[str, str]) -> dict[str, str]:
    """The site's GET parameters (see replies/filters.py) for filters given by meaning."""
    from replies.models import unicode_slug

    params: dict[str, str] = {}
    for name, value in filters.items():
        if name in ("council", "department", "sector"):
            params[name] = unicode_slug(value)
        else:
            params[name] = value
    return params


def orm_filters(filters: dict[str, str]) -> dict[str, Any]:
    """The same filters as Django ORM lookups (for the baseline)."""
    lookups = {
        "council": "session__council",
        "year": "session__year",
        "result": "result_class",
        "sector": "sector__name",
        "department": "department__name",
    }
    return {lookups[name]: value for name, value in filters.items()}


def terms_of(q: str) -> list[str]:
    """The literal terms of a benchmark query (quoted phrase or space-separated words)."""
    return (
        [t for t in q.replace('"', " ").split() if t] if not q.startswith('"') else [q.strip('"')]
    )


# -- search -------------------------------------------------------------------------------------


def baseline(query: BenchQuery) -> tuple[int, list[int]]:
    """The naive search: body__icontains per term, ordered by date; count and one page."""
    from replies.models import Reply

    qs = Reply.objects.public()
    for term in terms_of(query.q):
        qs = qs.filter(body__icontains=term)
    qs = qs.filter(**orm_filters(dict(query.filters))).order_by("-reply_date", "-id")
    count = qs.count()
    page = page_number(query.page, count)
    offset = (page - 1) * PAGE_SIZE
    return count, list(qs.values_list("id", flat=True)[offset : offset + PAGE_SIZE])


def page_number(page: int, count: int) -> int:
    """The page asked for, or the last page when the corpus is too small to have it."""
    last = max(1, -(-count // PAGE_SIZE))
    return min(page, last)


@contextmanager
def result_cache(on: bool) -> Iterator[None]:
    """Run the block with the search result cache on (emptied first) or off."""
    from django.conf import settings
    from django.core.cache import cache

    saved = settings.SEARCH_CACHE_SECONDS
    settings.SEARCH_CACHE_SECONDS = 300 if on else 0
    cache.clear()
    try:
        yield
    finally:
        settings.SEARCH_CACHE_SECONDS = saved


def site_search() -> Callable[[BenchQuery], tuple[int, list[int]]]:
    """The site's own search (count and one page of ids), as the listing page runs it."""
    from replies.filters import ReplyFilter
    from replies.models import Reply
    from replies.search import search

    def run(query: BenchQuery) -> tuple[int, list[int]]:
        public = Reply.objects.public()
        filterset = ReplyFilter(facet_params(dict(query.filters)), queryset=public)
        outcome = search(filterset.filter_except(public), query.q, query.sort or "relevance")
        count = outcome.count
        offset = (page_number(query.page, count) - 1) * PAGE_SIZE
        return count, [reply.pk for reply in outcome.results[offset : offset + PAGE_SIZE]]

    return run


def explain_slowest(func: Callable[[BenchQuery], Any], query: BenchQuery) -> dict[str, Any]:
    """Run ``func(query)``, then EXPLAIN (ANALYZE, BUFFERS) the slowest SQL statement it sent."""
    from django.db import connection

    statements: list[tuple[float, str, Any]] = []

    def record(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - t0, sql, params))

    with connection.execute_wrapper(record):
        func(query)
    if not statements:
        return {}
    seconds, sql, params = max(statements, key=lambda s: s[0])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "query": query.as_dict(),
        "statements": len(statements),
        "slowest_ms": round(seconds * 1000, 2),
        "sql": sql,
        "plan": plan,
    }
