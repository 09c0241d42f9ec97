"""PDF text rows → lines with layout hints (indent, full width, alignment, gaps).

The hints come from geometry measured on the document itself: the body's left edge is the
most common line start, its right edge the typical end of long lines, and the character
width the median font size. Page numbers and running headers/footers are dropped here.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from statistics import median

from replies.ingest.extract.base import Line

Row = tuple[int, float, float, float, float, float, str]

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－─]\s*\d{1,4}\s*[-—–－─]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?|\d{1,4})\s*$"
)
_CLASS_MARK = re.compile(r"^\s*[ABCＡＢＣ]\s*$")


def _merge_rows(rows: list[Row]) -> list[list[Row]]:
    """Group rows printed on the same baseline of a page, left to right."""
    groups: list[list[Row]] = []
    ordered = sorted(rows, key=lambda r: (r[0], -r[1], r[3]))
    for row in ordered:
        if groups:
            last = groups[-1][0]
            tol = 0.4 * max(min(row[5], last[5]), 1.0)
            if last[0] == row[0] and abs(last[1] - row[1]) <= tol and abs(last[2] - row[2]) <= tol:
                groups[-1].append(row)
                continue
        groups.append([row])
    for group in groups:
        group.sort(key=lambda r: r[3])
    return groups


def _drop_page_furniture(groups: list[list[Row]]) -> list[list[Row]]:
    """Drop page numbers and text repeated at the top or bottom of most pages."""
    pages = {g[0][0] for g in groups}
    text_of = ["".join("".join(r[6] for r in g).split()) for g in groups]
    first_last: set[int] = set()
    by_page: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        by_page.setdefault(g[0][0], []).append(i)
    for idx in by_page.values():
        first_last.update(idx[:2] + idx[-2:])
    repeated = Counter(re.sub(r"\d+", "#", text_of[i]) for i in first_last)
    keep = []
    for i, g in enumerate(groups):
        text = text_of[i]
        if i in first_last and PAGE_NUMBER.match(text):
            continue
        if (
            i in first_last
            and len(pages) >= 3
            and repeated[re.sub(r"\d+", "#", text)] >= max(3, len(pages) * 0.6)
        ):
            continue
        keep.append(g)
    return keep


def layout_lines(rows: list[Row]) -> list[Line]:
    """Lines in reading order with indent/full/align/gap measured from the geometry."""
    groups = _drop_page_furniture(_merge_rows(rows))
    if not groups:
        return []
    size = median(r[5] for g in groups for r in g) or 10.0
    starts = Counter(round(g[0][3]) for g in groups)
    left = min(starts.most_common(3), key=lambda kv: (-kv[1], kv[0]))[0]
    ends = [g[-1][4] for g in groups if abs(g[0][3] - left) < size and g[-1][4] - left > 10 * size]
    right = median(ends) if ends else max(g[-1][4] for g in groups)
    width = max(right - left, size)
    pitches = []
    for a, b in itertools.pairwise(groups):
        if a[0][0] == b[0][0]:
            d = a[0][1] - b[0][1]
            if 0 < d < 4 * size:
                pitches.append(d)
    pitch = median(pitches) if pitches else 1.5 * size

    lines: list[Line] = []
    prev: list[Row] | None = None
    for g in groups:
        x0, x1 = g[0][3], g[-1][4]
        text = _join_fragments(g, size)
        marks = []
        if len(g) > 1 and _CLASS_MARK.match(g[-1][6]) and g[-1][3] - g[-2][4] > 3 * size:
            marks.append(Line(g[-1][6].strip(), align="right", full=False))
            text = _join_fragments(g[:-1], size)
            x1 = g[-2][4]
        lm, rm = x0 - left, right - x1
        align = None
        if lm > 1.5 * size and rm > 1.5 * size and abs(lm - rm) <= max(2 * size, 0.12 * width):
            align = "center"
        elif lm > 0.4 * width and lm > rm + 2 * size:
            align = "right"
        split = len(g) > 1 and any(b[3] - a[4] > 2 * size for a, b in itertools.pairwise(g))
        gap = False
        if prev is not None and prev[0][0] == g[0][0]:
            gap = prev[0][1] - g[0][1] > 1.6 * pitch
        lines.extend(marks)
        lines.append(
            Line(
                text,
                align=align,
                indent=align is None and 0.7 * size <= lm <= 6 * size,
                full=(not split) and align is None and x1 >= right - 1.5 * size,
                gap=gap,
            )
        )
        prev = g
    return lines


def _join_fragments(group: list[Row], size: float) -> str:
    parts = [group[0][6].strip()]
    for a, b in itertools.pairwise(group):
        parts.append(" " if b[3] - a[4] > 0.5 * size else "")
        parts.append(b[6].strip())
    return "".join(parts)
