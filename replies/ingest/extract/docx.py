"""Word .docx files: checked as a zip first, then read in a child process."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO, Any

from replies.ingest.extract.base import (
    DEFAULT_TIMEOUT,
    MAX_COMPRESSION_RATIO,
    MAX_DOCX_MEMBERS,
    MAX_DOCX_UNCOMPRESSED,
    RESAVE_HINT,
    Extracted,
    ExtractionError,
    Line,
    run_parser,
)

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
            if info.is_dir():
                continue
            try:
                with zf.open(info) as fh:
                    # Images are read only for their checksum (SVG has DOCTYPEs); every
                    # other part may be XML.
                    if "/media/" in "/" + info.filename:
                        while fh.read(1 << 16):
                            pass
                    elif _declares_dtd(fh):
                        raise ExtractionError(XML_BOMB.format(part=info.filename))
            except DAMAGED_ZIP as exc:
                raise ExtractionError(DAMAGED_PART.format(part=info.filename)) from exc


#: What zipfile raises for a member that cannot be read: a bad local header, offset,
#: compressed stream or checksum.
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
DAMAGED_PART = "Word 文档已损坏（压缩包中的 {part} 无法读取）：" + RESAVE_HINT


XML_BOMB = "Word 文档的 {part} 含有 DTD/实体声明，疑似 XML 炸弹，已拒收"
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _declares_dtd(fh: IO[bytes]) -> bool:
    """True when the stream holds <!DOCTYPE or <!ENTITY anywhere, in UTF-8 or UTF-16."""
    tail = b""
    while chunk := fh.read(1 << 16):
        window = tail + chunk
        if any(mark in window for mark in _DTD_MARKS):
            return True
        tail = window[-32:]
    return False


def _docx_lines(data: bytes) -> tuple[list[Line], dict[str, str]]:
    """Lines of a .docx in reading order (runs in a child process, see extract_docx)."""
    import docx
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc).lower():
            raise ExtractionError(XML_BOMB.format(part="XML 部件")) from exc
        raise ExtractionError(f"Word 文档已损坏（内部 XML 格式错误）：{RESAVE_HINT}") from exc
    except DAMAGED_ZIP as exc:
        raise ExtractionError(DAMAGED_PART.format(part="部件")) from exc
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
    lines, meta = run_parser(_docx_lines, data, timeout, "Word 文档")
    return Extracted("docx", lines, wrapped=False, meta=meta)
