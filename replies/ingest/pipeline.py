"""The one entry point for ingestion: the ingest command, load_samples and the admin import.

``parse_bytes``/``parse_path`` turn a document into a ParsedReply without touching the
database; ``ingest_paths`` parses every file under some paths and, unless it is a dry run,
saves each one in its own transaction through :mod:`replies.ingest.load`.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replies.ingest.clean import clean
from replies.ingest.extract import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    ExtractionError,
    extract_bytes,
)
from replies.ingest.fields import NotAReply, parse
from replies.ingest.parsed import ParsedReply
from replies.search import index as search_index

LABELS_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "result_labels.json"


class Rejected(Exception):
    """A file that cannot be ingested; str() is the reason, in Chinese."""


def default_result_classes() -> dict[str, str]:
    """The usual label → class table, as seeded into ResultLabel (fixtures/result_labels.json)."""
    data = json.loads(LABELS_FIXTURE.read_text(encoding="utf-8"))
    return {label: cls for cls, labels in data.items() for label in labels}


def limits() -> tuple[int, float]:
    """(max bytes, extraction timeout) from Django settings when configured."""
    try:
        from django.conf import settings

        return (
            int(getattr(settings, "ARCHIVE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)),
            float(getattr(settings, "ARCHIVE_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT)),
        )
    except Exception:
        return DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT


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
        reply = parse(clean(extracted), result_classes, extracted.meta)
    except (ExtractionError, NotAReply) as exc:
        raise Rejected(str(exc)) from exc
    except RecursionError as exc:
        raise Rejected("文档结构嵌套过深，无法解析") from exc
    except Exception as exc:  # a parser bug must not stop the batch
        raise Rejected(f"解析出错（{type(exc).__name__}：{exc}）") from exc
    reply.source_format = extracted.format
    if extracted.encoding:
        reply.source_meta = {**reply.source_meta, "encoding": extracted.encoding}
    reply.warnings = extracted.warnings + reply.warnings
    return reply


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


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders (recursive), hidden files skipped."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                f
                for f in sorted(path.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    status: str  # parsed | created | updated | skipped | conflict | rejected
    reason: str = ""
    reply: ParsedReply | None = None
    reply_id: int | None = None


@dataclass
class IngestSummary:
    """Counts for a batch, and the per-file results."""

    parsed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0
    #: Saved replies flagged 需要核对 (kept drafts).
    needs_review: int = 0
    warnings: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.results.append(result)
        if result.reply is not None:
            self.parsed += 1
            self.warnings += len(result.reply.warnings)
        if result.status == "rejected":
            self.rejected.append((str(result.path), result.reason))
        elif result.status in ("created", "updated", "skipped"):
            setattr(self, result.status, getattr(self, result.status) + 1)
            if result.status != "skipped" and result.reply and result.reply.needs_review:
                self.needs_review += 1
        elif result.status == "conflict":
            self.conflicts += 1


def write_json(json_dir: Path, path: Path, result: FileResult) -> None:
    """DIR/<input file name>.json: the issue's keys, or {"error": reason}."""
    json_dir.mkdir(parents=True, exist_ok=True)
    data = result.reply.to_json() if result.reply is not None else {"error": result.reason}
    (json_dir / (path.name + ".json")).write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def ingest_paths(
    paths: list[Path],
    *,
    publish: bool = False,
    update: bool = False,
    sample: bool = False,
    dry_run: bool = False,
    json_dir: Path | None = None,
    result_classes: Mapping[str, str] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    files: list[Path] | None = None,
    jobs: int = 1,
    durable: bool = True,
) -> IngestSummary:
    """Parse every file under paths and (unless dry_run) save each in its own transaction.

    The batch remembers the sessions and units it meets, and indexes the saved replies for
    search in batches (``replies.search.index.deferred``) rather than one by one. With
    ``durable`` off, commits do not wait for the WAL flush (see ``save_reply``): faster, but
    a server crash may lose the last moments of committed files (the database stays
    consistent; ingesting again restores them). With ``jobs`` > 1, files are read and
    parsed by that many worker processes while
    this process saves them, in input order.
    """
    if result_classes is None:
        result_classes = result_class_table()
    from replies.ingest.load import Lookups

    lookups = Lookups()
    summary = IngestSummary()
    files = files if files is not None else iter_files(paths)
    with search_index.deferred() as flush_index:
        for path, (data, reply, reason) in parsed_files(files, result_classes, jobs):
            result = _finish(
                path,
                data,
                reply,
                reason,
                publish=publish,
                update=update,
                sample=sample,
                dry_run=dry_run,
                lookups=lookups,
                durable=durable,
            )
            flush_index()
            if json_dir is not None:
                write_json(json_dir, path, result)
            summary.add(result)
            if on_result is not None:
                on_result(result)
    return summary


