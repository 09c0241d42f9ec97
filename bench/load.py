"""Concurrent load on a running server (``make serve``) over loopback, at most 60 seconds.

Usage (the server already serving a loaded benchmark database)::

    ARCHIVE_DATA_DIR=var/bench-10000 make serve &
    .venv/bin/python bench/load.py --replies 10000 --clients 50 --abusers 5 --duration 60

Each client is a thread with its own loopback address (127.R.0.x, R new for each run, so the
site's per-client rate limits count it apart, and apart from an earlier run's) sending one
request after another: searches of every benchmark query class, browse pages, reply pages,
the JSON API and CSV exports, in fixed shares, at most ``--reader-rate`` a minute (a fast
reader: at the default 60, its 45 % of searches and 15 % of listings stay under the search
limit of 60 a minute, so a reader is never throttled on a fast server). The first half of
the run is normal traffic only; in the second half ``--abusers`` more clients scrape the API
as fast as they can: each is one address with ``--abuser-connections`` connections sending
back to back, without pause (mostly reply records, some API searches).
The server counts in fixed windows, so an abuser must send more than the limit within one
window; at the pace of :func:`needed_rate` it does so in its half of the run, whatever the
window's alignment, so an abuser behind that pace (a busy server answers slowly) opens more
connections, up to ``MAX_ABUSER_CONNECTIONS``. The report states for each abuser its requests
per minute, the most it sent in one of the server's windows and whether that passed
``--api-limit`` (the server's ``ARCHIVE_RATE_API``, 120 by default). Abusers must get 429
while the normal clients keep getting 200. Writes ``bench/results/load-<date>-<N>.json`` and
the table between the ``load:N`` markers of docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
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
#: Shares of an abuser's requests: a scraper fetching reply records, and some API searches.
ABUSE_MIX = {"api-record": 0.8, "api": 0.2}
MAX_DURATION = 60.0
TIMEOUT = 30.0
#: An abuser keeps this many times the pace it needs, opening connections up to the maximum.
ABUSE_MARGIN = 1.5
MAX_ABUSER_CONNECTIONS = 64
#: The server's defaults (replies/conf.py), unless the environment sets them as for the server.
RATE_API = int(os.environ.get("ARCHIVE_RATE_API", 120))
RATE_WINDOW = int(os.environ.get("ARCHIVE_RATE_WINDOW", 60))


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    phase: str
    abuser: bool = False
    #: The client's address (one per client; an abuser's connections share it).
    source: str = ""
    #: Wall-clock time the request was sent (the server's rate windows are wall-clock).
    at: float = 0.0


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


def newest_replies(base: str, count: int) -> list[dict]:
    """The API's newest replies (their summaries)."""
    items: list[dict] = []
    page = 1
    while len(items) < count and page <= 10:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
        conn.request("GET", f"/api/replies/?page_size=100&sort=newest&page={page}")
        data = json.loads(conn.getresponse().read())
        conn.close()
        items += data["results"]
        if not data.get("next"):
            break
        page += 1
    return items[:count]


def build_paths(base: str, replies: int, rng: random.Random) -> dict[str, list[str]]:
    """The URLs each kind draws from."""
    queries = build_queries(CorpusGenerator(DEFAULT_SEED), replies, per_class=20, seed=23)
    searches = [q for kind in QUERY_CLASSES for q in queries[kind] if not q.filters]
    rare = [q.q for q in queries["rare"]]
    newest = newest_replies(base, 200)
    return {
        "search": [search_path(q) for q in searches],
        # the API answers a page past the last with 404: its searches ask for the first page
        "api": [
            search_path(BenchQuery(q.kind, q.q, sort=q.sort), "/api/replies/") for q in searches
        ],
        "browse": ["/", "/directory/", "/stats/"]
        + [f"/?page={rng.randint(2, 40)}" for _ in range(20)],
        "reply": [_permalink(base, urlsplit(item["url"]).path) for item in newest],
        "api-record": [f"/api/replies/{item['id']}/" for item in newest],
        "export": [f"/export.csv?{urlencode({'q': word})}" for word in rare],
    }


