"""PDF files with a text layer, read by pdfminer.six in a child process."""

from __future__ import annotations

import io
import re
from typing import Any, NamedTuple

from replies.ingest.extract.base import (
    DEFAULT_TIMEOUT,
    RESAVE_HINT,
    Extracted,
    ExtractionError,
    run_parser,
)
from replies.ingest.extract.pdf_layout import Row, layout_lines

BROKEN_XREF = "PDF 文件已损坏（交叉引用表无效，无法定位页面对象）"
NO_PAGES = "PDF 文件已损坏（页面目录无效，文档中找不到任何页面）"
NO_ROOT = "PDF 文件已损坏（找不到文档目录 /Root，交叉引用表或文件尾部无效）"
BAD_SYNTAX = "PDF 文件已损坏（内部结构无法解析）"
ENCRYPTED = "PDF 已加密，无法读取文字：请提供未加密的版本"
_OBJ_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
NO_TEXT = "PDF 没有文字层（页面上没有可读取的文字，可能是扫描件或文字已转为图形）"


class PdfText(NamedTuple):
    """What the child read: the text rows, how many pages, how many images."""

    rows: list[Row]
    pages: int
    images: int


def _pdf_text(data: bytes) -> PdfText:
    """Every text line of the PDF as (page, top, bottom, x0, x1, font size, text), and counts.

    Runs in a child process (see extract_pdf); pdfminer.six keeps CJK text and gives the
    geometry the paragraph rebuilding needs. A document in which pdfminer finds no page at
    all is damaged, not scanned: that raises here with the cause.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTImage, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    rows: list[Row] = []
    pages = images = 0

    def walk(obj: Any) -> Any:
        if isinstance(obj, (LTTextLine, LTImage)):
            yield obj
        elif hasattr(obj, "__iter__"):
            for child in obj:
                yield from walk(child)

    try:
        params = LAParams(line_margin=0.2, char_margin=3.0, word_margin=0.2, detect_vertical=False)
        for pageno, page in enumerate(extract_pages(io.BytesIO(data), laparams=params)):
            pages += 1
            for item in walk(page):
                if isinstance(item, LTImage):
                    images += 1
                    continue
                text = item.get_text().replace("\n", "")
                if not text.strip():
                    continue
                sizes = sorted(c.size for c in item if isinstance(c, LTChar))
                size = sizes[len(sizes) // 2] if sizes else item.height
                rows.append((pageno, item.y1, item.y0, item.x0, item.x1, size, text))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError(ENCRYPTED) from exc
    except PDFSyntaxError as exc:
        reason = NO_ROOT if "/Root" in str(exc) else BAD_SYNTAX
        raise ExtractionError(f"{reason}：{RESAVE_HINT}") from exc
    except PSException as exc:
        raise ExtractionError(f"{BAD_SYNTAX}：{RESAVE_HINT}") from exc
    if not pages:
        reason = BROKEN_XREF if _xref_points_elsewhere(data) else NO_PAGES
        raise ExtractionError(f"{reason}：{RESAVE_HINT}")
    return PdfText(rows, pages, images)


def _xref_points_elsewhere(data: bytes) -> bool:
    """True when an entry of the PDF's cross-reference table does not point at its object."""
    from pdfminer.pdfdocument import PDFDocument, PDFXRef
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except PSException:
        return True
    for xref in document.xrefs:
        if type(xref) is not PDFXRef:  # streams and the fallback scan locate objects themselves
            continue
        for objid in xref.get_objids():
            stream, pos, gen = xref.get_pos(objid)
            if stream is not None:
                continue
            m = _OBJ_HEADER.match(data, max(pos, 0))
            if m is None or (int(m[1]), int(m[2])) != (objid, gen):
                return True
    return False


def extract_pdf(data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """A PDF with a text layer, read by pdfminer.six under a time limit."""
    if b"%%EOF" not in data[-8192:]:
        raise ExtractionError("PDF 文件不完整（末尾缺少 %%EOF 结束标记，可能被截断）")
    result: PdfText = run_parser(_pdf_text, data, timeout, "PDF 文件")
    if result.images and (not result.rows or garbage_text(result.rows)):
        from replies.ingest.extract.ocr import ocr_document

        return ocr_document(data, "pdf")
    if not result.rows:
        raise ExtractionError(NO_TEXT)
    return Extracted("pdf", layout_lines(result.rows), wrapped=True)


_CID = re.compile(r"\(cid:\d+\)")
_READABLE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffefA-Za-z0-9\s.,:;()%\-/]")


def garbage_text(rows: list[Row]) -> bool:
    """True when a text layer is not text: (cid:NN) codes, private-use or control characters.

    Scanners' PDFs sometimes carry an invisible layer of such codes over the image.
    """
    text = _CID.sub("\x00", "".join(r[6] for r in rows))
    stripped = re.sub(r"\s", "", text)
    if not stripped:
        return True
    return len(_READABLE.findall(stripped)) < 0.5 * len(stripped)
