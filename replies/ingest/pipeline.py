"""Parsing one file: bytes or a path → ParsedReply, or Rejected with the reason.

Nothing here touches the database except ``result_class_table``. The batch runner is
:mod:`replies.ingest.batch`, saving is :mod:`replies.ingest.load`, and the counts and messages
are :mod:`replies.ingest.report`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from replies.conf import archive_settings
from replies.ingest.clean import clean
from replies.ingest.extract import (
    ExtractionError,
    extract_bytes,
)
from replies.ingest.fields import NotAReply, parse
from replies.ingest.parsed import ParsedReply

#: The review flag of every reply read by OCR: never published before an editor checks it.
OCR_REVIEW = "文字识别 · 需核对"

LABELS_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "result_labels.json"


class Rejected(Exception):
    """A file that cannot be ingested; str() is the reason, in Chinese."""


def default_result_classes() -> dict[str, str]:
    """The usual label → class table, as seeded into ResultLabel (fixtures/result_labels.json)."""
    data = json.loads(LABELS_FIXTURE.read_text(encoding="utf-8"))
    return {label: cls for cls, labels in data.items() for label in labels}


def limits() -> tuple[int, float]:
    """(max bytes, extraction timeout) from Django settings when configured."""
    return (
        int(archive_settings.ARCHIVE_MAX_UPLOAD_BYTES),
        float(archive_settings.ARCHIVE_EXTRACT_TIMEOUT),
    )


def parse_bytes(
    data: bytes,
    name: str,
    result_classes: Mapping[str, str],
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> ParsedReply:
    """Parse one document given as bytes; raise Rejected with the reason."""
    default_bytes, default_timeout = limits()
    try:
        extracted = extract_bytes(
            data,
            name,
            max_bytes=max_bytes or default_bytes,
            timeout=timeout or default_timeout,
        )
        paragraphs = clean(extracted)
        check_body_size(sum(len(p.text) for p in paragraphs))
        reply = parse(paragraphs, result_classes, extracted.meta)
    except (ExtractionError, NotAReply) as exc:
        raise Rejected(str(exc)) from exc
    except RecursionError as exc:
        raise Rejected("文档结构嵌套过深，无法解析") from exc
    except Rejected:
        raise
    except Exception as exc:  # a parser bug must not stop the batch
        raise Rejected(f"解析出错（{type(exc).__name__}：{exc}）") from exc
    reply.source_format = extracted.format
    reply.ocr_pages = extracted.ocr_pages
    if extracted.encoding:
        reply.source_meta = {**reply.source_meta, "encoding": extracted.encoding}
    if extracted.source_meta:
        reply.source_meta = {**reply.source_meta, **extracted.source_meta}
    if extracted.format.endswith("-ocr") and OCR_REVIEW not in reply.needs_review_reasons:
        reply.needs_review_reasons.append(OCR_REVIEW)
    reply.warnings = extracted.warnings + reply.warnings
    return reply


def check_body_size(chars: int) -> None:
    """Refuse a body longer than settings.ARCHIVE_MAX_BODY_CHARS (no reply is that long)."""
    limit = int(archive_settings.ARCHIVE_MAX_BODY_CHARS)
    if chars > limit:
        raise Rejected(f"正文过长（清理后 {chars:,} 字，上限 {limit:,} 字），不像一份答复，未导入")


def parse_path(path: Path, result_classes: Mapping[str, str], **kwargs: Any) -> ParsedReply:
    """Parse one document file; raise Rejected with the reason."""
    max_bytes = kwargs.get("max_bytes") or limits()[0]
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Rejected(f"无法读取文件：{exc.strerror}") from exc
    if size > max_bytes:
        raise Rejected(f"文件过大（{size} 字节，上限 {max_bytes} 字节）")
    return parse_bytes(path.read_bytes(), path.name, result_classes, **kwargs)


def result_class_table() -> dict[str, str]:
    """The label → class table from ResultLabel, or the usual labels without a database."""
    try:
        from replies.models import ResultLabel

        table = ResultLabel.as_mapping()
        if table:
            return table
    except Exception:
        pass
    return default_result_classes()