def needed_rate(limit: int, window: float, phase: float) -> float:
    """Requests per second an abuser must keep up during ``phase`` seconds to send more than
    ``limit`` within one fixed ``window``: the phase meets at most
    ``ceil(phase / window) + 1`` windows, and its longest piece in one window is at least
    ``min(window, phase / 2)`` seconds long."""
    return (limit + 1) / min(window, phase / 2)


def client(
    base: str,
    source: str,
    paths: dict[str, list[str]],
    recorder: Recorder,
    until: float,
    phase_at: float,
    seed: int,
    abuser: bool = False,
    interval: float = 0.0,
) -> None:
    """One connection of a client: requests one after another until ``until`` (a reader
    pauses up to 0.2 s between pages and starts one at most every ``interval`` seconds, an
    abuser never pauses)."""
    rng = random.Random(seed)
    kinds, weights = zip(*(ABUSE_MIX if abuser else MIX).items(), strict=True)
    while (now := time.monotonic()) < until:
        next_at = now + interval
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(paths[kind])
        sent = time.time()
        t0 = time.perf_counter()
        status = fetch(base, path, source)
        ms = (time.perf_counter() - t0) * 1000
        phase = "abuse" if now >= phase_at else "normal"
        recorder.add(Sample(kind, status, ms, phase, abuser, source, sent))
        if not abuser:  # a reader's pause between pages
            time.sleep(max(rng.uniform(0.0, 0.2), next_at - time.monotonic()))


