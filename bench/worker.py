"""A fresh web worker process: serve a list of URLs through the WSGI stack, report peak RSS.

Run by bench/run.py as ``python bench/worker.py DATA_DIR URLS.json``; prints one JSON object
(peak and current RSS in kB, requests served, status counts, the first request's time).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import peak_rss_kb


def current_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main(argv: list[str]) -> None:
    data_dir, urls_file = Path(argv[0]), Path(argv[1])
    from bench.site import setup

    setup(data_dir)
    from django.test import Client

    urls = json.loads(urls_file.read_text(encoding="utf-8"))
    client = Client()
    after_setup = current_rss_kb()
    statuses: Counter[int] = Counter()
    first_ms = None
    started = time.perf_counter()
    for url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        if first_ms is None:
            first_ms = round((time.perf_counter() - t0) * 1000, 1)
        statuses[response.status_code] += 1
    print(
        json.dumps(
            {
                "requests": len(urls),
                "statuses": {str(k): v for k, v in statuses.items()},
                "seconds": round(time.perf_counter() - started, 2),
                "first_request_ms": first_ms,
                "rss_after_setup_kb": after_setup,
                "rss_kb": current_rss_kb(),
                "peak_rss_kb": peak_rss_kb(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
