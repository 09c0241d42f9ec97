"""File → lines of text: one function per format, the format sniffed from the content.

Every extractor returns an :class:`Extracted`: the document's lines in reading order, with
what the format tells about each line (alignment, first-line indent, whether a PDF line runs
to the right margin), plus metadata such as a web page's 索引号/发布机构 table. Unreadable,
hostile or unsupported input raises :class:`ExtractionError` with a reason in Chinese.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replies.ingest.limits import LimitExceeded, run_limited

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
#: Uncompressed size allowed for all members of a .docx together.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 200


class ExtractionError(Exception):
    """The file cannot be read as a reply document; the message says why (in Chinese)."""


@dataclass
class Line:
    """One line (or paragraph, for formats that have them) of the document."""

    text: str
    #: "center" or "right" when the format says so.
    align: str | None = None
    #: The line starts with a first-line indent (PDF geometry, leading 　　 in text).
    indent: bool | None = None
    #: The line runs to the right margin (PDF geometry); None when unknown.
    full: bool | None = None
    #: A visibly larger vertical gap (or blank line) precedes the line.
    gap: bool = False
    #: Where in the document: "body", "header" (page header), "textbox", "table".
    part: str = "body"


@dataclass
class Extracted:
    """The text of a document as lines, and what is known about how it was laid out."""

    format: str
    lines: list[Line]
    #: True: lines are hard-wrapped pieces of paragraphs (PDF); False: each line is a
    #: paragraph (DOCX, HTML); None: decide from the text (plain text files).
    wrapped: bool | None
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- sniffing

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_HTML_ANY = re.compile(rb"<(html|body|p|div|br|table|h1)\b[^>]*>", re.I)


def sniff(data: bytes, name: str = "") -> str:
    """The format of data judged by its content: pdf, docx, zip, ole, rtf, html or text."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _zip_has(data, "word/document.xml") else "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    probe = _strip_bom(head)
    if b"\x00" in probe[:200] and not _looks_utf16(data):
        return "binary"
    if _looks_utf16(data):
        try:
            probe = _decode_utf16(data[:4096]).encode("utf-8", "replace")
        except UnicodeDecodeError:
            return "binary"
    if _HTML_START.search(probe) or (
        name.lower().endswith((".htm", ".html", ".shtml", ".xhtml")) and _HTML_ANY.search(probe)
    ):
        return "html"
    return "text"


