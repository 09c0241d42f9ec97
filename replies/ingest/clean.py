"""Undo extraction damage: rejoin hard-wrapped lines, drop page marks, tidy whitespace.

Hard-wrapped text (PDF extraction) is rebuilt into paragraphs from the document's own
line-length statistics: a line shorter than the typical full line ends its paragraph, a
paragraph's first line is typically shorter by its lost indent, and sentence-ending
punctuation, numbered headings, dates and labelled header/footer lines mark boundaries.
Cleaning never drops or duplicates a character of the text, except whole page-number lines.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from replies.ingest.extract import Extracted, Line
from replies.ingest.numerals import is_date_line

#: Labels that start a header or footer line of their own.
LABELS = (
    "办理结果", "签发人", "会办单位", "协办单位", "主办单位", "联系人姓名", "联系人", "联系电话",
    "联系方式", "联系单位及电话", "联系单位", "承办单位通讯地址", "通讯地址", "联系地址",
    "单位地址", "地址", "邮政编码", "邮编", "抄送", "抄报", "附件", "办理类别", "答复类别",
    "公开属性", "公开方式",
)  # fmt: skip
LABEL_START = re.compile(r"^\s*(?:{})\s*[：:]".format("|".join(LABELS)))
PAGE_MARK = re.compile(
    r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
DISCLOSURE_MARK = re.compile(r"^\s*[（(]\s*此\s*件[^）)]{1,12}[）)]\s*$")
CLASS_MARK = re.compile(r"^\s*[【\[（(]?\s*[ABCＡＢＣ]\s*(?:类)?\s*[】\]）)]?\s*$")
ENUM_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[、.．](?!\d)|[（(]\s*\d{1,2}\s*[）)])"
)
OPENERS = re.compile(r"^\s*(?:感谢|特此|以上|此复|专此|再次感谢|最后|下一步)")
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’）)》」』】\"'"
_NO_START = "，。、；：？！”’）》」』】,.;:?!)"
_NO_END = "“‘（《「『【("


@dataclass
class Paragraph:
    """A paragraph of the cleaned document."""

    text: str
    align: str | None = None
    part: str = "body"


def width(text: str) -> float:
    """Printed width in character cells: CJK and full-width 1, ASCII/half-width ½."""
    total = 0.0
    for c in text:
        if c.isspace():
            continue
        total += 0.5 if unicodedata.east_asian_width(c) in ("Na", "H", "N") else 1.0
    return total


def is_cjk(c: str) -> bool:
    """True for CJK ideographs and full-width/CJK punctuation."""
    return unicodedata.east_asian_width(c) in ("W", "F") or c in "“”‘’—…·"


def tidy(text: str) -> str:
    """Remove whitespace next to Chinese text (第 005 号 → 第005号); collapse the rest."""
    text = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    text = re.sub(r"\s+", " ", text)
    out = []
    for i, c in enumerate(text):
        if c == " ":
            before, after = text[i - 1], text[i + 1] if i + 1 < len(text) else ""
            if is_cjk(before) or (after and is_cjk(after)):
                continue
            if before.isdigit() and after[:1].isdigit() and _digit_run_split(text, i):
                continue
        out.append(c)
    return "".join(out)


def _digit_run_split(text: str, i: int) -> bool:
    """A space inside a number such as '2 022' left by a wrap ('1.3 万' is not this)."""
    left = re.search(r"[\d.]+$", text[:i])
    right = re.match(r"\d+", text[i + 1 :])
    return bool(left and right and len(left.group()) + len(right.group()) <= 4)


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence-ending punctuation (closing quotes allowed)."""
    text = text.rstrip().rstrip(_CLOSERS)
    return bool(text) and text[-1] in _TERMINAL


def is_standalone(text: str) -> bool:
    """Lines that always form a paragraph of their own: dates, marks, labelled fields."""
    return bool(
        is_date_line(text)
        or DISCLOSURE_MARK.match(text)
        or CLASS_MARK.match(text)
        or PAGE_MARK.match(text)
    )


def clean(extracted: Extracted) -> list[Paragraph]:
    """The document's paragraphs, rebuilt and tidied."""
    lines = [
        line
        for line in extracted.lines
        if line.text.strip() and not PAGE_MARK.match(line.text) and not _invisible(line.text)
    ]
    wrapped = extracted.wrapped
    if wrapped is None:
        wrapped = looks_wrapped(lines)
    if wrapped:
        lines = [line for line in lines if not BARE_NUMBER.match(line.text)]
        paragraphs = unwrap(lines, geometry=extracted.format == "pdf")
    else:
        paragraphs = [Paragraph(_collapse(line.text), line.align, line.part) for line in lines]
    return [p for p in paragraphs if p.text]


