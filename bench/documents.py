"""Render a reply spec into the documents offices publish, deterministically.

Commands (run from the project root):

    python bench/documents.py render-samples   # fixtures/samples/specs/*.json -> .../docs/
    python bench/documents.py check-specs      # validate the specs and print what they span
    python bench/documents.py render SPEC.json [--format html] [--encoding gbk] [-o FILE]

Library use (the benchmark generator calls the text renderings):

    render(spec, "txt-pdf-extract", encoding="gb18030", seed=7) -> bytes
    render_text(spec, "txt-clean", seed=7) -> str

Formats, modelled on the development corpus (see bench/specs.py for the spec keys):

* ``txt-pdf-extract``: text as extracted from a PDF: hard wraps at 24-29 units, a blank line
  after every line, a space starting each page, split numbers, title over two lines.
* ``txt-clean``: one paragraph per line, UTF-8 or GB18030.
* ``docx``: python-docx, centred title, indents, header fields sometimes in a table.
* ``pdf``: reportlab with the built-in STSong-Light CID font (no font download).
* ``html``: a government information-disclosure page, UTF-8 or GBK.

Every choice not fixed by the spec's ``hints`` comes from a ``random.Random`` seeded by the
spec id, the format and ``seed``: the same input always gives the same bytes, and no
module-level state is touched (apart from registering the CID font with reportlab once).
"""

from __future__ import annotations

import argparse
import datetime
import html
import io
import json
import random
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specs import FORMATS, check_spec, cn_date, load_specs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"
EXTENSIONS = {
    "txt-pdf-extract": "txt",
    "txt-clean": "txt",
    "docx": "docx",
    "pdf": "pdf",
    "html": "html",
}
TEXT_FORMATS = ("txt-pdf-extract", "txt-clean")

_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/]*")
_NO_LINE_START = frozenset("，。、；：？！）》」』”’％…")
_NO_LINE_END = frozenset("（《「『“‘")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class Layout:
    """The printed parts of a reply, in reading order, before any format is applied."""

    corner: str | None
    doc_number: str | None
    title: str
    title_split: int
    header: tuple[str, ...]
    co_line: str | None
    addressee: str | None
    paragraphs: tuple[str, ...]
    signature: str
    date: str
    disclosure: str | None
    contacts: tuple[tuple[str, ...], ...]
    cc: str | None


# --------------------------------------------------------------------------- layout


def make_rng(spec: Mapping[str, Any], fmt: str, seed: int | str = 0) -> random.Random:
    """The random source for one rendering: fixed by spec id, format and seed."""
    return random.Random(f"{spec.get('id', '')}|{fmt}|{seed}")


def layout(spec: Mapping[str, Any], rng: random.Random, fmt: str) -> Layout:
    """Decide the printed parts of a reply from its spec and hints."""
    hints = spec.get("hints") or {}
    result, result_class = spec.get("result"), spec.get("result_class")
    corner = None
    if result_class and (result is None or hints.get("corner_mark")):
        corner = result_class
    header = []
    if result:
        header.append(f"办理结果：{result}")
    if spec.get("signer"):
        header.append(f"签发人：{spec['signer']}")
    co_line = None
    if hints.get("co_line"):
        co_line = f"{hints['co_line']}：{'、'.join(spec['co_departments'])}"
    return Layout(
        corner=corner,
        doc_number=hints.get("doc_number"),
        title=spec["title"],
        title_split=_title_split(spec["title"], hints, rng),
        header=tuple(header),
        co_line=co_line,
        addressee=_addressee(spec, hints),
        paragraphs=tuple(spec["paragraphs"]),
        signature=spec["department"],
        date=_date_text(spec["date"], hints, rng, fmt),
        disclosure=f"（此件{spec['disclosure']}）" if spec.get("disclosure") else None,
        contacts=_contacts(spec, hints, rng),
        cc=hints.get("cc"),
    )


def _title_split(title: str, hints: Mapping[str, Any], rng: random.Random) -> int:
    if "title_split" in hints:
        return int(hints["title_split"])
    after_meeting = title.find("会议") + 2
    if after_meeting > 8 and rng.random() < 0.6:
        return after_meeting
    cut = rng.randint(int(len(title) * 0.4), int(len(title) * 0.7))
    while cut > 0 and title[cut - 1].isascii() and title[cut].isascii():
        cut -= 1  # never break a number or Latin word
    return cut


