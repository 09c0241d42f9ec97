"""Plain-text files."""

from __future__ import annotations

from replies.ingest.extract.base import Extracted, Line
from replies.ingest.extract.encodings import decode_text


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