#: (file bytes or None, parsed reply or None, rejection reason or "")
Parsed = tuple[bytes | None, ParsedReply | None, str]


def read_and_parse(path: Path, result_classes: Mapping[str, str]) -> Parsed:
    """Read and parse one file without touching the database; never raises for a bad file."""
    try:
        max_bytes = limits()[0]
        if path.stat().st_size > max_bytes:
            raise Rejected(f"文件过大（{path.stat().st_size} 字节，上限 {max_bytes} 字节）")
        data = path.read_bytes()
        return data, parse_bytes(data, path.name, result_classes), ""
    except Rejected as exc:
        return None, None, str(exc)
    except OSError as exc:
        return None, None, f"无法读取文件：{exc.strerror or exc}"


_worker_classes: Mapping[str, str] = {}


def _init_worker(result_classes: Mapping[str, str]) -> None:
    global _worker_classes
    _worker_classes = result_classes


def _parse_in_worker(path: Path) -> Parsed:
    return read_and_parse(path, _worker_classes)


def parsed_files(
    files: list[Path], result_classes: Mapping[str, str], jobs: int = 1
) -> Iterator[tuple[Path, Parsed]]:
    """Each file with its parse result, in order; parsed by ``jobs`` processes when > 1.

    At most a few files per worker are parsed ahead of the consumer, so memory stays flat
    however slowly the results are saved.
    """
    if jobs <= 1 or len(files) < 2 * jobs:
        for path in files:
            yield path, read_and_parse(path, result_classes)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connection

    if not connection.in_atomic_block:
        connection.close()  # forked workers must not share this database socket
    context = multiprocessing.get_context("fork")
    ahead = 8 * jobs
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(dict(result_classes),)
    ) as pool:
        pending: deque = deque()
        queue = iter(files)
        for path in queue:
            pending.append((path, pool.submit(_parse_in_worker, path)))
            if len(pending) >= ahead:
                break
        while pending:
            path, future = pending.popleft()
            yield path, future.result()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(_parse_in_worker, following)))


def ingest_file(
    path: Path,
    result_classes: Mapping[str, str],
    *,
    publish: bool = False,
    update: bool = False,
    sample: bool = False,
    dry_run: bool = False,
    lookups: Any = None,
    durable: bool = True,
) -> FileResult:
    """Parse one file and, unless dry_run, save it; never raises for a bad file."""
    data, reply, reason = read_and_parse(path, result_classes)
    return _finish(
        path,
        data,
        reply,
        reason,
        publish=publish,
        update=update,
        sample=sample,
        dry_run=dry_run,
        lookups=lookups,
        durable=durable,
    )


def _finish(
    path: Path,
    data: bytes | None,
    reply: ParsedReply | None,
    reason: str,
    *,
    publish: bool,
    update: bool,
    sample: bool,
    dry_run: bool,
    lookups: Any,
    durable: bool,
) -> FileResult:
    if reply is None or data is None:
        return FileResult(path, "rejected", reason)
    if dry_run:
        return FileResult(path, "parsed", reply=reply)
    from replies.ingest.load import save_reply

    outcome = save_reply(
        reply,
        data,
        path.name,
        publish=publish,
        update=update,
        sample=sample,
        lookups=lookups,
        durable=durable,
    )
    return FileResult(path, outcome.status, outcome.reason, reply=reply, reply_id=outcome.reply_id)


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
