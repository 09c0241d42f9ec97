"""Compare OCR engines on scans of fictional replies: character accuracy and seconds per page.

    .venv/bin/python bench/ocr_compare.py [--dpi 150 300] [--specs DISTRICT COUNTY]

The pages are made by tests/ingest/scan.py (a reply rendered with reportlab, rasterised,
a red seal over the signature, 0.5–1.5° rotation, speckle noise). Accuracy is
1 − edit distance / length of the source text, whitespace removed, for the whole reply.
Both engines see the same pre-processed page (the red channel, so the seal fades).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from replies.ingest.extract import ocr
    from tests.ingest import specs
    from tests.ingest.render import to_clean_text
    from tests.ingest.scan import char_accuracy, scan_pages

    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--specs", nargs="+", default=["DISTRICT", "COUNTY"])
    args = parser.parse_args()
    print("loadavg before:", Path("/proc/loadavg").read_text().strip(), "cpus:", os.cpu_count())
    for name in args.specs:
        spec = getattr(specs, name)
        source = to_clean_text(spec)
        for dpi in args.dpi:
            pages = scan_pages(spec, dpi, seed=1)
            for engine in ("tesseract", "rapidocr"):
                texts, seconds = [], 0.0
                for page in pages:
                    start = time.perf_counter()
                    lines = ocr.read_lines(engine, ocr.prepare(page, dpi)[0])
                    seconds += time.perf_counter() - start
                    texts.extend(line.text for line in lines)
                acc = char_accuracy("".join(texts), source)
                print(
                    f"{name:10} {dpi:3d} dpi {len(pages)} p  {engine:9}  accuracy {acc:.4f}  "
                    f"{seconds / len(pages):5.2f} s/page",
                    flush=True,
                )
    print("loadavg after:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
