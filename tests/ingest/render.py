"""Render a reply (a ReplySpec) as the documents offices publish: text, DOCX, PDF, HTML.

Test support only. The renderings reproduce the damage and layouts the parser must
handle: hard-wrapped PDF-extraction text with page marks, Word files with tables and
text boxes, reportlab PDFs with a CJK font, and government web pages in UTF-8 or GBK.
"""

from __future__ import annotations

import io
import itertools
import random
import unicodedata
from dataclasses import dataclass, field

Row = list[tuple[str, str]]


@dataclass
class ReplySpec:
    """A reply as printed, part by part."""

    title: str
    paragraphs: list[str]
    header: list[Row] = field(default_factory=list)
    addressee: str | None = None
    signature: list[str] = field(default_factory=list)
    date: str = ""
    disclosure: str | None = None
    footer: list[Row] = field(default_factory=list)
    class_mark: str | None = None
    doc_number: str | None = None
    #: Where to split the title into lines (character offsets); empty: one line.
    title_breaks: list[int] = field(default_factory=list)
    cc: str | None = None

    def title_lines(self) -> list[str]:
        cuts = [0, *self.title_breaks, len(self.title)]
        return [self.title[a:b] for a, b in itertools.pairwise(cuts) if self.title[a:b]]


def row_text(row: Row, sep: str = " ") -> str:
    return sep.join(f"{label}：{value}" for label, value in row)


# --------------------------------------------------------------------------- plain text


def to_clean_text(spec: ReplySpec, *, indent: str = "\u3000\u3000", blank: bool = False,
                  newline: str = "\n") -> str:  # fmt: skip
    """One paragraph per line, the way a clerk types a reply into a text file."""
    lines: list[str] = []
    if spec.class_mark:
        lines.append(spec.class_mark)
    if spec.doc_number:
        lines.append(spec.doc_number)
    lines.extend(spec.title_lines())
    lines.extend(row_text(r, "\u3000\u3000\u3000") for r in spec.header)
    if spec.addressee:
        lines.append(spec.addressee)
    lines.extend(indent + p for p in spec.paragraphs)
    lines.extend(spec.signature)
    lines.append(spec.date)
    if spec.disclosure:
        lines.append(spec.disclosure)
    lines.extend(row_text(r, "\u3000\u3000\u3000") for r in spec.footer)
    if spec.cc:
        lines.append(spec.cc)
    sep = newline * (2 if blank else 1)
    return sep.join(lines) + newline


_NO_START = set("，。、；：？！”’）》」』】,.;:?!)%")
_NO_END = set("“‘（《「『【(")


def cell_width(c: str) -> float:
    return 0.5 if unicodedata.east_asian_width(c) in ("Na", "H", "N") else 1.0


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin/digit runs (3.5, 2024, GPT) and single characters."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        if text[i].isascii() and text[i].isalnum():
            while j < len(text) and text[j].isascii() and (text[j].isalnum() or text[j] in ".%"):
                j += 1
        out.append(text[i:j])
        i = j
    return out


def wrap(text: str, first: float, rest: float, rng: random.Random) -> list[str]:
    """Greedy CJK wrapping with kinsoku: punctuation hangs or pulls a character down."""
    lines: list[str] = []
    current: list[str] = []
    used, limit = 0.0, first
    for token in _tokens(text):
        w = sum(cell_width(c) for c in token)
        if current and used + w > limit:
            if token[0] in _NO_START and rng.random() < 0.5 and used + w <= limit + 1:
                lines.append("".join([*current, token]))  # hanging punctuation
                current, used, limit = [], 0.0, rest
                continue
            if token[0] in _NO_START or current[-1][-1] in _NO_END:
                moved = current.pop()  # pull the last piece down with it
                lines.append("".join(current))
                current, used = [moved], sum(cell_width(c) for c in moved)
            else:
                lines.append("".join(current))
                current, used = [], 0.0
            limit = rest
        current.append(token)
        used += w
    if current:
        lines.append("".join(current))
    return [line for line in lines if line]


