"""Concurrent load on a running server (``make serve``) over loopback, at most 60 seconds.

Usage (the server already serving a loaded benchmark database)::

    ARCHIVE_DATA_DIR=var/bench-10000 make serve &
    .venv/bin/python bench/load.py --replies 10000 --clients 50 --duration 60

Each client is a thread with its own loopback address (127.0.0.x, so the site's per-client
rate limits count it apart) sending one request after another: searches of every benchmark
query class, browse pages, reply pages, the JSON API and CSV exports, in fixed shares. The
first half of the run is normal traffic only; in the second half ``--abusers`` more clients
send API searches without pause, as a scraper would: they must get 429 while the normal
clients keep getting 200. Writes ``bench/results/load-<date>-<N>.json`` and the table between
the ``load:N`` markers of docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import DEFAULT_SEED, CorpusGenerator  # noqa: E402
from bench.queries import QUERY_CLASSES, BenchQuery, build_queries  # noqa: E402

#: Shares of the normal clients' requests, by kind.
MIX = {"search": 0.45, "browse": 0.15, "reply": 0.2, "api": 0.15, "export": 0.05}
MAX_DURATION = 60.0
TIMEOUT = 30.0


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    phase: str
    abuser: bool = False


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def fetch(base: str, path: str, source: str) -> int:
    """GET ``path`` from ``base`` out of loopback address ``source``; the status (0: failed)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port or 80, timeout=TIMEOUT, source_address=(source, 0)
    )
    try:
        conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def search_path(query: BenchQuery, prefix: str = "/") -> str:
    params: dict[str, object] = {"q": query.q}
    if query.sort:
        params["sort"] = query.sort
    if query.page != 1:
        params["page"] = query.page
    return prefix + "?" + urlencode(params)


def _permalink(base: str, path: str) -> str:
    """Where ``/replies/<id>/`` redirects to: the reply's permanent page."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("Location") or path


def reply_paths(base: str, count: int) -> list[str]:
    """Reply pages, from the API's newest replies."""
    paths: list[str] = []
    page = 1
    while len(paths) < count and page <= 10:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
        conn.request("GET", f"/api/replies/?page_size=100&sort=newest&page={page}")
        data = json.loads(conn.getresponse().read())
        conn.close()
        paths += [_permalink(base, urlsplit(item["url"]).path) for item in data["results"]]
        if not data.get("next"):
            break
        page += 1
    return paths[:count]


def build_paths(base: str, replies: int, rng: random.Random) -> dict[str, list[str]]:
    """The URLs each kind draws from."""
    queries = build_queries(CorpusGenerator(DEFAULT_SEED), replies, per_class=20, seed=23)
    searches = [q for kind in QUERY_CLASSES for q in queries[kind] if not q.filters]
    rare = [q.q for q in queries["rare"]]
    return {
        "search": [search_path(q) for q in searches],
        # the API answers a page past the last with 404: its searches ask for the first page
        "api": [
            search_path(BenchQuery(q.kind, q.q, sort=q.sort), "/api/replies/") for q in searches
        ],
        "browse": ["/", "/directory/", "/stats/"]
        + [f"/?page={rng.randint(2, 40)}" for _ in range(20)],
        "reply": reply_paths(base, 200),
        "export": [f"/export.csv?{urlencode({'q': word})}" for word in rare],
    }


