"""Benchmark the archive at N generated replies.

    python bench/run.py --replies N        # or: make bench REPLIES=N

Steps: generate the corpus as text files (bench/generate.py, cached under the data dir), load
it into a fresh database through the real ingestion pipeline, run ``reindex``, then measure
database and index sizes, search latency per query class against the naive baseline and the
peer engines (Tantivy and SQLite FTS5 over the same text, bench/peers.py), browse,
search and reply page server time with SQL query counts, and the peak RSS of a fresh web
worker. Writes ``bench/results/<date>-<N>.json`` and the table for N in docs/performance.md.

Everything lives in a separate data dir (default ``var/bench-N``) with its own embedded
PostgreSQL server, so a benchmark never touches the development database.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import site
from bench.generate import DEFAULT_SEED, CorpusGenerator
from bench.measure import Timings, machine, time_calls
from bench.queries import QUERY_CLASSES, BenchQuery, build_queries
from bench.report import update_markdown, write_json

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="答复库性能基准测试")
    parser.add_argument("--replies", type=int, default=2000, help="corpus size N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--per-class", type=int, default=500, help="timed queries per class")
    parser.add_argument(
        "--baseline-per-class",
        type=int,
        default=None,
        help="baseline queries per class (default: all up to 2,000 replies, 50 up to 20,000, "
        "else 10; at most 3 minutes per class)",
    )
    parser.add_argument("--page-samples", type=int, default=200, help="requests per page kind")
    parser.add_argument("--worker-requests", type=int, default=400)
    parser.add_argument(
        "--jobs", type=int, default=2, help="ingest parse processes (as manage.py ingest --jobs)"
    )
    parser.add_argument("--data-dir", type=Path, help="default: var/bench-N")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the loaded database and the earlier run's ingest and reindex figures",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the database of an interrupted run and ingest only the files not in it",
    )
    parser.add_argument(
        "--no-reindex",
        action="store_true",
        help="after loading, index only replies that have no entry instead of timing reindex",
    )
    parser.add_argument(
        "--no-peers",
        action="store_true",
        help="skip the peer engines (Tantivy, SQLite FTS5; bench/peers.py)",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="stop after loading (results JSON with the load figures; no timings, no doc)",
    )
    return parser.parse_args(argv)


def ensure_corpus(gen: CorpusGenerator, corpus_dir: Path, n: int) -> float | None:
    """Generate the corpus unless the same one is there; return seconds spent (None: cached)."""
    stamp = corpus_dir / ".stamp.json"
    want = {"replies": n, "seed": gen.seed}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return None
    if corpus_dir.exists():
        for path in sorted(corpus_dir.rglob("*.txt")):
            path.unlink()
    started = time.perf_counter()
    gen.write_txt(corpus_dir, n)
    stamp.write_text(json.dumps(want))
    return round(time.perf_counter() - started, 1)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def load(args: argparse.Namespace, corpus_dir: Path) -> dict[str, Any]:
    """Fresh database, ingest, reindex; the figures of each step."""
    from replies.models import Reply

    out: dict[str, Any] = {}
    if args.reuse and Reply.objects.count() >= args.replies:
        from django.core.management import call_command

        log("reusing the loaded database: migrate only")
        call_command("migrate", verbosity=0, interactive=False)
        out["reused"] = True
        previous = _previous_load(args.results_dir, args.replies)
        if previous is not None:
            out["ingest"], out["reindex_s"], out["ingest_from"] = previous
        return out
    files, resumed_after = None, 0
    if args.resume:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        files = site.files_not_loaded(corpus_dir)
        resumed_after = Reply.objects.count()
        log(f"resuming after {resumed_after:,} loaded replies: {len(files):,} files left")
    else:
        log("resetting the benchmark database")
        site.reset_database()
    log(f"ingesting {args.replies:,} text replies through the pipeline")
    bar = _progress(args.replies)
    out["ingest"] = site.ingest(corpus_dir, progress=bar, jobs=args.jobs, files=files)
    if files is not None:
        out["ingest"]["resumed_after"] = resumed_after
    if bar is not None:
        bar.close()
    log(f"ingest: {out['ingest']}")
    if args.no_reindex:
        out["indexed_missing"] = site.index_missing()
        log(f"indexed {out['indexed_missing']} replies an interrupted load left unindexed")
        return out
    log("reindex")
    out["reindex_s"] = site.reindex()
    return out


def _previous_load(results_dir: Path, n: int) -> tuple[dict[str, Any], Any, str] | None:
    """The ingest and reindex figures of the newest earlier run that loaded this size."""
    for path in sorted(results_dir.glob(f"*-{n}.json"), reverse=True):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "ingest" in data and not data.get("reused"):
            return data["ingest"], data.get("reindex_s"), path.name
    return None


def _progress(total: int) -> Any:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="reply", file=sys.stderr)

    class _Bar:
        def __call__(self, _result: Any) -> None:
            bar.update(1)

        def close(self) -> None:
            bar.close()

    return _Bar()


def measure_search(
    queries: dict[str, list[BenchQuery]],
    baseline_n: int,
    budget_s: float,
    counts: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Latency of the site's search and of the baseline, per query class.

    ``counts``, when given, receives the site's count of every query (for the peers).
    """
    search = site.site_search()
    out: dict[str, Any] = {}
    for kind in QUERY_CLASSES:
        items = queries[kind]
        row: dict[str, Any] = {"examples": [q.as_dict() for q in items[:3]]}
        with site.result_cache(False):
            timed = time_calls(search, items, warmup=min(20, len(items)))
            slowest = items[max(range(len(timed.ms)), key=timed.ms.__getitem__)]
            row["explain"] = site.explain_slowest(search, slowest)
        row["site"] = timed.summary()
        row["hits_median"] = _median_hits(timed)
        if counts is not None:
            counts[kind] = [count for count, _ in timed.extra]
        log(f"search {kind}: {row['site']}")
        # The same queries in the same order with the result cache on, starting empty: only
        # a query repeated within the class is served from it (as repeat traffic would be).
        with site.result_cache(True):
            row["site_cached"] = time_calls(search, items).summary()
        log(f"search {kind}, result cache on: {row['site_cached']}")
        base = time_calls(site.baseline, items[:baseline_n], warmup=1, budget_s=budget_s)
        row["baseline"] = base.summary()
        # The site searches title, proposal title, departments … as well as the body, so it
        # must find at least every reply the body-only baseline finds.
        row["site_finds_baseline"] = all(
            site_count >= base_count
            for (site_count, _), (base_count, _) in zip(timed.extra, base.extra, strict=False)
        )
        log(f"baseline {kind}: {row['baseline']}")
        out[kind] = row
    return out