def _invisible(text: str) -> bool:
    return not any(unicodedata.category(c)[0] in "LNPS" for c in text)


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def looks_wrapped(lines: list[Line]) -> bool:
    """True when most lines have the same width: text hard-wrapped at a margin."""
    widths = sorted(width(line.text) for line in lines if width(line.text) >= 8)
    if len(widths) < 6:
        return False
    full = widths[int(len(widths) * 0.75)]
    near = sum(1 for w in widths if full - 3.5 <= w <= full + 1.5) / len(widths)
    longer = sum(1 for w in widths if w > full + 3) / len(widths)
    return full <= 60 and near >= 0.5 and longer <= 0.1


def full_width(lines: list[Line]) -> float:
    """The typical width of a full line."""
    widths = sorted(width(line.text) for line in lines if width(line.text) >= 8)
    if not widths:
        return 0.0
    top = widths[int(len(widths) * 0.75)]
    near = [w for w in widths if top - 2 <= w <= top + 1.5]
    return _mode(near) if near else top


def _mode(values: list[float]) -> float:
    counts: dict[float, int] = {}
    for v in values:
        counts[round(v)] = counts.get(round(v), 0) + 1
    return max(counts, key=lambda k: (counts[k], k))


def unwrap(lines: list[Line], *, geometry: bool = False) -> list[Paragraph]:
    """Join hard-wrapped lines into paragraphs."""
    if not lines:
        return []
    full = full_width(lines)
    gaps_mean = sum(1 for line in lines[1:] if line.gap) < 0.6 * max(len(lines) - 1, 1)
    indents_mean = sum(1 for line in lines if line.indent) >= 3 and not geometry
    paragraphs: list[Paragraph] = []
    current: list[Line] = [lines[0]]
    for a, b in itertools.pairwise(lines):
        first = len(current) == 1
        if _breaks(a, b, first, full, geometry, gaps_mean, indents_mean):
            paragraphs.append(_join(current))
            current = [b]
        else:
            current.append(b)
    paragraphs.append(_join(current))
    return paragraphs


def _breaks(
    a: Line, b: Line, first: bool, full: float, geometry: bool, gaps_mean: bool, indents: bool
) -> bool:
    """Does a paragraph end between line a and the next line b?"""
    at, bt = a.text.strip(), b.text.strip()
    if a.align or b.align or a.part != b.part:
        return True
    if gaps_mean and b.gap:
        return True
    if (geometry or indents) and b.indent:
        return True
    if is_standalone(at) or is_standalone(bt) or LABEL_START.match(bt):
        return True
    if LABEL_START.match(at) and _addressee_like(bt, full):
        return True
    a_ends = ends_sentence(at)
    if ENUM_START.match(bt) and (a_ends or not _is_full(a, first, full, geometry)):
        return True
    if geometry:
        return not a.full
    wa = width(at)
    if bt[:1] in _NO_START or at[-1:] in _NO_END or (len(bt) > 1 and bt[1] in _NO_START):
        # Kinsoku: the wrapper moved a character to keep punctuation off a line start/end.
        short_by = 4.5 if first else 3.5
    else:
        short_by = 3.5 if first else 2.5
    if wa < full - short_by:
        return True
    if not a_ends:
        return False
    # A full line that ends a sentence: a new paragraph only if b looks like one.
    wb = width(bt)
    if OPENERS.match(bt):
        return True
    return full - 3.5 <= wb <= full - 1.5 and not indents


def _addressee_like(text: str, full: float) -> bool:
    """A short line ending with a colon and no other punctuation: 致公党杨浦区委："""
    body = text.rstrip("：:")
    return text != body and width(text) < full - 3 and not re.search(r"[，。；,;：:]", body)


def _is_full(a: Line, first: bool, full: float, geometry: bool) -> bool:
    if geometry:
        return bool(a.full)
    return width(a.text) >= full - (3.5 if first else 2.5)


def _join(lines: list[Line]) -> Paragraph:
    text = lines[0].text.strip()
    for line in lines[1:]:
        nxt = line.text.strip()
        if (
            text
            and nxt
            and text[-1].isascii()
            and text[-1].isalpha()
            and nxt[0].isascii()
            and nxt[0].isalpha()
        ):
            text += " " + nxt
        else:
            text += nxt
    return Paragraph(_collapse(text), lines[0].align, lines[0].part)