def _stray_blanks(line: str, rng: random.Random) -> str:
    """Blanks around Latin/digit runs, as PDF text extraction leaves them (约 310 亿元)."""
    out = []
    for k, c in enumerate(line):
        prev = line[k - 1] if k else ""
        if k and (c.isascii() and c.isalnum()) != (prev.isascii() and prev.isalnum()):
            if c in ".%" or prev in ".%" or prev in "“（《":
                pass
            elif rng.random() < 0.35:
                out.append(" ")
        out.append(c)
    return "".join(out)


def to_pdf_extract_text(spec: ReplySpec, rng: random.Random, *, full: int | None = None,
                        page_numbers: str | None = "dash") -> str:  # fmt: skip
    """Text as extracted from a PDF: hard-wrapped, a blank after every line, page marks."""
    width = full or rng.randint(24, 29)
    lines: list[str] = []
    if spec.class_mark:
        lines.append(spec.class_mark)
    if spec.doc_number:
        lines.append(spec.doc_number)
    title = spec.title_lines()
    title[-1:] = [_space_number(title[-1])] if title else []
    lines.extend(title)
    lines.extend(row_text(r) for r in spec.header)
    if spec.addressee:
        lines.append(spec.addressee)
    for para in spec.paragraphs:
        # Extraction blanks exist before wrapping and take half a cell each.
        lines.extend(x.lstrip(" ") for x in wrap(_stray_blanks(para, rng), width - 2, width, rng))
    lines.extend(spec.signature)
    lines.append(_space_date(spec.date))
    if spec.disclosure:
        lines.append(spec.disclosure)
    lines.extend(_stray_blanks(row_text(r), rng) for r in spec.footer)
    out: list[str] = []
    page, on_page, page_len = 1, 0, rng.randint(22, 26)
    pages_total = len(lines) // 22 + 1
    for k, line in enumerate(lines):
        if on_page == page_len:
            if page_numbers:
                out.append(_page_mark(page_numbers, page, pages_total) + "\n")
            page, on_page, page_len = page + 1, 0, rng.randint(22, 26)
            out.append(" " + line + "\n")
        else:
            out.append(("\n" if k else "") + line + "\n")
        on_page += 1
    return "".join(out)


def _space_number(text: str) -> str:
    import re

    return re.sub(r"第(\d+)号", r"第 \1 号", text)


def _space_date(text: str) -> str:
    import re

    return re.sub(r"(\d+)年(\d+)月(\d+)日", r"\1年 \2月 \3日", text)


def _page_mark(style: str, page: int, total: int) -> str:
    return {
        "dash": f"— {page} —",
        "hyphen": f"- {page} -",
        "of": f"第 {page} 页 共 {total} 页",
        "bare": f"{page}",
    }[style]


