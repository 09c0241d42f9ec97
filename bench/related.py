"""Related replies at scale: time, plan and topical precision of ``replies.search.related``.

    python bench/related.py --replies 100000 --load      # build var/bench-related-N (once)
    python bench/related.py --replies 100000             # measure

``--load`` builds its own database (``var/bench-related-N``, its own embedded PostgreSQL
server) from the benchmark generator's specs directly, without parsing files: replies are
inserted in bulk and indexed by the real indexer (``index_replies``) with the search table's
GIN indexes dropped, which are then built once (about 15 minutes for the gram index at
100,000 on 2 shared cores), then ``VACUUM ANALYZE``. That is much faster than
``bench/run.py``'s full ingest and gives the same search index. ``--resume`` continues an
interrupted load. Each reply keeps its generated topic in ``source_meta["topic"]``.

Measuring times ``related()`` alone and the whole reply page (Django test client, ``DEBUG``
off) for ``--samples`` random public replies, reports the share of related replies that share
the reply's topic (precision), keeps the ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest
related look-up, and prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import site
from bench.generate import DEFAULT_SEED, CorpusGenerator

DISCLOSURES = {
    "公开发布": "public",
    "依申请公开": "on_request",
    "不予公开": "withheld",
    None: "unknown",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


_GIN_INDEXES = """
    SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename IN ('replies_replysearch', 'replies_replysearchchunk')
      AND indexdef LIKE '%USING gin%'
"""


def _drop_gin_indexes() -> list[str]:
    """Drop the search table's GIN indexes (a bulk load then builds them once, much faster
    than updating them row by row); returns their definitions."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_GIN_INDEXES)
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _create_indexes(definitions: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in definitions:
            log(definition)
            cursor.execute(definition)


def load(n: int, seed: int, batch: int = 1000, resume: bool = False) -> dict[str, Any]:
    from django.db.models import IntegerField, Max
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from replies.models import Department, Reply, Sector, Session, Status
    from replies.search.index import index_replies

    first = 0
    if resume:
        last = Reply.objects.aggregate(last=Max(Cast(KT("source_meta__bench"), IntegerField())))[
            "last"
        ]
        first = 0 if last is None else int(last) + 1
        log(f"resuming at reply {first:,}")
    else:
        site.reset_database()
    definitions = _drop_gin_indexes()
    gen = CorpusGenerator(seed)
    sessions: dict[tuple, Session] = {}
    departments: dict[str, Department] = {}
    sectors: dict[str, Sector] = {}
    started = time.perf_counter()
    done = 0
    seen: set[tuple] = _natural_keys() if resume else set()
    for start in range(first, n, batch):
        rows = []
        for generated in gen.replies(min(batch, n - start), start):
            spec = generated.spec
            key = (spec["council"], spec["term"], spec["session"])
            if key not in sessions:
                sessions[key] = Session.objects.get_or_create(
                    council=key[0],
                    term=key[1],
                    number=key[2],
                    defaults={"year": int(spec["date"][:4])},
                )[0]
            name = spec["department"]
            if name not in departments:
                departments[name] = Department.match_or_create(name)
            sector = spec["sector"]
            if sector and sector not in sectors:
                sectors[sector] = Sector.objects.get_or_create(name=sector)[0]
            natural = (key, spec["number"], name, spec["doc_kind"])
            if natural in seen:
                continue
            seen.add(natural)
            digits = re.sub(r"\D", "", spec["number"])[-9:]
            rows.append(
                Reply(
                    session=sessions[key],
                    number=spec["number"],
                    number_int=int(digits) if digits else None,
                    doc_kind=spec["doc_kind"],
                    title=spec["title"][:300],
                    proposal_title=spec["proposal_title"][:300],
                    proposer=spec["proposer"][:200],
                    sector=sectors.get(sector) if sector else None,
                    department=departments[name],
                    result_label=spec["result"] or "",
                    result_class=spec["result_class"] or "",
                    signer=spec["signer"],
                    reply_date=datetime.date.fromisoformat(spec["date"]),
                    disclosure=DISCLOSURES.get(spec["disclosure"], "unknown"),
                    body="\n".join(spec["paragraphs"]),
                    status=Status.PUBLISHED,
                    is_sample=True,
                    source_meta={"topic": generated.topic, "bench": generated.index},
                )
            )
        created = Reply.objects.bulk_create(rows)
        index_replies([r.pk for r in created])
        done += len(rows)
        rate = done / (time.perf_counter() - started)
        log(f"{start + len(rows):,} replies loaded ({rate:.0f}/s)")
    log("building the GIN indexes")
    _create_indexes(definitions)
    seconds = time.perf_counter() - started
    log("VACUUM ANALYZE")
    site.vacuum_analyze()
    return {"replies": Reply.objects.count(), "load_s": round(seconds, 1)}


def _natural_keys() -> set[tuple]:
    from replies.models import Reply

    return {
        ((c, t, s), number, department, kind)
        for c, t, s, number, department, kind in Reply.objects.values_list(
            "session__council",
            "session__term",
            "session__number",
            "number",
            "department__name",
            "doc_kind",
        )
    }


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)

    def at(p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 2)

    return {
        "n": len(values),
        "p50": at(0.5),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(values[-1], 2),
        "mean": round(statistics.fmean(values), 2),
    }


