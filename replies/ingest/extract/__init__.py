"""File → lines of text: one module per format, the format sniffed from the content.

Every extractor returns an :class:`Extracted`: the document's lines in reading order, with
what the format tells about each line (alignment, first-line indent, whether a PDF line runs
to the right margin), plus metadata such as a web page's 索引号/发布机构 table. Unreadable,
hostile or unsupported input raises :class:`ExtractionError` with a reason in Chinese.

Modules: ``base`` (types, limits, the child-process run), ``sniff``, ``encodings``, ``text``,
``html``, ``pdf`` with ``pdf_layout``, ``docx``, ``legacy`` (.doc/.wps/.rtf through
LibreOffice) and ``ocr`` (scanned PDFs and PNG/JPEG/TIFF images). :func:`extract_bytes`
below picks one.
"""

from __future__ import annotations

from pathlib import Path

from replies.ingest.extract.base import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    MAX_COMPRESSION_RATIO,
    MAX_DOCX_MEMBERS,
    MAX_DOCX_UNCOMPRESSED,
    Extracted,
    ExtractionError,
    Line,
)
from replies.ingest.extract.docx import check_zip, extract_docx
from replies.ingest.extract.encodings import decode_text
from replies.ingest.extract.html import extract_html
from replies.ingest.extract.legacy import extract_legacy, libreoffice
from replies.ingest.extract.ocr import ocr_document
from replies.ingest.extract.pdf import extract_pdf
from replies.ingest.extract.sniff import sniff
from replies.ingest.extract.text import extract_txt, text_lines

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_COMPRESSION_RATIO",
    "MAX_DOCX_MEMBERS",
    "MAX_DOCX_UNCOMPRESSED",
    "Extracted",
    "ExtractionError",
    "Line",
    "check_zip",
    "decode_text",
    "extract_bytes",
    "extract_docx",
    "extract_html",
    "extract_legacy",
    "extract_pdf",
    "extract_txt",
    "libreoffice",
    "ocr_document",
    "sniff",
    "text_lines",
]


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
    if kind in ("png", "jpeg", "tiff"):
        return ocr_document(data, kind)
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