def _median_hits(timed: Timings) -> int | None:
    counts = [count for count, _ in timed.extra]
    return int(statistics.median(counts)) if counts else None


def search_url(query: BenchQuery) -> str:
    params: dict[str, Any] = {"q": query.q, **site.facet_params(dict(query.filters))}
    if query.sort:
        params["sort"] = query.sort
    if query.page != 1:
        params["page"] = query.page
    return "/?" + urlencode(params)


def page_urls(gen: CorpusGenerator, n: int, samples: int, rng: random.Random) -> dict[str, list]:
    """URLs of the browse, search and reply pages to time."""
    from django.urls import NoReverseMatch, reverse

    from replies.models import Department, Reply, Sector, Session

    ids = list(Reply.objects.public().values_list("id", flat=True))
    reply_urls = [reverse("replies:detail", args=[rng.choice(ids)]) for _ in range(samples)]
    departments = list(Department.objects.values_list("slug", flat=True))
    sectors = list(Sector.objects.values_list("slug", flat=True))
    sessions = list(Session.objects.all())
    browse: list[str] = []
    for i in range(samples):
        kind = i % 5
        if kind == 0:
            browse.append("/" if i % 10 == 0 else f"/?page={rng.randint(2, 50)}")
        elif kind == 1:
            s = rng.choice(sessions)
            browse.append("/?" + urlencode({"council": s.council_slug, "year": s.year}))
        else:
            try:
                if kind == 2:
                    browse.append(reverse("replies:department", args=[rng.choice(departments)]))
                elif kind == 3:
                    browse.append(reverse("replies:sector", args=[rng.choice(sectors)]))
                else:
                    s = rng.choice(sessions)
                    browse.append(
                        reverse("replies:session", args=[s.council_slug, s.term, s.number])
                    )
            except NoReverseMatch:
                browse.append(f"/?page={rng.randint(1, 20)}")
    queries = build_queries(gen, n, per_class=max(1, samples // len(QUERY_CLASSES)), seed=7)
    search = [search_url(q) for kind in QUERY_CLASSES for q in queries[kind]]
    return {"browse": browse, "search": search, "reply": reply_urls}


def measure_pages(urls: dict[str, list[str]]) -> dict[str, Any]:
    """Server time and SQL query count of each page kind through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out: dict[str, Any] = {}
    for name, items in urls.items():
        resolved = []
        for url in items:  # follow redirects (id → permalink) once, untimed
            response = client.get(url)
            resolved.append(response["Location"] if response.status_code in (301, 302) else url)

        def fetch(url: str) -> tuple[int, int]:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            return response.status_code, len(ctx.captured_queries)

        timed = time_calls(fetch, resolved, warmup=min(5, len(resolved)))
        statuses = sorted({status for status, _ in timed.extra})
        counts = [count for _, count in timed.extra]
        out[name] = {
            **timed.summary(),
            "statuses": statuses,
            "queries": {
                "min": min(counts),
                "max": max(counts),
                "median": statistics.median(counts),
            },
        }
        log(f"page {name}: {out[name]}")
    return out


def measure_worker(data_dir: Path, urls: list[str]) -> dict[str, Any]:
    """Peak RSS of a fresh process serving ``urls`` through the WSGI stack."""
    urls_file = data_dir / "worker-urls.json"
    urls_file.write_text(json.dumps(urls, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "worker.py"), str(data_dir), str(urls_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    n = args.replies
    data_dir = (args.data_dir or ROOT / "var" / f"bench-{n}").resolve()
    started = time.perf_counter()
    site.setup(data_dir)
    results: dict[str, Any] = {
        "replies": n,
        "seed": args.seed,
        "date": datetime.date.today().isoformat(),
        "command": "python bench/run.py " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "commit": git_commit(),
        "machine": machine(),
        "database_settings": site.database_settings(),
        "note": "2 cores shared with other jobs running at the same time; figures are upper "
        "bounds of what an idle machine gives.",
    }
    gen = CorpusGenerator(args.seed)
    corpus_dir = data_dir / "corpus"
    log(f"corpus: {n:,} replies under {corpus_dir}")
    results["generate_s"] = ensure_corpus(gen, corpus_dir, n)
    results.update(load(args, corpus_dir))
    site.vacuum_analyze()
    results["sizes"] = site.sizes()
    if args.load_only:
        results["total_s"] = round(time.perf_counter() - started, 1)
        log(f"loaded; wrote {write_json(results, args.results_dir)}")
        return results

    baseline_n = args.baseline_per_class
    if baseline_n is None:
        baseline_n = args.per_class if n <= 2_000 else 50 if n <= 20_000 else 10
    queries = build_queries(gen, n, per_class=args.per_class)
    site_counts: dict[str, list[int]] = {}
    results["search"] = measure_search(queries, baseline_n, budget_s=180, counts=site_counts)
    if not args.no_peers:
        from bench import peers

        results["peers"] = peers.measure(queries, site_counts, data_dir / "peers", log=log)

    rng = random.Random(args.seed)
    urls = page_urls(gen, n, args.page_samples, rng)
    results["pages"] = measure_pages(urls)

    worker_urls = build_worker_urls(gen, n, args.worker_requests, urls)
    log(f"fresh worker serving {len(worker_urls)} requests")
    results["worker"] = measure_worker(data_dir, worker_urls)
    log(f"worker: {results['worker']}")

    results["machine"]["loadavg_end"] = machine()["loadavg"]
    results["total_s"] = round(time.perf_counter() - started, 1)
    path = write_json(results, args.results_dir)
    update_markdown(args.doc, results)
    log(f"wrote {path} and {args.doc}")
    return results


def build_worker_urls(
    gen: CorpusGenerator, n: int, count: int, urls: dict[str, list[str]]
) -> list[str]:
    """Mostly searches of every class, then some reply and browse pages."""
    per_class = max(1, int(count * 0.75) // len(QUERY_CLASSES))
    queries = build_queries(gen, n, per_class=per_class, seed=11)
    out = [search_url(q) for kind in QUERY_CLASSES for q in queries[kind]]
    rest = count - len(out)
    out += urls["reply"][: rest // 2] + urls["browse"][: rest - rest // 2]
    return out


if __name__ == "__main__":
    main()
