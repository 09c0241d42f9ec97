"""How much ranking quality the bounded relevance order keeps.

    python bench/ranking.py [--replies 10000] [--per-class 50]

The site scores only the first ``CANDIDATES`` matches in the order (title hit, newest) and
lists the rest by that order (replies.search.ranking). This script runs the same queries a
second time with ``CANDIDATES`` raised above the number of replies, so that every match is
scored (the exhaustive order), and reports, per query class, the share of queries whose first
result is the same and the mean overlap of the first 10 and 20 results. Run it on a database
loaded by ``bench/run.py`` (it reads ``var/bench-N``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import site
from bench.generate import DEFAULT_SEED, CorpusGenerator
from bench.queries import build_queries

CLASSES = ("common", "two_words", "one_char", "sorted")


def top_ids(query: str, n: int) -> list[int]:
    from replies.search import search

    return [reply.pk for reply in search(None, query, "relevance").results[:n]]


def compare(queries: list[str], exhaustive: int) -> dict[str, Any]:
    """Bounded against exhaustive order for these queries."""
    from replies.search import ranking

    bounded = [top_ids(q, 20) for q in queries]
    saved = ranking.CANDIDATES
    ranking.CANDIDATES = exhaustive
    try:
        full = [top_ids(q, 20) for q in queries]
    finally:
        ranking.CANDIDATES = saved
    pairs = [(b, f) for b, f in zip(bounded, full, strict=True) if f]
    if not pairs:
        return {"queries": 0}
    return {
        "queries": len(pairs),
        "same_first": round(sum(b[:1] == f[:1] for b, f in pairs) / len(pairs), 3),
        "overlap_at_10": round(
            sum(len(set(b[:10]) & set(f[:10])) / len(f[:10]) for b, f in pairs) / len(pairs), 3
        ),
        "overlap_at_20": round(
            sum(len(set(b) & set(f)) / len(f) for b, f in pairs) / len(pairs), 3
        ),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--per-class", type=int, default=50)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    site.setup(args.data_dir or site.ROOT / "var" / f"bench-{args.replies}")
    from django.conf import settings

    settings.SEARCH_CACHE_SECONDS = 0
    queries = build_queries(CorpusGenerator(DEFAULT_SEED), args.replies, args.per_class, seed=5)
    out: dict[str, Any] = {"replies": args.replies}
    for kind in CLASSES:
        texts = list(dict.fromkeys(q.q for q in queries[kind]))
        out[kind] = compare(texts, exhaustive=args.replies + 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return out


if __name__ == "__main__":
    main()
