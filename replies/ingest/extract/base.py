"""What every extractor shares: the result types, the error, the limits, the child-process run."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def run_parser(func: Any, data: bytes, timeout: float, what: str) -> Any:
    """Run a parser in a child process; any failure becomes an ExtractionError."""
    try:
        return run_limited(func, data, timeout=timeout)
    except LimitExceeded as exc:
        raise ExtractionError(f"{what}解析失败：{exc}") from exc
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"{what}已损坏或无法解析（{type(exc).__name__}）") from exc
