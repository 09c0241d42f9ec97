"""Compare OCR engines on scans of fictional replies: character accuracy and seconds per page.

    .venv/bin/python bench/ocr_compare.py [--dpi 150 300] [--read-dpi 150 300]
                                          [--specs DISTRICT COUNTY]

The pages are made by tests/ingest/scan.py (a reply rendered with reportlab, rasterised at
--dpi, a red seal over the signature, 0.5–1.5° rotation, speckle noise) and read after the
pre-processing of replies/ingest/extract/ocr.py (red channel, levels, median filter) at
--read-dpi. Accuracy is 1 − edit distance / length of the source text (to_clean_text),
whitespace removed, over the whole reply. Seconds are per page, after one warm-up page
(model loading, reported apart), in this process (no child-process overhead).
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
    parser.add_argument("--read-dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--specs", nargs="+", default=["DISTRICT", "COUNTY"])
    parser.add_argument("--engines", nargs="+", default=["tesseract", "rapidocr"])
    args = parser.parse_args()
    print("loadavg before:", Path("/proc/loadavg").read_text().strip(), "cpus:", os.cpu_count())
    warm = scan_pages(specs.COUNTY, 150, seed=9)[0]
    for engine in args.engines:
        start = time.perf_counter()
        ocr.read_lines(engine, ocr.prepare(warm, 150, 150)[0])
        print(f"warm-up {engine}: {time.perf_counter() - start:.2f} s", flush=True)
    for name in args.specs:
        spec = getattr(specs, name)
        source = to_clean_text(spec)
        for dpi in args.dpi:
            pages = scan_pages(spec, dpi, seed=1)
            for engine in args.engines:
                for read_dpi in args.read_dpi:
                    texts, seconds = [], 0.0
                    for page in pages:
                        start = time.perf_counter()
                        image = ocr.prepare(page, dpi, read_dpi)[0]
                        lines = ocr.read_lines(engine, image)
                        seconds += time.perf_counter() - start
                        texts.extend(line.text for line in lines)
                    acc = char_accuracy("".join(texts), source)
                    per_page = seconds / len(pages)
                    print(
                        f"{name:9} scan {dpi:3d} dpi ({len(pages)} p)  {engine:9} read at "
                        f"{read_dpi:3d} dpi  accuracy {acc:.4f}  {per_page:5.2f} s/page",
                        flush=True,
                    )
    print("loadavg after:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