def _strip_bom(data: bytes) -> bytes:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return member in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# --------------------------------------------------------------------------- encodings


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        sample = sample[: len(sample) // 2 * 2]
    if not sample:
        return False
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    # ASCII in UTF-16 puts a NUL in every other byte; CJK text has few NULs but then
    # UTF-8 and GB18030 strict decoding will both fail, which decode_text checks.
    return max(even_nul, odd_nul) > 0.3 and min(even_nul, odd_nul) < 0.05


def _decode_utf16(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    sample = data[:4000]
    le = sample[1::2].count(0) >= sample[0::2].count(0)
    return data.decode("utf-16-le" if le else "utf-16-be")


_CHINESE_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "hz"}


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of a text or HTML file; return (text, encoding).

    Order: BOM; the declared charset if it decodes strictly; strict UTF-8; charset-normalizer's
    best guess (GBK/GB2312 read as their superset GB18030), checked by strict decoding;
    strict GB18030. Raises ExtractionError when nothing decodes cleanly.
    """
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise ExtractionError(f"文本声明为 {enc} 编码，但内容无法按此解码") from exc
    candidates: list[str] = []
    if declared:
        declared = declared.lower().strip()
        candidates.append(_CHINESE_CODECS.get(declared, declared))
    if _looks_utf16(data):
        candidates.append("utf-16-le" if data[1::2][:2000].count(0) else "utf-16-be")
    candidates.append("utf-8")
    for enc in candidates:
        try:
            decoded = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(decoded):
            return decoded, enc
    # GB18030 first when it decodes strictly into common Chinese characters: detectors
    # guess poorly on short texts (a few GB18030 characters look like Big5 or Shift_JIS).
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text) and _common_hanzi_share(text) >= 0.6:
        return text, "gb18030"
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        enc = _CHINESE_CODECS.get(match.encoding.lower(), match.encoding)
        try:
            guessed = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(guessed):
            return guessed, enc
    if text is not None and _plausible(text):
        return text, "gb18030"
    raise ExtractionError("无法识别文本编码（不是 UTF-8、GB18030/GBK 或 UTF-16 文本）")


def _common_hanzi_share(text: str) -> float:
    """Share of the Chinese characters that are among the 3,755 most common (GB2312 level 1)."""
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return 0.0
    common = 0
    for c in hanzi:
        with contextlib.suppress(UnicodeEncodeError):
            common += 0xB0 <= c.encode("gb2312")[0] <= 0xD7
    return common / len(hanzi)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ud800-\udfff]")
_COMMON = re.compile(r"[\s\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _plausible(text: str) -> bool:
    """Reject decodings with control, private-use or unassigned characters (binary data,
    wrong codec)."""
    if not text:
        return False
    bad = len(_CONTROL.findall(text))
    rare = _COMMON.sub("", text)
    bad += sum(1 for c in rare if unicodedata.category(c) in ("Cn", "Cs", "Co"))
    return bad / len(text) < 0.01


def _limited(func: Any, data: bytes, timeout: float, what: str) -> Any:
    """Run a parser in a child process; any failure becomes an ExtractionError."""
    try:
        return run_limited(func, data, timeout=timeout)
    except LimitExceeded as exc:
        raise ExtractionError(f"{what}解析失败：{exc}") from exc
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"{what}已损坏或无法解析（{type(exc).__name__}）") from exc


# --------------------------------------------------------------------------- plain text


def extract_txt(data: bytes) -> Extracted:
    """A plain-text file in UTF-8, GB18030/GBK or UTF-16; blank lines become gaps."""
    text, encoding = decode_text(data)
    return Extracted("txt", text_lines(text), wrapped=None, encoding=encoding)


def text_lines(text: str) -> list[Line]:
    """Split text into lines, recording blank lines before a line as a gap."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines: list[Line] = []
    gap = False
    for raw in text.split("\n"):
        if not raw.strip():
            gap = True
            continue
        # Trailing blanks are kept: they took space on the wrapped line.
        lines.append(Line(raw.rstrip("\r\n\f\v"), gap=gap))
        gap = False
    return lines


# --------------------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_LABELS = (
    "索引号", "主题分类", "发布机构", "发文机关", "成文日期", "发文日期", "文号", "发文字号",
    "发布日期", "公开方式", "公开范围", "公开时限", "信息来源", "生成日期", "有效性",
)  # fmt: skip
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "object", "embed",
    "svg", "math", "canvas", "form", "button", "select", "textarea", "input", "head",
    "nav", "audio", "video", "applet", "link", "meta",
)  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr",
    "tbody", "thead", "section", "article", "blockquote", "pre", "center", "dd", "dt",
    "dl", "header", "footer", "main", "aside", "address", "figure", "figcaption", "hr",
}  # fmt: skip
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])", re.I
)
# Markup that survived as text (double-escaped pages): whole script/style elements, and
# tags carrying event handlers or javascript: URLs. A lone "<script>" mentioned in prose
# is the document's own text and stays.
_MARKUP = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg)\b[^>]*>.*?<\s*/\s*\1\s*>"
    r"|<\s*/?\s*[A-Za-z][\w:-]*\b[^<>]*?(?:\son\w+\s*=|javascript:|data:text/html)[^<>]*>",
    re.I | re.S,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def extract_html(data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """A government web page, read under the same time limit as PDF and Word files."""
    return _limited(_extract_html, data, timeout, "网页")


def _extract_html(data: bytes) -> Extracted:
    """A government information-disclosure page: the reply's content, title and metadata.

    Site chrome (navigation, scripts, share links, footer) is dropped by choosing the
    element that holds most of the page's paragraph text; hidden elements and anything
    that still looks like markup are removed, so no field can carry HTML or script.
    """
    from bs4 import BeautifulSoup, Comment

    m = _META_CHARSET.search(data[:8192])
    text, encoding = decode_text(data, declared=m.group(1).decode("ascii", "ignore") if m else None)
    soup = BeautifulSoup(text, "lxml")
    warnings: list[str] = []
    meta: dict[str, str] = {}
    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all("meta"):
        if (tag.get("name") or "").lower() in ("articletitle", "title") and tag.get("content"):
            meta.setdefault("ArticleTitle", _strip_markup(tag["content"]).strip())
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    hidden_classes, hidden_ids = _css_hidden(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if (
            tag.has_attr("hidden")
            or (tag.get("aria-hidden") or "").lower() == "true"
            or _HIDDEN_STYLE.search(tag.get("style") or "")
            or (tag.get("id") or "") in hidden_ids
            or hidden_classes.intersection(tag.get("class") or ())
        ):
            tag.decompose()
    meta.update(_html_meta_table(soup))
    h1 = soup.find("h1")
    title = _clean_ws(h1.get_text(" ", strip=True)) if h1 else ""
    container = _main_container(soup)
    if container is None:
        raise ExtractionError("网页中找不到正文内容")
    lines = _html_lines(container)
    head = _flat("".join(line.text for line in lines[:8]))
    if title and _flat(title) not in head:
        lines.insert(0, Line(title, align="center"))
    elif not title and (meta.get("ArticleTitle") or head_title):
        meta.setdefault("page_title", meta.get("ArticleTitle") or head_title)
    cleaned: list[Line] = []
    for line in lines:
        stripped = _strip_markup(line.text)
        if stripped != line.text:
            if "网页正文中含有脚本或带事件属性的标记文本，已删除" not in warnings:
                warnings.append("网页正文中含有脚本或带事件属性的标记文本，已删除")
            line.text = stripped
        if line.text.strip():
            cleaned.append(line)
    return Extracted(
        "html", cleaned, wrapped=False, meta=meta, encoding=encoding, warnings=warnings
    )


_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^[A-Za-z0-9]*([.#])([A-Za-z0-9_-]+)$")


def _css_hidden(soup: Any) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own stylesheets hide (display:none …)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in soup.find_all("style"):
        for selectors, body in _CSS_RULE.findall(style.get_text()):
            if not _HIDDEN_STYLE.search(body):
                continue
            for selector in selectors.split(","):
                m = _SIMPLE_SELECTOR.match(selector.strip())
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


def _strip_markup(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _MARKUP.sub("", text)
    return text


def _flat(text: str) -> str:
    return "".join(text.split())


def _clean_ws(text: str) -> str:
    return re.sub(r"[ \t\r\n\xa0]+", " ", text).strip()


def _html_meta_table(soup: Any) -> dict[str, str]:
    """Read label/value pairs such as 索引号：… from cells or 'label：value' snippets."""
    found: dict[str, str] = {}
    label_re = re.compile(r"^\s*({})\s*[：:]?\s*$".format("|".join(_META_LABELS)))
    inline_re = re.compile(r"({})\s*[：:]\s*([^\s：:]+)".format("|".join(_META_LABELS)))
    for cell in soup.find_all(["th", "td", "span", "li", "dt", "label", "b", "strong", "em"]):
        text = cell.get_text(" ", strip=True)
        m = label_re.match(text)
        if m:
            nxt = cell.find_next_sibling(["td", "th", "span", "dd", "em", "div"])
            if nxt is not None:
                value = _clean_ws(nxt.get_text(" ", strip=True))
                if value and not label_re.match(value):
                    found.setdefault(m.group(1), value)
        elif len(text) < 80:
            for m2 in inline_re.finditer(text):
                found.setdefault(m2.group(1), m2.group(2))
    return found


def _main_container(soup: Any) -> Any:
    """The element whose own paragraphs hold the most Chinese text (readability-style)."""
    scores: dict[int, float] = {}
    nodes: dict[int, Any] = {}
    for piece in soup.find_all(string=True):
        text = str(piece)
        n = len(_CJK.findall(text))
        if not n:
            continue
        parent = piece.parent
        # Climb out of inline wrappers to the paragraph-like element.
        while (
            parent is not None
            and parent.name not in _BLOCK_TAGS
            and parent.name
            not in (
                "td",
                "th",
                "body",
                "html",
                "[document]",
            )
        ):
            parent = parent.parent
        if parent is None:
            continue
        if parent.name in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"):
            container = parent.parent
        else:
            container = parent
        if container is None:
            continue
        link_penalty = 0.2 if piece.find_parent("a") is not None else 1.0
        for depth, node in enumerate([container, container.parent]):
            if node is None or node.name in ("[document]",):
                break
            scores[id(node)] = scores.get(id(node), 0.0) + n * link_penalty / (1 + depth * 2)
            nodes[id(node)] = node
    if not scores:
        return None
    return nodes[max(scores, key=scores.__getitem__)]


def _html_lines(container: Any) -> list[Line]:
    """Split an element's text into lines at block elements and <br>."""
    from bs4 import NavigableString, Tag

    lines: list[Line] = []
    current: list[str] = []
    state = {"align": None}

    def flush() -> None:
        text = "".join(current).replace("\xa0", " ")
        current.clear()
        lead = len(text) - len(text.lstrip(" \u3000\t\n"))
        text = re.sub(r"[ \t\r\n]+", " ", text).strip(" \t\r\n")
        if text.strip(" \u3000"):
            align = state["align"]
            if align is None and lead >= 12:
                align = "right"
            lines.append(Line(text.strip(" \u3000"), align=align))

    def align_of(tag: Tag) -> str | None:
        style = (tag.get("style") or "").replace(" ", "").lower()
        value = (tag.get("align") or "").lower()
        for key in ("center", "right"):
            if f"text-align:{key}" in style or value == key or tag.name == "center":
                return "center" if tag.name == "center" else key
        return None

    def walk(root: Any) -> None:
        # Iterative, so deeply nested pages cannot exhaust the stack.
        stack: list[Any] = [("enter", child) for child in reversed(list(root.children))]
        while stack:
            action, node = stack.pop()
            if action == "exit":
                flush()
                state["align"] = node
                continue
            if action == "text":
                current.append(node)
                continue
            if isinstance(node, NavigableString):
                current.append(str(node))
            elif isinstance(node, Tag):
                children = [("enter", c) for c in reversed(list(node.children))]
                if node.name == "br":
                    flush()
                elif node.name in ("td", "th"):
                    current.append("\u3000")
                    stack.append(("text", "\u3000"))
                    stack.extend(children)
                elif node.name in _BLOCK_TAGS:
                    flush()
                    stack.append(("exit", state["align"]))
                    state["align"] = align_of(node) or state["align"]
                    stack.extend(children)
                else:
                    stack.extend(children)

    state["align"] = align_of(container)
    walk(container)
    flush()
    return lines


# --------------------------------------------------------------------------- PDF


def _pdf_rows(data: bytes) -> list[tuple[int, float, float, float, float, float, str]]:
    """Every text line of the PDF: (page, top, bottom, x0, x1, font size, text).

    Runs in a child process (see extract_pdf); pdfminer.six keeps CJK text and gives the
    geometry the paragraph rebuilding needs.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    rows: list[tuple[int, float, float, float, float, float, str]] = []

    def lines_of(obj: Any) -> Any:
        if isinstance(obj, LTTextLine):
            yield obj
        elif hasattr(obj, "__iter__"):
            for child in obj:
                yield from lines_of(child)

    try:
        params = LAParams(line_margin=0.2, char_margin=3.0, word_margin=0.2, detect_vertical=False)
        for pageno, page in enumerate(extract_pages(io.BytesIO(data), laparams=params)):
            for line in lines_of(page):
                text = line.get_text().replace("\n", "")
                if not text.strip():
                    continue
                sizes = sorted(c.size for c in line if isinstance(c, LTChar))
                size = sizes[len(sizes) // 2] if sizes else line.height
                rows.append((pageno, line.y1, line.y0, line.x0, line.x1, size, text))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError("PDF 已加密，无法读取文字") from exc
    except PDFSyntaxError as exc:
        raise ExtractionError(f"PDF 文件已损坏：{exc}") from exc
    return rows


def extract_pdf(data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """A PDF with a text layer, read by pdfminer.six under a time limit."""
    if b"%%EOF" not in data[-8192:]:
        raise ExtractionError("PDF 文件不完整（末尾缺少 %%EOF 结束标记，可能被截断）")
    rows = _limited(_pdf_rows, data, timeout, "PDF 文件")
    if not rows:
        raise ExtractionError("PDF 没有文字层（可能是扫描件，需要先做文字识别）")
    from replies.ingest.pdf_layout import layout_lines

    return Extracted("pdf", layout_lines(rows), wrapped=True)


# --------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W_NS}}}"


def check_zip(data: bytes) -> None:
    """Reject zip bombs, non-Word archives and XML with DTDs before parsing a .docx."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError("Word 文档已损坏（不是有效的 ZIP 压缩包）") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if len(infos) > MAX_DOCX_MEMBERS:
            raise ExtractionError(f"压缩包成员过多（{len(infos)} 个），疑似压缩炸弹")
        missing = [n for n in ("[Content_Types].xml", "word/document.xml") if n not in names]
        if missing:
            raise ExtractionError("ZIP 压缩包不是 Word 文档（缺少 {}）".format("、".join(missing)))
        total = sum(i.file_size for i in infos)
        if total > MAX_DOCX_UNCOMPRESSED:
            raise ExtractionError(
                f"解压后大小 {total} 字节超过上限 {MAX_DOCX_UNCOMPRESSED} 字节，疑似压缩炸弹"
            )
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise ExtractionError(f"压缩比异常（{info.filename}），疑似压缩炸弹")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ExtractionError(
                        f"{info.filename} 含有 DTD/实体声明，疑似 XML 炸弹，已拒收"
                    )


def _docx_lines(data: bytes) -> tuple[list[Line], dict[str, str]]:
    """Lines of a .docx in reading order (runs in a child process, see extract_docx)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    styles = _docx_style_alignment(document)
    lines: list[Line] = []
    seen_headers: set[str] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            try:
                if header.is_linked_to_previous:
                    continue
                element = header._element
            except Exception:
                continue
            part_lines = _docx_block(element, styles, "header")
            key = "\n".join(line.text for line in part_lines)
            if key and key not in seen_headers:
                seen_headers.add(key)
                lines.extend(part_lines)
    lines.extend(_docx_block(document.element.body, styles, "body"))
    props = document.core_properties
    meta = {k: v for k, v in (("docx_title", props.title or ""),) if v}
    return lines, meta


def _docx_style_alignment(document: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        for style in document.styles:
            try:
                alignment = style.paragraph_format.alignment
            except AttributeError:
                continue
            if alignment is not None:
                name = str(alignment).split(".")[-1].split(" ")[0].lower()
                if name.startswith("center"):
                    out[style.style_id] = "center"
                elif name.startswith("right"):
                    out[style.style_id] = "right"
    except Exception:
        pass
    return out


def _docx_block(element: Any, styles: dict[str, str], part: str) -> list[Line]:
    """Lines of a body, header, cell or text box, in document order."""
    lines: list[Line] = []
    for child in element:
        tag = child.tag
        if tag == _W + "p":
            lines.extend(_docx_paragraph(child, styles, part))
        elif tag == _W + "tbl":
            lines.extend(_docx_table(child, styles))
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                lines.extend(_docx_block(content, styles, part))
        elif tag in (_W + "customXml", _W + "ins", _W + "smartTag"):
            lines.extend(_docx_block(child, styles, part))
    return lines


def _docx_paragraph(p: Any, styles: dict[str, str], part: str) -> list[Line]:
    lines: list[Line] = []
    align = None
    ppr = p.find(_W + "pPr")
    if ppr is not None:
        jc = ppr.find(_W + "jc")
        style = ppr.find(_W + "pStyle")
        if jc is not None:
            value = jc.get(_W + "val", "")
            align = {"center": "center", "right": "right", "end": "right"}.get(value)
        elif style is not None:
            align = styles.get(style.get(_W + "val", ""))
    # Text boxes anchored in this paragraph come first (VML fallbacks duplicate them).
    for box in p.iter(_W + "txbxContent"):
        if any(a.tag == f"{{{MC_NS}}}Fallback" for a in box.iterancestors()):
            continue
        if any(a.tag == _W + "txbxContent" for a in box.iterancestors()):
            continue
        for line in _docx_block(box, styles, "textbox"):
            lines.append(line)
    pieces: list[str] = []
    own: list[str] = []

    def visit(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag == _W + "t":
                pieces.append(child.text or "")
            elif tag == _W + "tab":
                pieces.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                own.append("".join(pieces))
                pieces.clear()
            elif tag in (
                _W + "txbxContent",
                _W + "delText",
                _W + "instrText",
                _W + "pPr",
                _W + "rPr",
            ):
                continue
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                visit(choice if choice is not None else child)
            elif tag == f"{{{MC_NS}}}Fallback" or tag == _W + "del":
                continue
            else:
                visit(child)

    visit(p)
    own.append("".join(pieces))
    for text in own:
        if text.strip():
            lines.append(Line(text.strip(), align=align, part=part))
    return lines


def _docx_table(tbl: Any, styles: dict[str, str]) -> list[Line]:
    """Short rows (header fields) become one line of cells; long cells keep their paragraphs."""
    lines: list[Line] = []
    for tr in tbl.iter(_W + "tr"):
        if any(a.tag == _W + "tbl" and a is not tbl for a in tr.iterancestors()):
            continue
        cells = [tc for tc in tr if tc.tag == _W + "tc"]
        cell_lines = [_docx_block(tc, styles, "table") for tc in cells]
        flat = [line for group in cell_lines for line in group]
        if all(len(group) <= 1 for group in cell_lines) and sum(len(x.text) for x in flat) < 120:
            text = "\u3000".join(group[0].text for group in cell_lines if group)
            if text.strip():
                lines.append(Line(text, part="table"))
        else:
            lines.extend(flat)
    return lines


def extract_docx(data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """A Word .docx: body paragraphs, tables, text boxes and page headers, in order."""
    check_zip(data)
    lines, meta = _limited(_docx_lines, data, timeout, "Word 文档")
    return Extracted("docx", lines, wrapped=False, meta=meta)


# --------------------------------------------------------------------------- .doc / .wps


def libreoffice() -> str | None:
    """Path of the LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_legacy(data: bytes, name: str, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """Old binary Word/WPS (.doc/.wps) or RTF, converted to .docx by LibreOffice."""
    office = libreoffice()
    if office is None:
        raise ExtractionError(
            "旧版 Word/WPS 文件（.doc/.wps）需要 LibreOffice 转换，但本机未安装："
            "请安装 LibreOffice（如 apt-get install libreoffice-writer-nogui）后重试"
        )
    suffix = Path(name).suffix.lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix="ingest-lo-") as tmp:
        src = Path(tmp) / ("input" + suffix)
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", tmp, str(src),
        ]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"LibreOffice 转换超时（超过 {timeout:g} 秒）") from exc
        out = Path(tmp) / "input.docx"
        if not out.is_file():
            raise ExtractionError("LibreOffice 无法转换该文件（文件可能已损坏或加密）")
        converted = out.read_bytes()
    result = extract_docx(converted, timeout=timeout)
    result.format = suffix.lstrip(".")
    return result


# --------------------------------------------------------------------------- dispatch


def extract_bytes(
    data: bytes,
    name: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> Extracted:
    """Extract the text of a document given as bytes; name is used only as a hint."""
    if not data:
        raise ExtractionError("文件为空（0 字节）")
    if len(data) > max_bytes:
        raise ExtractionError(f"文件过大（{len(data)} 字节，上限 {max_bytes} 字节）")
    kind = sniff(data, name)
    suffix = Path(name).suffix.lower()
    if kind == "pdf":
        return extract_pdf(data, timeout)
    if kind == "docx":
        return extract_docx(data, timeout)
    if kind == "zip":
        check_zip(data)  # raises with the precise reason
        raise ExtractionError("ZIP 压缩包不是 Word 文档")
    if kind in ("ole", "rtf"):
        return extract_legacy(data, name if kind == "ole" else "input.rtf", timeout)
    if suffix == ".pdf":
        raise ExtractionError("文件扩展名为 .pdf，但内容不是 PDF（缺少 %PDF 文件头）")
    if suffix == ".docx":
        raise ExtractionError("文件扩展名为 .docx，但内容不是 Word 文档（不是 ZIP 压缩包）")
    if kind == "binary":
        raise ExtractionError("无法识别的二进制文件（不是 PDF、Word、网页或文本）")
    if kind == "html":
        return extract_html(data, timeout)
    return extract_txt(data)


def extract_file(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> Extracted:
    """Extract the text of a document file, checking its size before reading it."""
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("文件为空（0 字节）")
    if size > max_bytes:
        raise ExtractionError(f"文件过大（{size} 字节，上限 {max_bytes} 字节）")
    return extract_bytes(path.read_bytes(), path.name, max_bytes=max_bytes, timeout=timeout)
