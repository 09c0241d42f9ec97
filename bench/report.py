"""Write benchmark results: ``bench/results/<date>-<N>.json`` and a table in docs/performance.md.

The markdown file is hand-written prose around generated blocks; each run replaces only the
block for its corpus size, between ``<!-- bench:N start -->`` and ``<!-- bench:N end -->``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bench.queries import QUERY_CLASSES

TARGETS = {
    "search_p50_ms": 20,
    "search_p95_ms": 60,
    "page_p95_ms": 150,
    "ingest_replies_per_s": 100,
    "worker_rss_mb": 250,
}
CLASS_LABELS = {
    "rare": "罕见词 rare word",
    "common": "常见词 common word (≥ 90%)",
    "two_words": "两词 AND",
    "phrase": '引号短语 "quoted phrase"',
    "one_char": "单字 one character",
    "facets": "词 + 两个筛选 query + 2 facets",
    "sorted": "按日期排序 sorted by date",
    "deep_page": "第 200 页 deep page",
}
PEER_LABELS = {"tantivy": "Tantivy", "sqlite": "SQLite FTS5"}
_DOC_HEADER = """# 性能 Performance

Benchmark of the archive at 10,000 and 100,000 generated replies (see `bench/`). The tables
between the `bench:` markers are written by `python bench/run.py --replies N`; the prose around
them is kept by hand.
"""


def write_json(results: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{results['date']}-{results['replies']}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value / 1024**2:,.1f} MB"


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value:.2f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _mark(value: float | None, limit: float, higher_is_better: bool = False) -> str:
    if value is None:
        return ""
    ok = value >= limit if higher_is_better else value <= limit
    return " ✅" if ok else " ❌"


def markdown(results: dict[str, Any]) -> str:
    """The results of one run as markdown tables."""
    n = results["replies"]
    lines = [
        f"### {n:,} replies — {results['date']}",
        "",
        f"Command: `{results['command']}` (commit `{results.get('commit', '?')}`). "
        f"Machine: {results['machine'].get('cpus')} CPUs ({results['machine'].get('cpu', '?')}),"
        f" {results['machine'].get('mem_gb', '?')} GB, shared with other jobs "
        f"(load average at start {results['machine'].get('loadavg')}). "
        f"PostgreSQL {results['database_settings'].get('server_version')}, "
        f"shared_buffers {results['database_settings'].get('shared_buffers')}, "
        f"jit {results['database_settings'].get('jit')}.",
        "",
        "| load | value | target |",
        "| --- | --- | --- |",
    ]
    ingest = results.get("ingest") or {}
    if ingest:
        rate = ingest.get("replies_per_s")
        lines.append(
            f"| ingest (txt, real pipeline) | {ingest['created']:,} created, "
            f"{ingest['rejected']} rejected in {ingest['seconds']:,.0f} s = **{rate} replies/s**"
            f"{_mark(rate, TARGETS['ingest_replies_per_s'], True)}"
            + (f" (loaded by `{results['ingest_from']}`)" if results.get("ingest_from") else "")
            + (
                f" (resumed after {ingest['resumed_after']:,} replies loaded)"
                if ingest.get("resumed_after")
                else ""
            )
            + " | ≥ 100 replies/s |"
        )
    reindex = results.get("reindex_s")
    lines.append(
        f"| `manage.py reindex` | {'not available' if reindex is None else f'{reindex} s'} | |"
    )
    sizes = results.get("sizes") or {}
    if sizes:
        lines.append(f"| database size | {_mb(sizes['database'])} | |")
        for table in sizes["tables"][:4]:
            lines.append(
                f"| table `{table['name']}` | {_mb(table['total'])} "
                f"(heap {_mb(table['heap'])}, TOAST "
                f"{_mb(table['total'] - table['heap'] - table['indexes'])}, "
                f"indexes {_mb(table['indexes'])}) | |"
            )
        for index in sizes["indexes"][:5]:
            lines.append(f"| index `{index['name']}` | {_mb(index['size'])} | |")
    lines += [
        "",
        "Search latency in ms (count + first page of ids, or the asked page), warm buffer "
        "cache, **result cache off**; then the same queries with the result cache on "
        "(empty at the start: only repeats within a class hit it); baseline = "
        "`body__icontains` per term, ordered by date, same queries.",
        "",
        "| query class | n | hits (median) | p50 | p95 | p99 | cached p50 | cached p95 |"
        " baseline n | baseline p50 | baseline p95 | p50 ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    search = results.get("search") or {}
    for kind in QUERY_CLASSES:
        row = search.get(kind) or {}
        site, base = row.get("site") or {}, row.get("baseline") or {}
        cached = row.get("site_cached") or {}
        ratio = f"{base['p50'] / site['p50']:,.0f}×" if site.get("p50") and base.get("p50") else "—"
        lines.append(
            f"| {CLASS_LABELS[kind]} | {site.get('n', 0)} | {row.get('hits_median', '—')} | "
            f"{_ms(site.get('p50'))}{_mark(site.get('p50'), TARGETS['search_p50_ms'])} | "
            f"{_ms(site.get('p95'))}{_mark(site.get('p95'), TARGETS['search_p95_ms'])} | "
            f"{_ms(site.get('p99'))} | {_ms(cached.get('p50'))} | {_ms(cached.get('p95'))} | "
            f"{base.get('n', 0)} | {_ms(base.get('p50'))} | "
            f"{_ms(base.get('p95'))} | {ratio} |"
        )
    lines += peers_markdown(results)
    lines += [
        "",
        "Pages (Django test client, server time in ms, SQL queries per page):",
        "",
        "| page | n | p50 | p95 | SQL queries |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, row in (results.get("pages") or {}).items():
        queries = row.get("queries") or {}
        span = (
            f"{queries.get('min')}–{queries.get('max')}"
            if queries.get("min") != queries.get("max")
            else f"{queries.get('min')}"
        )
        lines.append(
            f"| {name} | {row['n']} | {_ms(row.get('p50'))} | "
            f"{_ms(row.get('p95'))}{_mark(row.get('p95'), TARGETS['page_p95_ms'])} | {span} |"
        )
    worker = results.get("worker") or {}
    if worker.get("peak_rss_kb"):
        peak = worker["peak_rss_kb"] / 1024
        lines += [
            "",
            f"Web worker (fresh process, {worker['requests']} requests: searches, reply and "
            f"browse pages): peak RSS **{peak:,.0f} MB**{_mark(peak, TARGETS['worker_rss_mb'])}"
            f" (after Django setup {worker['rss_after_setup_kb'] / 1024:,.0f} MB; "
            f"first request {worker['first_request_ms']} ms).",
        ]
    return "\n".join(lines) + "\n"


def _ratio(ours: float | None, peer: float | None) -> str:
    return f"{ours / peer:,.1f}×" if ours and peer else "—"


def peers_markdown(results: dict[str, Any]) -> list[str]:
    """The peers table: ours beside Tantivy and SQLite FTS5 per class (empty without peers)."""
    peers = results.get("peers")
    if not peers:
        return []
    engines = peers.get("engines") or {}
    built = "; ".join(
        f"{PEER_LABELS[name]} {row['version']}: built in {row['build_s']:,} s, "
        f"index {_mb(row['size'])}"
        for name, row in engines.items()
    )
    lines = [
        "",
        f"Peers in the same run over the same {peers['replies']:,} search texts and the same "
        "queries (count + the asked page of 20; relevance is each engine's own ranking, "
        "newest is reply date descending; ratio = ours / peer, below 1 means ours is "
        f"faster). {built}. Counts: queries where the peer's count differs from ours "
        "(Tantivy / SQLite).",
        "",
        "| query class | ours p50 | ours p95 | Tantivy p50 | Tantivy p95 | SQLite p50 |"
        " SQLite p95 | ours/Tantivy p50 | ours/Tantivy p95 | ours/SQLite p50 |"
        " ours/SQLite p95 | count mismatches |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    search = results.get("search") or {}
    for kind in QUERY_CLASSES:
        ours = (search.get(kind) or {}).get("site") or {}
        row = (peers.get("search") or {}).get(kind) or {}
        tv, sq = row.get("tantivy") or {}, row.get("sqlite") or {}
        mismatches = " / ".join(str(p.get("mismatches", "—")) for p in (tv, sq))
        lines.append(
            f"| {CLASS_LABELS[kind]} | {_ms(ours.get('p50'))} | {_ms(ours.get('p95'))} | "
            f"{_ms(tv.get('p50'))} | {_ms(tv.get('p95'))} | "
            f"{_ms(sq.get('p50'))} | {_ms(sq.get('p95'))} | "
            f"{_ratio(ours.get('p50'), tv.get('p50'))} | "
            f"{_ratio(ours.get('p95'), tv.get('p95'))} | "
            f"{_ratio(ours.get('p50'), sq.get('p50'))} | "
            f"{_ratio(ours.get('p95'), sq.get('p95'))} | {mismatches} |"
        )
    return lines


def update_markdown(doc: Path, results: dict[str, Any]) -> None:
    """Replace (or append) this corpus size's block in the performance document."""
    n = results["replies"]
    start, end = f"<!-- bench:{n} start -->", f"<!-- bench:{n} end -->"
    block = f"{start}\n{markdown(results)}{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else _DOC_HEADER
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