def abuser(
    base: str,
    source: str,
    paths: dict[str, list[str]],
    recorder: Recorder,
    until: float,
    phase_at: float,
    seed: int,
    connections: int,
    pace: float,
) -> int:
    """One abusive client from ``source`` in the second half: ``connections`` without pause,
    and each second it is behind ``pace`` requests per second, as many more as its last
    second's rate says it needs (at most doubling, up to ``MAX_ABUSER_CONNECTIONS``).
    Returns the connections it ended with."""
    time.sleep(max(0.0, phase_at - time.monotonic()))
    started = time.monotonic()
    threads: list[threading.Thread] = []

    def open_connections(n: int) -> None:
        for _ in range(n):
            thread = threading.Thread(
                target=client,
                args=(base, source, paths, recorder, until, phase_at, seed + len(threads), True),
            )
            thread.start()
            threads.append(thread)

    open_connections(connections)
    answered = 0
    while time.monotonic() < until - 1.0:
        time.sleep(1.0)
        with recorder.lock:
            now_answered = sum(1 for s in recorder.samples if s.source == source)
        rate, answered = now_answered - answered, now_answered  # in the last second
        behind = answered < pace * (time.monotonic() - started)
        if behind and rate < pace and len(threads) < MAX_ABUSER_CONNECTIONS:
            wanted = math.ceil(len(threads) * pace / max(rate, 1))
            target = min(wanted, 2 * len(threads), MAX_ABUSER_CONNECTIONS)
            open_connections(target - len(threads))
    for thread in threads:
        thread.join()
    return len(threads)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def abuser_rates(
    samples: list[Sample], phase: float, limit: int, window: int
) -> list[dict[str, object]]:
    """Each abuser: its requests, per minute over its ``phase`` seconds, the most it sent in
    one of the server's fixed ``window``-second windows, and whether that passed ``limit``."""
    by_source: dict[str, list[Sample]] = {}
    for s in samples:
        if s.abuser:
            by_source.setdefault(s.source, []).append(s)
    rows = []
    for source, group in sorted(by_source.items()):
        windows: dict[int, int] = {}
        for s in group:
            windows[int(s.at // window)] = windows.get(int(s.at // window), 0) + 1
        busiest = max(windows.values())
        ordered = sorted(group, key=lambda s: s.at)
        first_429 = next((n for n, s in enumerate(ordered, 1) if s.status == 429), None)
        rows.append(
            {
                "source": source,
                "n": len(group),
                "per_minute": round(len(group) * 60 / phase, 1),
                "busiest_window": busiest,
                "exceeded": busiest > limit,
                "first_429_at_request": first_429,
                "statuses": {
                    str(code): sum(1 for s in group if s.status == code)
                    for code in sorted({s.status for s in group})
                },
            }
        )
    return rows


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
        f"requests/s (each at most {result['reader_rate']:.0f} a minute). "
        f"{result['abusers']} abusive clients joined for the second half "
        f"({result['abuse_s']:.0f} s), each from {result['abuser_connections']} connections "
        f"sending without pause (more when behind {ABUSE_MARGIN} × the pace needed); API "
        f"limit {result['api_limit']} per {result['rate_window']} s (a pace of "
        f"{result['needed_per_minute']:.0f}/min passes it in the abuse half).",
    ]
    if result["abusers_each"]:
        lines += [
            "",
            "| abuser | connections | requests | per minute | most in one rate window "
            "| over the limit | first 429 at | statuses |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in result["abusers_each"]:
            statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
            lines.append(
                f"| {row['source']} | {row['connections']} | {row['n']} | {row['per_minute']} "
                f"| {row['busiest_window']} "
                f"| {'yes' if row['exceeded'] else '**no**'} "
                f"| {row['first_429_at_request'] or '—'} | {statuses} |"
            )
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
    parser.add_argument(
        "--reader-rate", type=float, default=60.0, help="most requests a minute of a reader"
    )
    parser.add_argument(
        "--abuser-connections",
        type=int,
        default=4,
        help="parallel connections each abuser (one address) starts with, each without pause",
    )
    parser.add_argument(
        "--api-limit", type=int, default=RATE_API, help="the server's ARCHIVE_RATE_API"
    )
    parser.add_argument(
        "--rate-window", type=int, default=RATE_WINDOW, help="the server's ARCHIVE_RATE_WINDOW"
    )
    parser.add_argument("--duration", type=float, default=MAX_DURATION)
    parser.add_argument("--server", default="gunicorn, DEBUG off, embedded PostgreSQL")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    if urlsplit(args.base_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("只对本机回环地址施加负载")
    duration = min(args.duration, MAX_DURATION)
    rng = random.Random(5)
    run = random.randint(2, 254)  # addresses no earlier run's rate windows have counted
    paths = build_paths(args.base_url, args.replies, rng)
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    recorder = Recorder()
    started = time.monotonic()
    until, phase_at = started + duration, started + duration / 2
    threads = [
        threading.Thread(
            target=client,
            args=(args.base_url, f"127.{run}.0.{10 + i}", paths, recorder, until, phase_at, i),
            kwargs={"interval": 60.0 / args.reader_rate},
        )
        for i in range(args.clients)
    ]
    pace = ABUSE_MARGIN * needed_rate(args.api_limit, args.rate_window, until - phase_at)
    opened: dict[str, int] = {}

    def run_abuser(i: int) -> None:
        source = f"127.{run}.1.{10 + i}"
        opened[source] = abuser(
            args.base_url,
            source,
            paths,
            recorder,
            until,
            phase_at,
            1000 + 100 * i,
            args.abuser_connections,
            pace,
        )

    threads += [threading.Thread(target=run_abuser, args=(i,)) for i in range(args.abusers)]
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
        "reader_rate": args.reader_rate,
        "duration_s": duration,
        "command": "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": git_commit(),
        "server": args.server,
        "loadavg_start": loadavg_start,
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "summary": summarize(recorder.samples, duration),
        "abuse_s": duration - duration / 2,
        "abuser_connections": args.abuser_connections,
        "api_limit": args.api_limit,
        "rate_window": args.rate_window,
        "needed_per_minute": 60 * needed_rate(args.api_limit, args.rate_window, duration / 2),
        "abusers_each": [
            {**row, "connections": opened.get(row["source"])}
            for row in abuser_rates(
                recorder.samples, duration / 2, args.api_limit, args.rate_window
            )
        ],
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"load-{result['date']}-{args.replies}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_markdown(args.doc, result)
    print(json.dumps(result["summary"], ensure_ascii=False, indent=1))
    for row in result["abusers_each"]:
        print(
            f"abuser {row['source']} ({row['connections']} connections): "
            f"{row['n']} requests = {row['per_minute']}/min, "
            f"{row['busiest_window']} in one {args.rate_window} s window "
            f"(limit {args.api_limit}: {'exceeded' if row['exceeded'] else 'NOT exceeded'}), "
            f"statuses {row['statuses']}"
        )
    return result


if __name__ == "__main__":
    main()
