"""PDF files with a text layer, read by pdfminer.six in a child process."""

from __future__ import annotations

import io
from typing import Any

from replies.ingest.extract.base import DEFAULT_TIMEOUT, Extracted, ExtractionError, run_parser
from replies.ingest.extract.pdf_layout import layout_lines


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
    rows = run_parser(_pdf_rows, data, timeout, "PDF 文件")
    if not rows:
        raise ExtractionError("PDF 没有文字层（可能是扫描件，需要先做文字识别）")
    return Extracted("pdf", layout_lines(rows), wrapped=True)
