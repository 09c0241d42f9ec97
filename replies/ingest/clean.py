"""Undo extraction damage: rejoin hard-wrapped lines, drop page marks, tidy whitespace.

Hard-wrapped text (PDF extraction) is rebuilt into paragraphs from the document's own
line-length statistics: a line shorter than the typical full line ends its paragraph, a
paragraph's first line is typically shorter by its lost indent, and sentence-ending
punctuation, numbered headings, dates and labelled header/footer lines mark boundaries.
Cleaning never drops or duplicates a character of the text, except whole page-number lines.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from replies.ingest.extract import Extracted, Line
from replies.ingest.numerals import is_date_line

#: Header and footer labels (办理结果：, 签发人：, 联系人：…), longest first.
LABELS = (
    "承办单位通讯地址", "联系人及联系电话", "联系人及联系方式", "联系单位及电话", "承办单位地址",
    "联系人及电话", "联系人和电话", "联系人姓名", "承办负责人", "办理结果", "办理类别",
    "答复类别", "办复类别", "签发领导", "提案编号", "公开类型", "会办单位", "协办单位",
    "主办单位", "主管领导", "分管领导", "责任领导", "联系电话", "联系方式", "办公电话",
    "联系单位", "通讯地址", "通信地址", "联系地址", "单位地址", "邮政编码", "公开属性",
    "公开方式", "签发人", "签批人", "审签人", "提案号", "承办人", "经办人", "办理人", "联系人",
    "邮编", "抄送", "抄报", "附件", "电话", "手机", "地址", "类别",
)  # fmt: skip
LABEL_START = re.compile(r"^\s*(?:{})\s*[：:]".format("|".join(LABELS)))
#: Formats whose lines carry measured geometry (full/indent from pdf_layout): PDF text
#: layers and OCR'd scans. Their lines are unwrapped by that geometry, not by counting
#: characters, which an OCR engine that misses one would mislead.
GEOMETRY_FORMATS = frozenset({"pdf", "pdf-ocr", "image-ocr"})
#: A header line that ends where it is: one carrying 签发人/类别, or a document number line
#: (青住建函〔2021〕45号, perhaps with a class letter or 签发人 after it). A body line that
#: cites a document number (…（青发〔2021〕45号）要求…) is not one.
HEADER_LINE = re.compile(
    r"(?:^|\s)(?:签\s*发\s*人|类\s*别)\s*[：:]"
    r"|^\s*[\u4e00-\u9fff]{1,10}\s*[〔\[［【]\s*\d{4}\s*[〕\]］】]\s*第?\s*\d+\s*号\s*(?:[ABC]类?)?\s*$"
)
PAGE_MARK = re.compile(
    r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
DISCLOSURE_MARK = re.compile(
    r"^\s*(?:[（(]\s*[此本]\s*件[^）)]{1,12}[）)]|[此本]\s*件\s*(?:公开发布|主动公开|依申请公开|不予公开))\s*$"
)
CLASS_MARK = re.compile(r"^\s*[【\[（(]?\s*[ABCＡＢＣ]\s*(?:类)?\s*[】\]）)]?\s*$")
TITLE_END = re.compile(r"(答复|答复函|的函|复函|意见)\s*$")
_TITLE_WORDS = re.compile(r"届.*会议|第\s*\S+\s*号提案")
SECTION_START = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*、")
ENUM_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[、.．](?!\d)|[（(]\s*\d{1,2}\s*[）)])"
)
FORMULA_END = re.compile(r"(?:答复|函复|函告|回复|报告|意见)如下[：:]\s*$")
OPENERS = re.compile(r"^\s*(?:感谢|特此|以上|此复|专此|再次感谢|最后|下一步)")
_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’）)》」』】\"'"
_NO_START = "，。、；：？！”’）》」』】,.;:?!)"
_NO_END = "“‘（《「『【("
_NO_START_CHARS = "".join(_NO_START)


@dataclass
class Paragraph:
    """A paragraph of the cleaned document."""

    text: str
    align: str | None = None
    part: str = "body"


@functools.lru_cache(maxsize=8192)
def _cell(c: str) -> float:
    if c.isspace():
        return 0.0
    return 0.5 if unicodedata.east_asian_width(c) in ("Na", "H", "N") else 1.0


@functools.lru_cache(maxsize=4096)
def width(text: str) -> float:
    """Printed width in character cells: CJK and full-width 1, ASCII/half-width ½."""
    return sum(map(_cell, text))


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
    if len(text) > 1 and text[-1] == "." and is_cjk(text[-2]):
        return True  # a half-width full stop after Chinese text: …关心和支持.
    return bool(text) and text[-1] in _TERMINAL


def is_standalone(text: str) -> bool:
    """Lines that always form a paragraph of their own: dates, marks, labelled fields."""
    return bool(
        is_date_line(text)
        or DISCLOSURE_MARK.match(text)
        or CLASS_MARK.match(text)
        or PAGE_MARK.match(text)
    )


def _radical_table() -> dict[int, str]:
    """Kangxi radicals and CJK compatibility ideographs → the ideographs they stand for."""
    table = {}
    for cp in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]:
        unified = unicodedata.normalize("NFKC", chr(cp))
        if len(unified) == 1 and unified != chr(cp):
            table[cp] = unified
    return table


#: PDF converters often emit look-alike code points (⾏ U+2F8F for 行): the text as read
#: uses the ordinary ideograph, one character for one.
RADICALS = _radical_table()


def clean(extracted: Extracted) -> list[Paragraph]:
    """The document's paragraphs, rebuilt and tidied."""
    for line in extracted.lines:
        line.text = line.text.translate(RADICALS)
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
        paragraphs = unwrap(lines, geometry=extracted.format in GEOMETRY_FORMATS)
    else:
        paragraphs = [Paragraph(_collapse(line.text), line.align, line.part) for line in lines]
    return [p for p in paragraphs if p.text]


