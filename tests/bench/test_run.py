"""Smoke test: the benchmark runner works end to end at a tiny size (not a timing test).

The peers (bench/peers.py) run in it too and must agree with the site's count on every query.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.queries import QUERY_CLASSES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path / "data"
    from config.embedded_db import stop_server

    stop_server(tmp_path / "data")


def test_runner_measures_everything_at_a_tiny_size(tmp_path, data_dir):
    doc = tmp_path / "performance.md"
    doc.write_text("# 性能\n\nHand-written prose stays.\n", encoding="utf-8")
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--replies=200",
        "--per-class=5",
        "--page-samples=8",
        "--worker-requests=24",
        f"--data-dir={data_dir}",
        f"--results-dir={tmp_path / 'results'}",
        f"--doc={doc}",
    ]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    [result_file] = (tmp_path / "results").glob("*-200.json")
    results = json.loads(result_file.read_text(encoding="utf-8"))
    assert results["ingest"]["created"] == 200
    assert results["ingest"]["rejected"] == 0
    assert results["sizes"]["database"] > 0
    for kind in QUERY_CLASSES:
        assert results["search"][kind]["baseline"]["n"] == 5
        assert results["search"][kind]["site"]["n"] == 5
        assert results["search"][kind]["site_finds_baseline"] is True
        # The peers ran every query and found exactly as many replies as the site each time.
        for engine in ("tantivy", "sqlite"):
            peer = results["peers"]["search"][kind][engine]
            assert peer["n"] == 5
            assert peer["mismatches"] == 0, peer["mismatch_examples"]
    for engine in ("tantivy", "sqlite"):
        assert results["peers"]["engines"][engine]["size"] > 0
    assert (data_dir / "peers" / "tantivy").is_dir()
    assert (data_dir / "peers" / "fts5.sqlite3").is_file()
    for page in ("browse", "search", "reply"):
        assert results["pages"][page]["statuses"] == [200]
        assert results["pages"][page]["queries"]["max"] >= 1
    assert results["worker"]["requests"] == 24
    assert results["worker"]["peak_rss_kb"] > 10_000
    text = doc.read_text(encoding="utf-8")
    assert "Hand-written prose stays." in text
    assert "<!-- bench:200 start -->" in text and "<!-- bench:200 end -->" in text
    assert "| 单字 one character |" in text
    assert "| query class | ours p50 | ours p95 | Tantivy p50 |" in text