def _addressee(spec: Mapping[str, Any], hints: Mapping[str, Any]) -> str | None:
    if "addressee" in hints:
        return hints["addressee"] or None
    if spec["doc_kind"] == "会办意见":
        return f"{spec['co_departments'][0]}："
    prefix = "尊敬的" if hints.get("respectful") else ""
    return f"{prefix}{spec['proposer']}："


def _date_text(iso: str, hints: Mapping[str, Any], rng: random.Random, fmt: str) -> str:
    date = datetime.date.fromisoformat(iso)
    style = hints.get("date_style")
    if style is None:
        style = "chinese" if fmt in ("docx", "pdf", "html") and rng.random() < 0.3 else "arabic"
    if style == "chinese":
        return cn_date(date)
    return f"{date.year}年{date.month}月{date.day}日"


_CONTACT_LABELS = (
    ("联系人：", "联系电话：", "通讯地址：", "邮政编码："),
    ("联系人姓名：", "联系电话：", "承办单位通讯地址：", "邮政编码："),
    ("联系人：", "电话：", "地址：", "邮编："),
)


def _contacts(
    spec: Mapping[str, Any], hints: Mapping[str, Any], rng: random.Random
) -> tuple[tuple[str, ...], ...]:
    style = hints.get("contact_style")
    labels = _CONTACT_LABELS[style if style is not None else rng.randrange(3)]
    values = (spec.get("contact_name"), spec.get("contact_phone"))
    values += (spec.get("address"), spec.get("postcode"))
    first = tuple(f"{label}{v}" for label, v in zip(labels[:2], values[:2], strict=True) if v)
    second = tuple(f"{label}{v}" for label, v in zip(labels[2:], values[2:], strict=True) if v)
    return tuple(line for line in (first, second) if line)


def title_lines(lay: Layout) -> list[str]:
    """The title broken into its two printed lines."""
    return [lay.title[: lay.title_split], lay.title[lay.title_split :]]


# --------------------------------------------------------------------------- text


