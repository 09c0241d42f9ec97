"""What every extractor shares: the result types, the error, the limits, the child-process run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from replies.ingest.limits import DEFAULT_MEMORY_BYTES, ChildError, LimitExceeded, run_limited

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
class OcrPage:
    """One page read by OCR: its number (from 1), the text read and the engine's confidence.

    confidence is the mean line confidence weighted by characters, lowest the lowest line's
    (both 0–1; 0 when nothing was read on the page).
    """

    number: int
    text: str
    confidence: float
    lowest: float
    lines: int


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
    #: Kept with the reply, not read by the parser (OCR engine and confidence).
    source_meta: dict[str, str] = field(default_factory=dict)
    #: The pages read by OCR, with their text and confidence (empty for other formats).
    ocr_pages: list[OcrPage] = field(default_factory=list)


#: Appended to rejections of files that a re-save in their own program usually repairs.
RESAVE_HINT = "请用原软件打开、另存为新文件后重新上传"


def run_parser(
    func: Any, data: Any, timeout: float, what: str, *, memory: int = DEFAULT_MEMORY_BYTES
) -> Any:
    """Run a parser in a child process; any failure becomes an ExtractionError naming its cause.

    what names the kind of file in the message ("PDF 文件", "Word 文档", "网页"); a tuple
    data is passed as separate arguments.
    """
    args = data if isinstance(data, tuple) else (data,)
    with parser_errors(what, memory):
        return run_limited(func, *args, timeout=timeout, memory=memory)


@contextlib.contextmanager
def parser_errors(what: str, memory: int = DEFAULT_MEMORY_BYTES) -> Iterator[None]:
    """Turn what a child-process parser raised into an ExtractionError naming its cause."""
    try:
        yield
    except ExtractionError:
        raise
    except LimitExceeded as exc:
        raise ExtractionError(
            f"{what}解析失败：{exc}，文件可能过于复杂或被恶意构造，已拒收"
        ) from exc
    except MemoryError as exc:
        limit = memory // 1024**2
        raise ExtractionError(
            f"{what}解析时内存超出上限（{limit} MB），文件可能过于复杂或被恶意构造，已拒收"
        ) from exc
    except RecursionError as exc:
        raise ExtractionError(f"{what}结构嵌套过深，无法解析，已拒收") from exc
    except Exception as exc:
        name = exc.type_name if isinstance(exc, ChildError) else type(exc).__name__
        raise ExtractionError(f"{what}已损坏或无法解析（{name}）：{RESAVE_HINT}") from exc
