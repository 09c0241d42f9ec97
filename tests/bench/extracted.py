"""Read rendered documents back to text, the simple way, to check what they carry."""

from __future__ import annotations

import io
import re

PAGE_NUMBER = re.compile(r"^\s*(— \d+ —|- \d+ -|第 ?\d+ ?页( 共 \d+ 页)?|\d+)\s*$")


def squeeze(text: str) -> str:
    """Drop all whitespace (the scorer compares text this way too)."""
    return "".join(text.split())


def without_page_numbers(text: str) -> str:
    """Remove the lines that hold only a page number."""
    return "\n".join(line for line in text.splitlines() if not PAGE_NUMBER.match(line))


def text_of(data: bytes, fmt: str, encoding: str | None = None) -> str:
    """Extract the text of a rendered document (pypdf, python-docx, BeautifulSoup)."""
    if fmt in ("txt-pdf-extract", "txt-clean"):
        return data.decode(encoding or "utf-8")
    if fmt == "pdf":
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() for page in reader.pages)
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for s in document.sections for p in s.header.paragraphs]
        parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        parts += [p.text for p in document.paragraphs]
        return "\n".join(parts)
    if fmt == "html":
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(data, "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        return soup.get_text("\n")
    raise ValueError(fmt)


def flat_text(text: str, fmt: str) -> str:
    """Text without whitespace and, for the paged formats, without page-number lines."""
    if fmt in ("pdf", "txt-pdf-extract"):
        text = without_page_numbers(text)
    return squeeze(text)


def missing_paragraphs(paragraphs: list[str], text: str, fmt: str) -> list[str]:
    """Paragraphs whose characters do not appear, contiguous and in order, in the text."""
    flat = flat_text(text, fmt)
    missing, position = [], 0
    for paragraph in paragraphs:
        found = flat.find(squeeze(paragraph), position)
        if found < 0:
            missing.append(paragraph[:30])
        else:
            position = found + len(squeeze(paragraph))
    return missing