def text_units(text: str) -> float:
    """Printed width: CJK and full-width characters 1, ASCII one half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def wrap(text: str, width: float, first_width: float) -> list[str]:
    """Hard-wrap like a PDF line box: ASCII runs kept whole, no closing mark starts a line."""
    tokens = re.findall(r"[A-Za-z0-9.%+\-/]+| |.", text)
    lines: list[str] = []
    current: list[str] = []
    used, limit = 0.0, first_width
    for token in tokens:
        size = text_units(token)
        if current and used + size > limit:
            if token[0] in _NO_LINE_START:
                current.append(token)
                used += size
                continue
            carry: list[str] = []
            while current and current[-1] in _NO_LINE_END:
                carry.insert(0, current.pop())
            lines.append("".join(current).strip())
            current, used, limit = carry, text_units("".join(carry)), width
        current.append(token)
        used += size
    lines.append("".join(current).strip())
    return [line for line in lines if line]


def _is_ideograph(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def stray_blanks(text: str, rng: random.Random, rate: float) -> str:
    """Put the blanks PDF extraction leaves around Latin/digit runs (约 310 亿元)."""

    def blank(match: re.Match[str]) -> str:
        if rng.random() >= rate:
            return match[0]
        side = rng.random()
        preceding = match.string[match.start() - 1 : match.start()]
        following = match.string[match.end() : match.end() + 1]
        before = " " if side < 0.7 and _is_ideograph(preceding) else ""
        after = " " if side > 0.3 and _is_ideograph(following) else ""
        return f"{before}{match[0]}{after}"

    return _ASCII_RUN.sub(blank, text)


PAGE_NUMBER_STYLES = ("dash", "hyphen", "of", "page", "plain")


def page_number(style: str, page: int, total: int | None = None) -> str:
    """A page-number line: — 2 —, - 2 -, 第 2 页 共 3 页 (第2页 without a total), 第2页, 2."""
    if style == "of" and total is None:
        style = "page"
    return {
        "dash": f"— {page} —",
        "hyphen": f"- {page} -",
        "of": f"第 {page} 页 共 {total} 页",
        "page": f"第{page}页",
        "plain": str(page),
    }[style]


def render_pdf_extract(lay: Layout, hints: Mapping[str, Any], rng: random.Random) -> str:
    """Text as a PDF extractor leaves it (see the module docstring)."""
    width = hints.get("wrap") or rng.randint(24, 29)
    rate = hints.get("blank_rate", rng.choice((0.0, 0.3, 0.5, 0.7)))
    # (text, blank line after it)
    lines: list[tuple[str, bool]] = []
    if lay.corner:
        lines.append((lay.corner, True))
    if lay.doc_number:
        lines.append((lay.doc_number, True))
    first, second = title_lines(lay)
    if rng.random() < 0.8:
        first, second = (re.sub(r"第(\d+)号", r"第 \1 号", part) for part in (first, second))
    lines += [(first, False), (second, True)]
    if lay.header:
        lines.append((" ".join(lay.header), True))
    for extra in (lay.co_line, lay.addressee):
        if extra:
            lines.append((extra, True))
    for paragraph in lay.paragraphs:
        text = stray_blanks(paragraph, rng, rate)
        indent = 0 if _HEADING.match(paragraph) and rng.random() < 0.3 else 2
        lines += [(line, True) for line in wrap(text, width, width - indent)]
    date = lay.date
    if rng.random() < 0.7:
        date = re.sub(r"年(\d+)月(\d+)日", r"年 \1月 \2日", date)
    lines += [(lay.signature, True), (date, True)]
    if lay.disclosure:
        lines.append((lay.disclosure, True))
    lines += [(" ".join(fields), True) for fields in lay.contacts]
    if lay.cc:
        lines.append((lay.cc, True))

    page_size = hints.get("page_lines") or rng.randint(22, 26)
    style = hints.get("page_numbers", rng.choice((None, None, "dash", "hyphen", "of", "plain")))
    pages = [lines[i : i + page_size] for i in range(0, len(lines), page_size)]
    out = []
    for number, page in enumerate(pages, 1):
        chunk = "".join(text + ("\n\n" if blank else "\n") for text, blank in page)
        chunk = " " + chunk
        if style:
            chunk = chunk.rstrip("\n") + "\n\n" + page_number(style, number, len(pages)) + "\n"
        elif number < len(pages):
            chunk = chunk.rstrip("\n") + "\n"
        out.append(chunk)
    text = "".join(out)
    return text if text.endswith("\n\n") else text + "\n"


def render_clean(lay: Layout, hints: Mapping[str, Any], rng: random.Random) -> str:
    """One paragraph per line, optional indents, optional blank lines, CRLF in some."""
    indent = hints.get("indent", rng.choice(("　　", "　　", "    ", ""))) or ""
    blank = hints.get("blank_lines", rng.random() < 0.4)
    newline = "\r\n" if hints.get("crlf", rng.random() < 0.2) else "\n"
    two_line_title = hints.get("title_lines", rng.choice((1, 1, 2))) == 2
    gap = "　　" if rng.random() < 0.5 else "  "
    lines: list[str] = []
    if lay.corner:
        lines.append(lay.corner)
    if lay.doc_number:
        lines.append(lay.doc_number)
    meeting = lay.title.find("会议") + 2
    if two_line_title and meeting > 1:  # clean text breaks a title where a person would
        lines += [lay.title[:meeting], lay.title[meeting:]]
    else:
        lines.append(lay.title)
    if lay.header:
        lines.append(gap.join(lay.header))
    lines += [x for x in (lay.co_line, lay.addressee) if x]
    lines += [indent + p for p in lay.paragraphs]
    sign_pad = " " * hints.get("sign_indent", rng.choice((0, 0, 24, 32)))
    lines += [sign_pad + lay.signature, sign_pad + lay.date]
    if lay.disclosure:
        lines.append(lay.disclosure)
    lines += [gap.join(fields) for fields in lay.contacts]
    if lay.cc:
        lines.append(lay.cc)
    sep = newline * 2 if blank else newline
    return sep.join(lines) + newline


# --------------------------------------------------------------------------- docx


def _split_runs(text: str, rng: random.Random) -> list[str]:
    """Cut text into runs the way Word does: at Latin/digit runs and at random edits."""
    pieces = [p for p in re.split(r"([A-Za-z0-9][A-Za-z0-9.%+\-/]*)", text) if p]
    runs: list[str] = []
    for piece in pieces:
        while len(piece) > 12 and rng.random() < 0.35:
            cut = rng.randint(4, len(piece) - 4)
            runs.append(piece[:cut])
            piece = piece[cut:]
        runs.append(piece)
    return runs


def render_docx(lay: Layout, hints: Mapping[str, Any], rng: random.Random, meta: dict) -> bytes:
    """A Word document as offices write them (python-docx)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    def east_asian(run: Any, font: str) -> None:
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    def add(text: str, *, font: str | None = None, size: float | None = None, **fmt: Any) -> Any:
        paragraph = document.add_paragraph()
        for key, value in fmt.items():
            setattr(paragraph.paragraph_format, key, value)
        for piece in _split_runs(text, rng):
            run = paragraph.add_run(piece)
            if font:
                east_asian(run, font)
            if size:
                run.font.size = Pt(size)
        return paragraph

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")

    corner_place = hints.get("docx_corner", rng.choice(("paragraph", "header")))
    if lay.corner and corner_place == "header":
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        east_asian(head.add_run(lay.corner), "黑体")
    elif lay.corner:
        add(lay.corner, font="黑体", alignment=WD_ALIGN_PARAGRAPH.RIGHT)
    if lay.doc_number:
        add(lay.doc_number, alignment=WD_ALIGN_PARAGRAPH.CENTER)
    if rng.random() < 0.5:
        document.add_paragraph()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    parts = title_lines(lay) if hints.get("title_lines", rng.choice((1, 2))) == 2 else [lay.title]
    for index, part in enumerate(parts):
        run = title.add_run(part)
        east_asian(run, "方正小标宋简体")
        run.font.size = Pt(22)
        if index < len(parts) - 1:
            run.add_break()
    if rng.random() < 0.5:
        document.add_paragraph()

    if lay.header and hints.get("header_table", rng.random() < 0.3):
        table = document.add_table(rows=1, cols=len(lay.header))
        table.style = "Table Grid"
        for cell, field in zip(table.rows[0].cells, lay.header, strict=True):
            cell.paragraphs[0].add_run(field)
        if lay.co_line:
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
            merged.paragraphs[0].add_run(lay.co_line)
    else:
        if lay.header:
            add("　　".join(lay.header))
        if lay.co_line:
            add(lay.co_line)
    if lay.addressee:
        add(lay.addressee)

    fullwidth_indent = hints.get("indent") == "　　" or (
        "indent" not in hints and rng.random() < 0.3
    )
    headings = [i for i, p in enumerate(lay.paragraphs) if _HEADING.match(p)]
    page_break_at = rng.choice(headings[1:]) if len(headings) > 2 and rng.random() < 0.5 else None
    for index, paragraph in enumerate(lay.paragraphs):
        if index == page_break_at:
            document.add_page_break()
        is_heading = bool(_HEADING.match(paragraph))
        text = "　　" + paragraph if fullwidth_indent else paragraph
        indent = None if fullwidth_indent else Pt(32)
        align = None if is_heading else WD_ALIGN_PARAGRAPH.JUSTIFY
        add(text, font="黑体" if is_heading else None, first_line_indent=indent, alignment=align)

    for _ in range(rng.choice((1, 1, 2))):
        document.add_paragraph()
    right = {"alignment": WD_ALIGN_PARAGRAPH.RIGHT, "right_indent": Cm(1.1)}
    add(lay.signature, **right)
    add(lay.date, **right)
    if lay.disclosure:
        add(lay.disclosure, first_line_indent=Pt(32))
    for fields in lay.contacts:
        add("　　".join(fields))
    if lay.cc:
        add(lay.cc)

    props = document.core_properties
    stamp = datetime.datetime.fromisoformat(meta["date"]).replace(hour=9)
    props.author = props.last_modified_by = meta["department"]
    props.title = lay.title
    props.created = props.modified = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same document gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- pdf