def metadata_related(reply: Any, limit: int = 5) -> list[int]:
    """The former related list, for comparison: same sector and/or department, newest."""
    from django.db.models import Case, F, Q, Value, When

    from replies.models import Reply

    same = Q(sector_id=reply.sector_id) | Q(department_id=reply.department_id)
    score = Case(When(sector_id=reply.sector_id, then=Value(1)), default=0) + Case(
        When(department_id=reply.department_id, then=Value(1)), default=0
    )
    others = Reply.objects.public().exclude(session_id=reply.session_id, number=reply.number)
    return list(
        others.filter(same)
        .annotate(similarity=score)
        .order_by("-similarity", F("reply_date").desc(nulls_last=True), "-id")
        .values_list("pk", flat=True)[:limit]
    )


def same_topic_share(reply: Any, ids: list[int]) -> float | None:
    from replies.models import Reply

    if not ids:
        return None
    topics = dict(Reply.objects.filter(pk__in=ids).values_list("pk", "source_meta__topic"))
    return sum(1 for i in ids if topics.get(i) == reply.source_meta.get("topic")) / len(ids)


def explain(statements: list[str]) -> list[list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the look-up's queries."""
    from django.db import connection

    plans = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "set_config" in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append([row[0] for row in cursor.fetchall()])
    return plans


def measure(samples: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from replies.browse import permalink
    from replies.models import Reply
    from replies.search import related

    public = Reply.objects.public()
    ids = sorted(public.values_list("pk", flat=True))
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(samples, len(ids)))
    replies = {r.pk: r for r in public.filter(pk__in=chosen)}
    client = Client()
    for pk in chosen[:5]:  # warm up: segmenter, statistics, connection
        client.get(permalink(replies[pk]))
    look_up, pages, page_queries, precision, found = [], [], [], [], []
    old_ms, old_precision = [], []
    slowest: tuple[float, list[str]] = (0.0, [])
    for pk in chosen:
        reply = replies[pk]
        # the page as a visitor gets it the first time (related not cached yet)
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(permalink(reply)).status_code
        pages.append((time.perf_counter() - t0) * 1000)
        page_queries.append(len(ctx))
        assert status == 200, (pk, status)
        # the look-up alone, without the cache
        with override_settings(SEARCH_CACHE_SECONDS=0), CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            got = related.related_ids(reply, limit=5)
            ms = (time.perf_counter() - t0) * 1000
        look_up.append(ms)
        if ms > slowest[0]:
            slowest = (ms, [q["sql"] for q in ctx.captured_queries])
        shown = got[:5]
        found.append(len(shown))
        if (share := same_topic_share(reply, shown)) is not None:
            precision.append(share)
        t0 = time.perf_counter()
        old = metadata_related(reply)
        old_ms.append((time.perf_counter() - t0) * 1000)
        if (share := same_topic_share(reply, old)) is not None:
            old_precision.append(share)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM replies_replysearch")
        indexed = cursor.fetchone()[0]
    return {
        "indexed_replies": indexed,
        "related_ms": percentiles(look_up),
        "reply_page_ms": percentiles(pages),
        "reply_page_queries": {"min": min(page_queries), "max": max(page_queries)},
        "related_shown": percentiles([float(f) for f in found]),
        "same_topic_share": round(statistics.fmean(precision), 3) if precision else None,
        "metadata_related_ms": percentiles(old_ms),
        "metadata_same_topic_share": round(statistics.fmean(old_precision), 3),
        "slowest_ms": round(slowest[0], 2),
        "slowest_plans": explain(slowest[1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--load", action="store_true", help="build the database first")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted load")
    parser.add_argument("--load-only", action="store_true", help="build, do not measure")
    parser.add_argument("--data-dir", type=Path, help="default: var/bench-related-N")
    args = parser.parse_args()
    data_dir = args.data_dir or site.ROOT / "var" / f"bench-related-{args.replies}"
    site.setup(data_dir)
    out: dict[str, Any] = {"replies": args.replies}
    if args.load:
        out["load"] = load(args.replies, args.seed, resume=args.resume)
    if args.load_only:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # the functions of this checkout
    out.update(measure(args.samples, args.seed))
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