def _invisible(text: str) -> bool:
    return not any(unicodedata.category(c)[0] in "LNPS" for c in text)


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def looks_wrapped(lines: list[Line]) -> bool:
    """True for text hard-wrapped at a margin: lines of one width, most ending mid-sentence."""
    texts = [line.text.strip() for line in lines if width(line.text) >= 8]
    if len(texts) < 6:
        return False
    widths = sorted(width(t) for t in texts)
    full = widths[int(len(widths) * 0.75)]
    near = sum(1 for w in widths if full - 3.5 <= w <= full + 1.5) / len(widths)
    longer = sum(1 for w in widths if w > full + 3) / len(widths)
    open_ends = sum(1 for t in texts if unicodedata.category(t[-1])[0] in "LN") / len(texts)
    return full <= 60 and longer <= 0.1 and (near >= 0.5 or open_ends >= 0.5)


def full_width(lines: list[Line]) -> float:
    """The width of a full line: the widest width (seen twice) of lines that end mid-word.

    Lines ending in punctuation are left out (punctuation may hang past the margin), and so
    are lines with Latin text (their widths are uncertain) when there are enough others.
    """
    texts = [line.text.strip() for line in lines]
    body = [
        t
        for t in texts
        if width(t) >= 8 and not LABEL_START.match(t) and not _TITLE_WORDS.search(t)
    ]
    open_ended = [t for t in body if unicodedata.category(t[-1])[0] == "L"]
    cjk_only = [t for t in open_ended if not any(c.isascii() for c in t)]
    pool = cjk_only if len(cjk_only) >= 6 else open_ended
    counts: dict[float, int] = {}
    for t in pool:
        counts[width(t)] = counts.get(width(t), 0) + 1
    repeated = [w for w, n in counts.items() if n >= 2]
    widths = sorted(width(t) for t in texts if width(t) >= 8)
    if repeated and widths and max(repeated) < 0.8 * widths[int(len(widths) * 0.75)]:
        # Few lines end mid-word (half-width punctuation ends most of them): the lines
        # that do are short ones, such as a unit's name printed twice, not full lines.
        repeated = []
    if repeated:
        # Short documents may show few full lines: any line ending mid-word, and any line
        # hanging one punctuation mark, also shows how wide a line can be.
        best = max(repeated)
        singles = [w for w in counts if w <= best + 3]
        hanging = [
            width(t) - (len(t) - len(t.rstrip(_NO_START_CHARS)))
            for t in body
            if t[-1] in _NO_START and not any(c.isascii() for c in t) and width(t) <= best + 4
        ]
        return max([best, *singles, *hanging])
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


@dataclass
class _Layout:
    """What the whole document says about its wrapping."""

    full: float  # width of a full line, in cells
    geometry: bool  # lines carry PDF geometry (full/indent measured)
    gaps: bool  # blank lines separate paragraphs (not one after every line)
    indents: bool  # leading indentation marks paragraph starts
    lost_indent: float = 2.0  # a first line is this much shorter than a full line
    lead: float = 0.0  # extra width line a may have had at its start