CID_FONT = "STSong-Light"


def _register_cid_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))


def render_pdf(lay: Layout, hints: Mapping[str, Any], rng: random.Random, meta: dict) -> bytes:
    """An A4 PDF with a text layer in the STSong-Light CID font (reportlab)."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _register_cid_font()
    size = 16
    base = ParagraphStyle("body", fontName=CID_FONT, fontSize=size, leading=28, wordWrap="CJK")
    justify = TA_JUSTIFY if hints.get("justify", rng.random() < 0.7) else TA_LEFT
    body = ParagraphStyle("para", parent=base, firstLineIndent=2 * size, alignment=justify)
    heading = ParagraphStyle("heading", parent=body, alignment=TA_LEFT)
    title_style = ParagraphStyle(
        "title", parent=base, fontSize=21, leading=32, alignment=TA_CENTER, spaceAfter=18
    )
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT, rightIndent=2 * size)
    plain = ParagraphStyle("plain", parent=base)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(xml_escape(text), style)

    story: list[Any] = []
    if lay.doc_number:
        story.append(para(lay.doc_number, ParagraphStyle("no", parent=base, alignment=TA_CENTER)))
    parts = title_lines(lay)
    if hints.get("title_lines") == 3 or (len(lay.title) > 34 and "title_lines" not in hints):
        cut = len(parts[1]) // 2
        parts = [parts[0], parts[1][:cut], parts[1][cut:]]
    story.append(Paragraph("<br/>".join(xml_escape(p) for p in parts), title_style))
    if lay.header and len(lay.header) == 2 and hints.get("header_split", rng.random() < 0.5):
        cells = [[para(lay.header[0], plain), para(lay.header[1], right)]]
        table = Table(cells, colWidths=["55%", "45%"])
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(table)
    elif lay.header:
        story.append(para("　　".join(lay.header), plain))
    for extra in (lay.co_line, lay.addressee):
        if extra:
            story.append(para(extra, plain))
    for paragraph in lay.paragraphs:
        story.append(para(paragraph, heading if _HEADING.match(paragraph) else body))
    signed = [Spacer(1, 20), para(lay.signature, right), para(lay.date, right)]
    story.append(KeepTogether(signed))  # the signing unit never leaves its date behind
    if lay.disclosure:
        story.append(para(lay.disclosure, body))
    story += [para("　　".join(fields), plain) for fields in lay.contacts]
    if lay.cc:
        story.append(para(lay.cc, plain))

    page_style = hints.get("page_numbers", rng.choice((None, "dash", "dash", "page", "hyphen")))
    width, height = A4

    def first_page(canvas: Any, doc: Any) -> None:
        if lay.corner:
            canvas.setFont(CID_FONT, 18)
            canvas.drawRightString(width - 26 * mm, height - 22 * mm, lay.corner)
        later_pages(canvas, doc)

    def later_pages(canvas: Any, doc: Any) -> None:
        if page_style:
            canvas.setFont(CID_FONT, 14)
            label = page_number(page_style, doc.page)
            canvas.drawCentredString(width / 2, 18 * mm, label)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=lay.title,
        author=meta["department"],
        creator=meta["department"],
        invariant=1,
    )
    document.build(story, onFirstPage=first_page, onLaterPages=later_pages)
    return buffer.getvalue()


# --------------------------------------------------------------------------- html


def _site_name(department: str) -> str:
    match = re.match(r"(.+?[市州])?(.+?[区县])?", department)
    region = "".join(g for g in (match[1], match[2]) if g) if match else ""
    return f"{region}人民政府" if region else department


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _mso(text: str, font: str = "仿宋_GB2312") -> str:
    """A Word-exported run of spans: Latin/digit runs in Times New Roman."""
    spans = []
    for piece in re.split(r"([A-Za-z0-9][A-Za-z0-9.%+\-/]*)", text):
        if not piece:
            continue
        if _ASCII_RUN.fullmatch(piece):
            spans.append(
                '<span lang="EN-US" style="font-size:16.0pt;font-family:'
                f"'Times New Roman'\">{_esc(piece)}</span>"
            )
        else:
            spans.append(f'<span style="font-size:16.0pt;font-family:{font}">{_esc(piece)}</span>')
    return "".join(spans)


def _html_content(lay: Layout, style: str) -> list[str]:
    head = [*([lay.corner] if lay.corner else []), *([lay.doc_number] if lay.doc_number else [])]
    top = head + (["　　".join(lay.header)] if lay.header else [])
    top += [x for x in (lay.co_line, lay.addressee) if x]
    tail = [lay.disclosure] if lay.disclosure else []
    tail += ["　　".join(fields) for fields in lay.contacts] + ([lay.cc] if lay.cc else [])
    out: list[str] = []
    if style == "br":
        indent = "&nbsp;" * 4
        out += [f"{_esc(x)}<br />" for x in top]
        for p in lay.paragraphs:
            text = f"<strong>{_esc(p)}</strong>" if _HEADING.match(p) else _esc(p)
            out.append(f"{indent}{text}<br />")
        pad = "&nbsp;" * 40
        out += [f"{pad}{_esc(lay.signature)}<br />", f"{pad}{_esc(lay.date)}<br />"]
        out += [f"{_esc(x)}<br />" for x in tail]
        out[-1] = out[-1].removesuffix("<br />")
        return out
    if style == "mso":
        para = '<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">'
        out += [f'<p class="MsoNormal">{_mso(x)}</p>' for x in top]
        out.append('<p class="MsoNormal"><span lang="EN-US">&nbsp;</span></p>')
        for p in lay.paragraphs:
            font = "黑体" if _HEADING.match(p) else "仿宋_GB2312"
            out.append(f'{para}{_mso(p, font)}<span lang="EN-US"><o:p></o:p></span></p>')
        right = '<p class="MsoNormal" align="right" style="text-align:right;margin-right:32.0pt">'
        out += [f"{right}{_mso(lay.signature)}</p>", f"{right}{_mso(lay.date)}</p>"]
        out += [f'<p class="MsoNormal">{_mso(x)}</p>' for x in tail]
        return out
    out += [f"<p>{_esc(x)}</p>" for x in top]
    for p in lay.paragraphs:
        text = f"<strong>{_esc(p)}</strong>" if _HEADING.match(p) else _esc(p)
        out.append(f'<p style="text-indent:2em">{text}</p>')
    out += [f'<p style="text-align:right">{_esc(x)}</p>' for x in (lay.signature, lay.date)]
    out += [f"<p>{_esc(x)}</p>" for x in tail]
    return out


def render_html(
    lay: Layout, hints: Mapping[str, Any], rng: random.Random, meta: dict, encoding: str
) -> str:
    """A government information-disclosure page holding the reply."""
    department = meta["department"]
    site = hints.get("site") or _site_name(department)
    date = datetime.date.fromisoformat(meta["date"])
    published = date + datetime.timedelta(days=rng.randint(6, 45))
    year = date.year
    index_no = f"{rng.randint(1, 99999):09d}/{year}-{rng.randint(10000, 99999)}"
    style = hints.get("html_layout", rng.choice(("p", "br", "mso")))
    colour = rng.choice(("#b0121a", "#0f5aa8", "#1d6b3a", "#9a1c1c"))
    if encoding.lower() in ("gbk", "gb2312", "gb18030"):
        charset = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={encoding.upper()}" />'
        )
    else:
        charset = '<meta charset="utf-8">'
    meta_rows = [
        ("索引号", index_no),
        ("主题分类", hints.get("topic_class", "综合政务/其他")),
        ("发布机构", department),
        ("成文日期", date.isoformat()),
        ("文号", lay.doc_number or "无"),
        ("发布日期", published.isoformat()),
    ]
    if rng.random() < 0.5:
        rows = [
            f"<tr><th>{k}：</th><td>{_esc(v)}</td><th>{k2}：</th><td>{_esc(v2)}</td></tr>"
            for (k, v), (k2, v2) in zip(meta_rows[::2], meta_rows[1::2], strict=True)
        ]
    else:
        rows = [f"<tr><th>{k}：</th><td>{_esc(v)}</td></tr>" for k, v in meta_rows]
    wrapper = (
        ('<div class="TRS_Editor"><div class="Section0">', "</div></div>")
        if style == "mso"
        else ('<div class="article-content" id="zoom">', "</div>")
    )
    attachment = ""
    if rng.random() < 0.5:
        stamp = published.strftime("%Y%m")
        attachment = (
            f'<div class="fujian"><p>附件：<a href="/attach/{stamp}/P0{rng.randint(10**9, 10**10)}'
            f'.pdf" target="_blank">{_esc(lay.title)}.pdf</a></p></div>\n'
        )
    icp = f"{rng.randint(10**7, 10**8 - 1)}"
    title = _esc(lay.title)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            charset,
            '<meta name="viewport" content="width=device-width, initial-scale=1.0" />',
            f'<meta name="SiteName" content="{html.escape(site)}" />',
            f'<meta name="ArticleTitle" content="{html.escape(lay.title)}" />',
            f'<meta name="PubDate" content="{published.isoformat()} 09:30" />',
            f'<meta name="ContentSource" content="{html.escape(department)}" />',
            f"<title>{title}_{_esc(site)}</title>",
            '<link rel="stylesheet" href="/css/common.css" />',
            "<style>",
            'body{margin:0;font-family:"Microsoft YaHei",SimSun,sans-serif;color:#333}',
            f".top{{background:{colour};color:#fff;padding:18px 0}}",
            ".nav ul{list-style:none;margin:0;padding:0}.nav li{display:inline-block;padding:10px}",
            ".xxgk-table{width:100%;border-collapse:collapse}"
            ".xxgk-table th,.xxgk-table td{border:1px solid #ddd;padding:6px}",
            ".article-content p,.zoom{font-size:16px;line-height:2}",
            "</style>",
            '<script type="text/javascript">',
            "var _hmt = _hmt || [];",
            '(function() { var hm = document.createElement("script"); hm.async = true;',
            '  var s = document.getElementsByTagName("script")[0];'
            " s.parentNode.insertBefore(hm, s); })();",
            "</script>",
            "</head>",
            "<body>",
            f'<div class="top"><h2>{_esc(site)}</h2><span class="date" id="today"></span></div>',
            '<div class="nav"><ul><li><a href="/index/">首页</a></li>'
            '<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>'
            '<li><a href="/hdjl/">互动交流</a></li></ul></div>',
            '<div class="container">',
            '<div class="crumb">当前位置：<a href="/index/">首页</a> &gt; '
            '<a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/jytabl/">建议提案办理</a>'
            " &gt; 政协提案答复</div>",
            '<div class="xxgk-meta"><table class="xxgk-table">',
            *rows,
            "</table></div>",
            '<div class="article">',
            f'<h1 class="article-title">{title}</h1>',
            f'<div class="article-info"><span>来源：{_esc(department)}</span>'
            f"<span>发布时间：{published.isoformat()}</span>"
            '<span>字号：[<a href="javascript:doZoom(18)">大</a> '
            '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]'
            "</span></div>",
            wrapper[0],
            *_html_content(lay, style),
            wrapper[1],
            attachment + '<div class="share">分享到：<a class="wx" href="javascript:;">微信</a> '
            '<a href="javascript:window.print()">【打印本页】</a> '
            '<a href="javascript:window.close()">【关闭窗口】</a></div>',
            "</div>",
            "</div>",
            '<div class="footer">',
            f"<p>主办单位：{_esc(site)}办公室 &nbsp; 网站标识码：{rng.randint(10**9, 10**10)}</p>",
            f"<p>ICP备案号：临ICP备{icp}号-1 &nbsp; "
            f"公安机关备案号：{rng.randint(10**13, 10**14)}</p>",
            "</div>",
            '<script>document.getElementById("today").innerHTML ='
            " new Date().toLocaleDateString();</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


# --------------------------------------------------------------------------- entry points


def render_text(spec: Mapping[str, Any], fmt: str | None = None, *, seed: int | str = 0) -> str:
    """Render one of the text formats to a str (fast path for corpus generation)."""
    fmt = fmt or spec["format"]
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"{fmt} is not a text format")
    rng = make_rng(spec, fmt, seed)
    lay = layout(spec, rng, fmt)
    hints = spec.get("hints") or {}
    if fmt == "txt-pdf-extract":
        return render_pdf_extract(lay, hints, rng)
    return render_clean(lay, hints, rng)


def render(
    spec: Mapping[str, Any],
    fmt: str | None = None,
    *,
    encoding: str | None = None,
    seed: int | str = 0,
) -> bytes:
    """Render a spec to the bytes of a document file in ``fmt`` (default: the spec's format)."""
    fmt = fmt or spec["format"]
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    encoding = encoding or (spec.get("encoding") if fmt == spec.get("format") else None)
    if fmt in TEXT_FORMATS:
        return render_text(spec, fmt, seed=seed).encode(encoding or "utf-8")
    rng = make_rng(spec, fmt, seed)
    lay = layout(spec, rng, fmt)
    hints = spec.get("hints") or {}
    meta = {"department": spec["department"], "date": spec["date"]}
    if fmt == "docx":
        return render_docx(lay, hints, rng, meta)
    if fmt == "pdf":
        return render_pdf(lay, hints, rng, meta)
    encoding = encoding or "utf-8"
    page = render_html(lay, hints, rng, meta, encoding)
    return page.encode(encoding, errors="xmlcharrefreplace")


def file_name(spec: Mapping[str, Any], fmt: str | None = None) -> str:
    """The document file name for a spec: ``<id>.<extension>``."""
    return f"{spec['id']}.{EXTENSIONS[fmt or spec['format']]}"


def render_samples(specs_dir: Path, out_dir: Path, manifest: Path | None) -> list[Path]:
    """Render every spec into ``out_dir`` (replacing what was there) and write a manifest.

    The manifest has the corpus scorer's shape (file, case_id, truth, format, encoding), so
    ``score.py OUT --manifest fixtures/samples/manifest.json`` measures the parser on the samples.
    """
    specs = load_specs(specs_dir)
    problems = {s.get("id", "?"): check_spec(s) for s in specs}
    bad = {k: v for k, v in problems.items() if v}
    if bad:
        raise SystemExit("\n".join(f"{k}: {'; '.join(v)}" for k, v in bad.items()))
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        if old.suffix.lstrip(".") in set(EXTENSIONS.values()):
            old.unlink()
    written, entries = [], []
    for spec in specs:
        path = out_dir / file_name(spec)
        path.write_bytes(render(spec))
        written.append(path)
        entries.append(
            {
                "file": f"docs/{path.name}",
                "case_id": spec["id"],
                "truth": f"specs/{spec['id']}.json",
                "format": spec["format"],
                "encoding": spec.get("encoding"),
            }
        )
    if manifest:
        text = json.dumps(entries, ensure_ascii=False, indent=1) + "\n"
        manifest.write_text(text, encoding="utf-8")
    return written


def describe(specs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """What a set of specs spans: councils, sessions, departments, sectors, classes, formats."""

    def count(key: Callable[[Mapping[str, Any]], Any]) -> dict[str, int]:
        return dict(sorted(Counter(str(key(s)) for s in specs).items()))

    return {
        "specs": len(specs),
        "councils": count(lambda s: s["council"]),
        "sessions": count(lambda s: f"{s['council']}{s['term']}届{s['session']}次"),
        "departments": count(lambda s: s["department"]),
        "sectors": count(lambda s: s["sector"]),
        "doc_kinds": count(lambda s: s["doc_kind"]),
        "result_classes": count(lambda s: s["result_class"]),
        "results": count(lambda s: s["result"]),
        "disclosures": count(lambda s: s["disclosure"]),
        "formats": count(lambda s: f"{s['format']}:{s.get('encoding') or '-'}"),
        "years": count(lambda s: s["date"][:4]),
        "body_chars": {
            "min": min(sum(map(len, s["paragraphs"])) for s in specs),
            "max": max(sum(map(len, s["paragraphs"])) for s in specs),
        },
    }


def check_all(specs: list[Mapping[str, Any]]) -> list[str]:
    """Per-spec problems plus duplicate ids and natural keys."""
    problems = [f"{s.get('id', '?')}: {p}" for s in specs for p in check_spec(s)]
    ids = Counter(s.get("id") for s in specs)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    keys = Counter(
        (s["council"], s["term"], s["session"], s["number"], s["department"], s["doc_kind"])
        for s in specs
    )
    problems += [f"duplicate natural key {k}" for k, n in keys.items() if n > 1]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    samples = sub.add_parser("render-samples", help="render fixtures/samples/specs into docs/")
    samples.add_argument("--specs", type=Path, default=SAMPLES / "specs")
    samples.add_argument("--out", type=Path, default=SAMPLES / "docs")
    samples.add_argument("--manifest", type=Path, default=SAMPLES / "manifest.json")
    check = sub.add_parser("check-specs", help="validate specs and print what they span")
    check.add_argument("--specs", type=Path, default=SAMPLES / "specs")
    one = sub.add_parser("render", help="render one spec file")
    one.add_argument("spec", type=Path)
    one.add_argument("--format", choices=FORMATS)
    one.add_argument("--encoding")
    one.add_argument("--seed", default="0")
    one.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)

    if args.command == "render-samples":
        written = render_samples(args.specs, args.out, args.manifest)
        print(f"rendered {len(written)} documents into {args.out}")
        return 0
    if args.command == "check-specs":
        specs = load_specs(args.specs)
        problems = check_all(specs)
        print(json.dumps(describe(specs), ensure_ascii=False, indent=1))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    data = render(spec, args.format, encoding=args.encoding, seed=args.seed)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