# --------------------------------------------------------------------------- HTML

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{title}_某某区人民政府</title>
<style>.hide-me{{display:none}} .nav li{{display:inline-block}}</style>
<script>var _hmt = _hmt || []; document.write("<p>广告</p>");</script>
</head><body>
<div class="top"><h2>某某区人民政府</h2></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt;
<a href="/zwgk/">政务公开</a> &gt; 提案答复</div>
<table class="xxgk"><tr><th>索引号：</th><td>000014349/2024-00001</td></tr>
<tr><th>发布机构：</th><td>{unit}</td></tr><tr><th>成文日期：</th><td>{date}</td></tr>
<tr><th>发布日期：</th><td>2030-01-01</td></tr></table>
<h1>{title}</h1>
<div class="info">来源：{unit} 发布时间：2030-01-01 字号：[<a href="javascript:;">大</a>]</div>
<div class="content" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="javascript:;">微信</a>
<a href="javascript:window.print()">【打印本页】</a></div>
<div class="footer"><p>主办单位：某某区人民政府办公室 ICP备案号：沪ICP备00000000号-1</p></div>
<script>document.getElementById("zoom").style.fontSize = "16px";</script>
</body></html>
"""


def to_html(spec: ReplySpec, *, style: str = "p", charset: str = "utf-8",
            extra_body: str = "") -> bytes:  # fmt: skip
    """A disclosure page: chrome, metadata table, <h1> title, the reply in a content div."""
    from html import escape

    def para(text: str, css: str = "text-indent: 2em;") -> str:
        if style == "mso":
            return (
                f'<p class="MsoNormal" style="{css}"><span style="font-family:仿宋_GB2312">'
                f'{escape(text)}</span><span lang="EN-US"><o:p></o:p></span></p>'
            )
        return f'<p style="{css}">{escape(text)}</p>'

    parts: list[str] = []
    if spec.class_mark:
        parts.append(para(spec.class_mark, "text-align: right;"))
    if spec.doc_number:
        parts.append(para(spec.doc_number, "text-align: center;"))
    rows = [row_text(r, "\u3000\u3000") for r in spec.header]
    tail = [*(row_text(r, "\u3000\u3000") for r in spec.footer)]
    if style == "br":
        lines = [*rows, spec.addressee or ""]
        lines += ["&nbsp;" * 4 + escape(p) for p in spec.paragraphs]
        lines += ["&nbsp;" * 30 + escape(s) for s in [*spec.signature, spec.date]]
        lines += [spec.disclosure or "", *tail]
        parts.append("<br />\n".join(x for x in lines if x))
    else:
        parts.extend(para(r, "") for r in rows)
        if spec.addressee:
            parts.append(para(spec.addressee, ""))
        parts.extend(para(p) for p in spec.paragraphs)
        parts.extend(para(s, "text-align: right;") for s in [*spec.signature, spec.date])
        if spec.disclosure:
            parts.append(para(spec.disclosure, ""))
        parts.extend(para(x, "") for x in tail)
    parts.append(extra_body)
    unit = spec.signature[0] if spec.signature else ""
    html = _PAGE.format(
        charset=charset, title=escape(spec.title), unit=escape(unit), date="2024-01-01",
        body="\n".join(parts),
    )  # fmt: skip
    return html.encode("gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset)


# --------------------------------------------------------------------------- DOCX

VML_NS = "urn:schemas-microsoft-com:vml"


def to_docx(spec: ReplySpec, *, rng: random.Random | None = None, header_table: bool = False,
            mark_in: str = "paragraph", title_break: bool = True) -> bytes:  # fmt: skip
    """A Word document: centred title, indented body in many runs, right-aligned signature.

    mark_in: where the class letter goes: "paragraph", "header" (page header) or
    "textbox" (a floating VML text box, also wrapped in mc:AlternateContent).
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import parse_xml
    from docx.shared import Pt

    rng = rng or random.Random(0)
    document = docx.Document()
    if spec.class_mark and mark_in == "header":
        document.sections[0].header.paragraphs[0].text = spec.class_mark
        document.sections[0].header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif spec.class_mark and mark_in == "textbox":
        p = document.add_paragraph()
        p._p.append(parse_xml(_textbox_xml(spec.class_mark)))
    elif spec.class_mark:
        document.add_paragraph(spec.class_mark).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if spec.doc_number:
        document.add_paragraph(spec.doc_number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = spec.title_lines() if title_break else [spec.title]
    for k, line in enumerate(lines):
        run = title.add_run(line)
        run.font.size = Pt(22)
        if k < len(lines) - 1:
            run.add_break()
    document.add_paragraph()
    if header_table and spec.header:
        cols = max(len(r) for r in spec.header) * 2
        table = document.add_table(rows=len(spec.header), cols=cols)
        table.style = "Table Grid"
        for r, row in enumerate(spec.header):
            for c, (label, value) in enumerate(row):
                table.cell(r, 2 * c).text = label
                table.cell(r, 2 * c + 1).text = value
    else:
        for row in spec.header:
            document.add_paragraph(row_text(row, "\u3000\u3000"))
    if spec.addressee:
        document.add_paragraph(spec.addressee)
    for k, text in enumerate(spec.paragraphs):
        p = document.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        pos = 0
        while pos < len(text):
            step = rng.randint(3, 40)
            p.add_run(text[pos : pos + step])
            pos += step
        if k == len(spec.paragraphs) // 2:
            p.add_run().add_break(WD_BREAK.PAGE)
        if rng.random() < 0.15:
            document.add_paragraph()
    for text in [*spec.signature, spec.date]:
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if spec.disclosure:
        document.add_paragraph(spec.disclosure)
    for row in spec.footer:
        document.add_paragraph(row_text(row, "\u3000\u3000"))
    if spec.cc:
        document.add_paragraph(spec.cc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _textbox_xml(text: str) -> str:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f'<w:r xmlns:w="{w}" xmlns:mc="{mc}" xmlns:wps="{wps}" xmlns:v="{VML_NS}">'
        f'<mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx>{box}</wps:txbx></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape style="position:absolute;margin-left:420pt;width:40pt;'
        f'height:30pt" type="#_x0000_t202"><v:textbox>{box}</v:textbox></v:shape></w:pict>'
        f"</mc:Fallback></mc:AlternateContent></w:r>"
    )


# --------------------------------------------------------------------------- PDF


def to_pdf(spec: ReplySpec, *, justify: bool = True, page_numbers: str = "dash",
           split_header: bool = True) -> bytes:  # fmt: skip
    """An A4 PDF in the STSong-Light CID font: centred title, indented justified body,
    right-aligned signature and date, class mark at the top right, page numbers below."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    body = ParagraphStyle("body", fontName=font, fontSize=16, leading=28.5, firstLineIndent=32,
                          alignment=TA_JUSTIFY if justify else TA_LEFT, wordWrap="CJK")  # fmt: skip
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0, alignment=TA_LEFT)
    title_style = ParagraphStyle("title", parent=body, fontSize=22, leading=34, firstLineIndent=0,
                                 alignment=TA_CENTER)  # fmt: skip
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT, rightIndent=32)
    heading = ParagraphStyle("heading", parent=body, fontSize=16)
    story: list = []
    if spec.doc_number:
        story.append(Paragraph(spec.doc_number, title_style))
    for line in spec.title_lines():
        story.append(Paragraph(line, title_style))
    story.append(Spacer(1, 12))
    for row in spec.header:
        if split_header and len(row) == 2:
            left = Paragraph(f"{row[0][0]}：{row[0][1]}", plain)
            rightp = Paragraph(
                f"{row[1][0]}：{row[1][1]}", ParagraphStyle("r", parent=plain, alignment=TA_RIGHT)
            )
            table = Table([[left, rightp]], colWidths=[220, 222])
            table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
            story.append(table)
        else:
            story.append(Paragraph(row_text(row), plain))
    if spec.addressee:
        story.append(Paragraph(spec.addressee, plain))
    for text in spec.paragraphs:
        is_heading = len(text) < 40 and text[:2].rstrip("、")[-1:] in "一二三四五六七八九十"
        story.append(Paragraph(_xml(text), heading if is_heading else body))
    story.append(Spacer(1, 20))
    for text in [*spec.signature, spec.date]:
        story.append(Paragraph(text, right))
    if spec.disclosure:
        story.append(Paragraph(spec.disclosure, plain))
    for row in spec.footer:
        story.append(Paragraph(_xml(row_text(row, "\u3000\u3000")), plain))

    def on_page(canvas, doc) -> None:
        canvas.setFont(font, 14)
        page = canvas.getPageNumber()
        text = {"dash": f"— {page} —", "of": f"第{page}页", "hyphen": f"- {page} -"}[page_numbers]
        canvas.drawCentredString(A4[0] / 2, 18 * mm, text)
        if page == 1 and spec.class_mark:
            canvas.setFont(font, 16)
            canvas.drawRightString(A4[0] - 26 * mm, A4[1] - 20 * mm, spec.class_mark)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
                            topMargin=37 * mm, bottomMargin=35 * mm)  # fmt: skip
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


def _xml(text: str) -> str:
    from html import escape

    return escape(text, quote=False)
