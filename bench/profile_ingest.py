"""Where ingest time goes: per-phase wall time and SQL statements per reply.

    python bench/profile_ingest.py [--replies 300] [--data-dir var/bench-profile]

Loads the first N generated replies into a fresh database of its own (after a warm-up of 50,
so sessions and departments exist as they do in steady state) and prints one JSON object:
seconds per reply spent reading, extracting, cleaning, parsing and saving, statements per
reply, and the ten functions with the most own time under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import site
from bench.generate import CorpusGenerator

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 50


def _timed(totals: dict[str, float], name: str, func: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - t0

    return wrapper


def profile(n: int, data_dir: Path) -> dict[str, Any]:
    site.setup(data_dir)
    from django.db import connection

    from replies.ingest import load, pipeline
    from replies.ingest.batch import ingest_paths, iter_files

    corpus = data_dir / "corpus"
    if not corpus.exists():
        CorpusGenerator().write_txt(corpus, n + WARMUP)
    files = iter_files([corpus])[: n + WARMUP]
    site.reset_database()
    ingest_paths([], publish=True, files=files[:WARMUP], durable=False)

    totals: dict[str, float] = defaultdict(float)
    pipeline.extract_bytes = _timed(totals, "extract", pipeline.extract_bytes)
    pipeline.clean = _timed(totals, "clean", pipeline.clean)
    pipeline.parse = _timed(totals, "parse fields", pipeline.parse)
    load.save_reply = _timed(totals, "save (SQL, file, commit)", load.save_reply)
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        profiler.enable()
        summary = ingest_paths([], publish=True, files=files[WARMUP:], durable=False)
        profiler.disable()
    seconds = time.perf_counter() - started
    created = summary.created or 1
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(10)
    return {
        "replies": summary.created,
        "replies_per_s": round(created / seconds, 1),
        "ms_per_reply": {k: round(v / created * 1000, 2) for k, v in totals.items()}
        | {"total": round(seconds / created * 1000, 2)},
        "sql_statements_per_reply": round(statements / created, 1),
        "top_own_time": out.getvalue().splitlines()[-14:],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="导入耗时分解")
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-profile")
    args = parser.parse_args(argv)
    print(json.dumps(profile(args.replies, args.data_dir.resolve()), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
