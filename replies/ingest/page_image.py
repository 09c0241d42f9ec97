"""One page of a scanned file (PDF or PNG/JPEG/TIFF) as a small JPEG, for the admin preview.

The file is untrusted: the page is rendered (pypdfium2) or decoded (Pillow) in a child
process under the OCR memory limit, a time limit and the OCR pixel limit, like OCR itself.
"""

from __future__ import annotations

import io
from typing import Any

from replies.ingest.extract import ExtractionError, sniff
from replies.ingest.extract.base import run_parser
from replies.ingest.extract.ocr import load_image, setting

#: Width of the preview image in pixels (about 85 dpi for an A4 page).
WIDTH = 700
#: Seconds allowed to render one preview page.
TIMEOUT = 20.0
JPEG_QUALITY = 75


def page_jpeg(data: bytes, number: int) -> bytes:
    """Page number (from 1) of a scanned PDF or image file as a JPEG WIDTH pixels wide.

    Raises ExtractionError (in Chinese) for a file that is neither, a page it lacks, or a
    page over the limits.
    """
    kind = sniff(data)
    if kind not in ("pdf", "png", "jpeg", "tiff"):
        raise ExtractionError("不是扫描的 PDF 或图像文件，没有页面图像")
    memory = setting("ARCHIVE_OCR_PAGE_MEMORY")
    max_pixels = setting("ARCHIVE_OCR_MAX_PIXELS")
    args = (data, kind, number - 1, max_pixels)
    return run_parser(_render, args, TIMEOUT, "页面图像", memory=memory)


def _render(data: bytes, kind: str, page: int, max_pixels: int) -> bytes:
    """In a child: the page as a JPEG WIDTH pixels wide."""
    if kind == "pdf":
        image = _pdf_page(data, page, max_pixels)
    else:
        image, _dpi = _image_page(data, page, max_pixels)
        image = image.convert("RGB")
        if image.width > WIDTH:
            height = max(1, round(image.height * WIDTH / image.width))
            image = image.resize((WIDTH, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _pdf_page(data: bytes, page: int, max_pixels: int) -> Any:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        if not 0 <= page < len(document):
            raise ExtractionError(f"PDF 没有第 {page + 1} 页")
        pdf_page = document[page]
        w, h = pdf_page.get_size()
        scale = WIDTH / max(w, 1.0)
        if w * h * scale**2 > max_pixels:
            raise ExtractionError(f"第 {page + 1} 页尺寸过大（{w:.0f}×{h:.0f} 点）")
        return pdf_page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def _image_page(data: bytes, page: int, max_pixels: int) -> tuple[Any, int]:
    try:
        return load_image(data, page, max_pixels)
    except EOFError as exc:  # Pillow's answer to seeking past the last frame
        raise ExtractionError(f"图像文件没有第 {page + 1} 页") from exc