def client(
    base: str,
    source: str,
    paths: dict[str, list[str]],
    recorder: Recorder,
    until: float,
    phase_at: float,
    seed: int,
    abuser: bool = False,
) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX.items(), strict=True)
    while (now := time.monotonic()) < until:
        kind = "api" if abuser else rng.choices(kinds, weights)[0]
        path = rng.choice(paths[kind])
        t0 = time.perf_counter()
        status = fetch(base, path, source)
        ms = (time.perf_counter() - t0) * 1000
        recorder.add(Sample(kind, status, ms, "abuse" if now >= phase_at else "normal", abuser))
        if not abuser:
            time.sleep(rng.uniform(0.0, 0.2))  # a reader's pause between pages


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def summarize(samples: list[Sample], duration: float) -> dict[str, object]:
    out: dict[str, object] = {}
    groups: dict[str, list[Sample]] = {}
    for s in samples:
        who = "abusers" if s.abuser else f"{s.phase}:{s.kind}"
        groups.setdefault(who, []).append(s)
        if not s.abuser:
            groups.setdefault(f"{s.phase}:all", []).append(s)
    for name, group in sorted(groups.items()):
        ms = [s.ms for s in group]
        statuses: dict[str, int] = {}
        for s in group:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        out[name] = {
            "n": len(group),
            "p50": round(statistics.median(ms), 1),
            "p95": _pct(ms, 0.95),
            "statuses": statuses,
        }
    normal = [s for s in samples if not s.abuser]
    out["normal_errors"] = sum(1 for s in normal if s.status != 200)
    out["requests_per_s"] = round(len(normal) / duration, 1)
    return out


def write_markdown(doc: Path, result: dict) -> None:
    n = result["replies"]
    s = result["summary"]
    lines = [
        f"### Load: {result['clients']} clients at {n:,} replies — {result['date']}",
        "",
        f"Command: `{result['command']}` (commit `{result['commit']}`), against `make serve` "
        f"({result['server']}), loopback. Load average before {result['loadavg_start']}, "
        f"after {result['loadavg_end']}.",
        "",
        "| phase | kind | n | p50 ms | p95 ms | statuses |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in s.items():
        if not isinstance(row, dict):
            continue
        phase, _, kind = name.partition(":")
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        lines.append(
            f"| {phase} | {kind or '—'} | {row['n']} | {row['p50']} | {row['p95']} | {statuses} |"
        )
    lines += [
        "",
        f"Normal clients: **{s['normal_errors']} non-200 answers**, {s['requests_per_s']} "
        f"requests/s. {result['abusers']} abusive clients joined for the second half.",
    ]
    block = "\n".join(lines)
    start, end = f"<!-- load:{n} start -->", f"<!-- load:{n} end -->"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    replacement = f"{start}\n{block}\n{end}"
    text = (
        pattern.sub(replacement, text) if pattern.search(text) else text + "\n" + replacement + "\n"
    )
    doc.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description="对运行中的站点施加并发负载（本机回环，最多 60 秒）。"
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--replies", type=int, required=True, help="size of the loaded corpus")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--abusers", type=int, default=5)
    parser.add_argument("--duration", type=float, default=MAX_DURATION)
    parser.add_argument("--server", default="gunicorn, DEBUG off, embedded PostgreSQL")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    if urlsplit(args.base_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("只对本机回环地址施加负载")
    duration = min(args.duration, MAX_DURATION)
    rng = random.Random(5)
    paths = build_paths(args.base_url, args.replies, rng)
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    recorder = Recorder()
    started = time.monotonic()
    until, phase_at = started + duration, started + duration / 2
    threads = [
        threading.Thread(
            target=client,
            args=(args.base_url, f"127.0.0.{10 + i}", paths, recorder, until, phase_at, i),
        )
        for i in range(args.clients)
    ]
    threads += [
        threading.Thread(
            target=lambda i=i: (
                time.sleep(max(0.0, phase_at - time.monotonic())),
                client(
                    args.base_url,
                    f"127.0.1.{10 + i}",
                    paths,
                    recorder,
                    until,
                    phase_at,
                    1000 + i,
                    True,
                ),
            )
        )
        for i in range(args.abusers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from bench.run import git_commit

    result = {
        "date": datetime.date.today().isoformat(),
        "replies": args.replies,
        "clients": args.clients,
        "abusers": args.abusers,
        "duration_s": duration,
        "command": "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": git_commit(),
        "server": args.server,
        "loadavg_start": loadavg_start,
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "summary": summarize(recorder.samples, duration),
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"load-{result['date']}-{args.replies}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_markdown(args.doc, result)
    print(json.dumps(result["summary"], ensure_ascii=False, indent=1))
    return result


if __name__ == "__main__":
    main()