def unwrap(lines: list[Line], *, geometry: bool = False) -> list[Paragraph]:
    """Join hard-wrapped lines into paragraphs."""
    if not lines:
        return []
    layout = _Layout(
        full=full_width(lines),
        geometry=geometry,
        gaps=sum(1 for line in lines[1:] if line.gap) < 0.6 * max(len(lines) - 1, 1),
        indents=sum(1 for line in lines if line.indent) >= 3 and not geometry,
    )
    paragraphs: list[Paragraph] = []
    current: list[Line] = [lines[0]]
    for k in range(len(lines) - 1):
        a, b = lines[k], lines[k + 1]
        c = lines[k + 2] if k + 2 < len(lines) else None
        # A blank after a Latin/digit run at the end of the previous line may have been
        # dropped from the start of this one; it took space when the text was wrapped.
        prev = lines[k - 1].text.rstrip() if k else ""
        start = a.text.lstrip()[:1]
        layout.lead = 0.5 if any(x.isascii() and x.isalnum() for x in (prev[-1:], start)) else 0.0
        if _breaks(a, b, c, len(current) == 1, layout):
            paragraphs.append(_join(current))
            current = [b]
        else:
            current.append(b)
    paragraphs.append(_join(current))
    return paragraphs


def token_width(text: str) -> float:
    """Width of the first unbreakable piece of a line: a Latin/digit run or one character,
    with an opening bracket before it and the punctuation that may not start a line after
    it attached (kinsoku)."""
    text = text.strip()
    k = 0
    while k < len(text) and text[k] in _NO_END:
        k += 1
    m = re.match(r"[A-Za-z0-9][A-Za-z0-9.%]*", text[k:])
    k += m.end() if m else 1
    while k < len(text) and text[k] in _NO_START:
        k += 1
    return width(text[:k])


def _is_latin(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


def _fits(line: str, nxt: str, limit: float, extra: float = 0.0) -> bool:
    """Would the next line's first piece have fitted at the end of this line?

    Latin letters and digits are narrower than CJK but not exactly half as wide, and the
    blanks extraction leaves around them took space on the page: lines holding them get
    some slack, so a line is only called short when it clearly is.
    """
    line = line.lstrip()
    ascii_chars = sum(1 for c in line if c.isascii() and not c.isspace())
    blanks = len(re.findall(r"\s+", line))
    slack = 0.15 * ascii_chars + 0.5 * blanks + extra
    return width(line) + token_width(nxt) + slack <= limit + 0.01


def _breaks(a: Line, b: Line, c: Line | None, first: bool, layout: _Layout) -> bool:
    """Does a paragraph end between line a and the next line b (c follows b)?"""
    at, bt = a.text.strip(), b.text.strip()
    if a.align or b.align or a.part != b.part:
        return True
    if layout.gaps and b.gap:
        return True
    if (layout.geometry or layout.indents) and b.indent:
        return True
    if is_standalone(at) or is_standalone(bt) or LABEL_START.match(bt) or HEADER_LINE.search(at):
        return True
    title_like = TITLE_END.search(at) and not re.search(r"[，。；,;]", at)
    if (LABEL_START.match(at) or title_like) and _addressee_like(bt, layout.full):
        return True
    if FORMULA_END.search(at):
        return True  # the opening formula ends its paragraph: …现答复如下：
    a_ends = ends_sentence(at)
    if layout.geometry:
        if ENUM_START.match(bt) and (a_ends or not a.full):
            return True
        return not a.full
    full = layout.full
    # A blank between a Latin/digit run and Chinese text at the line break took space too.
    boundary = 0.5 if _is_latin(at[-1:]) != _is_latin(bt[:1]) else 0.0
    if _fits(a.text, bt, full - layout.lost_indent if first else full, layout.lead + boundary):
        return True  # b's first piece would have fitted: a ended its paragraph
    heading = first and bool(SECTION_START.match(at)) and "。" not in at
    if not (a_ends or heading):
        return False  # a full line in mid-sentence
    if ENUM_START.match(bt):
        return True
    # a is full and could end its paragraph: decide by the shape of b.
    shape = _shape(b.text, c.text.strip() if c is not None else None, layout)
    if shape == "first" and not ends_sentence(bt):
        return True
    if shape == "continued":
        return False
    if shape in ("last", "first"):
        # b ends a paragraph: its own (a one-line paragraph) or a's.
        if not ends_sentence(bt):
            return True  # a signature, heading or label: never the end of a's sentence
        return bool(OPENERS.match(bt)) or heading
    return heading


def _shape(b_raw: str, ct: str | None, layout: _Layout) -> str:
    """'first' (a full first line), 'continued' (a full line), 'last' (short) or 'unknown'."""
    full, indent = layout.full, layout.lost_indent
    bt = b_raw.strip()
    if ct is None:
        return "last"
    if width(bt) > full - indent + 1:
        return "continued"
    if _fits(b_raw, ct, full - indent):
        return "last"
    if _fits(b_raw, ct, full):
        return "first"
    return "unknown"


def _addressee_like(text: str, full: float) -> bool:
    """A short line ending with a colon and no other punctuation: 致公党杨浦区委："""
    body = text.rstrip("：:")
    return text != body and width(text) < full - 3 and not re.search(r"[，。；,;：:]", body)


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
