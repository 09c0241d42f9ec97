"""The batch runner behind the ingest command and load_samples.

``ingest_paths`` parses every file under some paths (zip archives member by member, see
:mod:`replies.ingest.archive`) and, unless it is a dry run, saves each in its own transaction
through :mod:`replies.ingest.load`; what happened is an :class:`~report.IngestSummary`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replies.ingest import archive
from replies.ingest.parsed import ParsedReply
from replies.ingest.pipeline import Rejected, limits, parse_bytes, result_class_table
from replies.ingest.report import FileResult, IngestSummary, Outcome, member_file_name, write_json
from replies.search import index as search_index


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


@dataclass
class Parsed:
    """One document read and parsed, without the database: a file or an archive member."""

    #: The member's name inside the archive, or None for a plain file.
    member: str | None
    data: bytes | None
    reply: ParsedReply | None
    reason: str = ""


def read_and_parse(path: Path, result_classes: Mapping[str, str]) -> list[Parsed]:
    """Read and parse one file, or each member of a zip archive; never raises for a bad file."""
    max_bytes = limits()[0]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Rejected(f"文件过大（{size} 字节，上限 {max_bytes} 字节）")
        data = path.read_bytes()
        if not archive.is_archive(data):
            return [Parsed(None, data, parse_bytes(data, path.name, result_classes))]
        return [
            _parse_member(m, result_classes)
            for m in archive.members(data, path.name, max_member_bytes=max_bytes)
        ]
    except Rejected as exc:
        return [Parsed(None, None, None, str(exc))]
    except OSError as exc:
        return [Parsed(None, None, None, f"无法读取文件：{exc.strerror or exc}")]


def _parse_member(member: archive.Member, result_classes: Mapping[str, str]) -> Parsed:
    if member.data is None:
        return Parsed(member.name, None, None, member.reason)
    base = member.name.rsplit("/", 1)[-1]
    try:
        return Parsed(member.name, member.data, parse_bytes(member.data, base, result_classes))
    except Rejected as exc:
        return Parsed(member.name, None, None, str(exc))


_worker_classes: Mapping[str, str] = {}


def _init_worker(result_classes: Mapping[str, str]) -> None:
    global _worker_classes
    _worker_classes = result_classes


def _parse_in_worker(path: Path) -> list[Parsed]:
    return read_and_parse(path, _worker_classes)


def parsed_files(
    files: list[Path], result_classes: Mapping[str, str], jobs: int = 1
) -> Iterator[tuple[Path, Parsed]]:
    """Each file (each archive member) with its parse result, in order.

    Parsed by ``jobs`` processes when > 1. At most a few files per worker are parsed ahead of
    the consumer, so memory stays flat however slowly the results are saved.
    """
    if jobs <= 1 or len(files) < 2 * jobs:
        for path in files:
            for parsed in read_and_parse(path, result_classes):
                yield path, parsed
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
            for parsed in future.result():
                yield path, parsed
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(_parse_in_worker, following)))


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
    parsed by that many worker processes while this process saves them, in input order.
    """
    if result_classes is None:
        result_classes = result_class_table()
    from replies.ingest.load import Lookups

    lookups = Lookups()
    summary = IngestSummary()
    files = files if files is not None else iter_files(paths)
    options = {"publish": publish, "update": update, "sample": sample, "dry_run": dry_run}
    with search_index.deferred() as flush_index:
        for path, parsed in parsed_files(files, result_classes, jobs):
            result = _finish(path, parsed, lookups=lookups, durable=durable, **options)
            flush_index()
            if json_dir is not None:
                write_json(json_dir, result)
            summary.add(result)
            if on_result is not None:
                on_result(result)
    return summary


def ingest_file(
    path: Path,
    result_classes: Mapping[str, str],
    *,
    lookups: Any = None,
    durable: bool = True,
    **options: bool,
) -> list[FileResult]:
    """Parse one file (each member of an archive) and, unless dry_run, save it.

    ``options`` are those of ``ingest_paths`` (publish, update, sample, dry_run). Never
    raises for a bad file.
    """
    options = {"publish": False, "update": False, "sample": False, "dry_run": False, **options}
    return [
        _finish(path, parsed, lookups=lookups, durable=durable, **options)
        for parsed in read_and_parse(path, result_classes)
    ]


def _finish(
    path: Path,
    parsed: Parsed,
    *,
    publish: bool,
    update: bool,
    sample: bool,
    dry_run: bool,
    lookups: Any,
    durable: bool,
) -> FileResult:
    reply, data, member = parsed.reply, parsed.data, parsed.member
    if reply is None or data is None:
        return FileResult(path, Outcome.REJECTED, parsed.reason, member=member)
    if dry_run:
        return FileResult(path, Outcome.PARSED, reply=reply, member=member)
    from replies.ingest.load import save_reply

    outcome = save_reply(
        reply,
        data,
        member_file_name(path.name, member),
        publish=publish,
        update=update,
        sample=sample,
        lookups=lookups,
        durable=durable,
    )
    return FileResult(
        path, outcome.status, outcome.reason, reply=reply, reply_id=outcome.reply_id, member=member
    )
