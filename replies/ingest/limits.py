"""Run an untrusted-input parser in a child process with a time and memory budget."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from typing import Any

DEFAULT_MEMORY_BYTES = 2 * 1024**3

#: Defaults of the ARCHIVE_OCR_* settings (config/settings.py; extract/ocr.py reads them):
#: engine, pages read per file, seconds per page and per file, memory of the reading child,
#: the resolution pages are read at, the largest page in pixels.
OCR_DEFAULTS: dict[str, Any] = {
    "ARCHIVE_OCR_ENGINE": "auto",
    "ARCHIVE_OCR_MAX_PAGES": 20,
    "ARCHIVE_OCR_PAGE_TIMEOUT": 60.0,
    "ARCHIVE_OCR_FILE_TIMEOUT": 300.0,
    "ARCHIVE_OCR_PAGE_MEMORY": DEFAULT_MEMORY_BYTES,
    "ARCHIVE_OCR_DPI": 150,
    "ARCHIVE_OCR_MAX_PIXELS": 40_000_000,
}

_context: Any = None


class LimitExceeded(Exception):
    """The child ran out of time or memory, or died."""


class ChildError(Exception):
    """An exception raised in the child that cannot be pickled; keeps its type's name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(type_name, message)
        self.type_name = type_name
        self.message = message

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


def _context_once() -> Any:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(
            ["replies.ingest.extract", "bs4", "lxml.html", "docx", "pdfminer.high_level"]
        )
    return _context


def _forget_forkserver() -> None:
    """In a process forked from one that ran parsers, start afresh.

    The forkserver belongs to the parent: a forked child (an ingest worker) that used it
    would wait for processes that are not its own (ChildProcessError). The child starts its
    own forkserver at its first parse. (multiprocessing offers no public reset; these are
    the fields ``ForkServer.ensure_running`` looks at.)
    """
    global _context
    _context = None
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)  # the parent's server must not wait for us
    server._forkserver_pid = None
    server._forkserver_address = None
    server._forkserver_alive_fd = None
    server._lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_forkserver)


def _child(
    conn: Any,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    memory: int | None,
    stream: bool = False,
) -> None:
    """Run func under the memory limit; send its result (or, stream: each item, then _END)."""
    if memory:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        if stream:
            for item in func(*args):
                conn.send((True, item))
            conn.send((True, _END))
        else:
            conn.send((True, func(*args)))
    except MemoryError:
        conn.send((False, MemoryError("内存超出限制")))
    except BaseException as exc:  # the parent decides what an error means
        conn.send((False, exc if _picklable(exc) else ChildError(type(exc).__name__, str(exc))))
    finally:
        conn.close()


_END = "__end_of_stream__"


def stream_limited(
    func: Callable[..., Any],
    *args: Any,
    each: Callable[[int], float],
    memory: int | None = DEFAULT_MEMORY_BYTES,
) -> Any:
    """Iterate over the items of the generator func(*args) run in one child process.

    each(k) is the time allowed for item k (0, 1, …), e.g. per page within what is left of
    a file's budget; past it the child is killed and LimitExceeded raised. Exceptions of
    func are re-raised here. func must be a module-level generator function.
    """
    ctx = _context_once()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args, memory, True), daemon=True)
    proc.start()
    sender.close()
    try:
        k = 0
        while True:
            timeout = each(k)
            if timeout <= 0 or not receiver.poll(timeout):
                raise LimitExceeded(f"处理超时（超过 {max(timeout, 0):g} 秒）")
            try:
                ok, value = receiver.recv()
            except EOFError:
                raise LimitExceeded("解析进程意外退出（可能超出内存限制）") from None
            if not ok:
                raise value
            if isinstance(value, str) and value == _END:
                return
            yield value
            k += 1
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)


def _picklable(exc: BaseException) -> bool:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def run_limited(
    func: Callable[..., Any],
    *args: Any,
    timeout: float,
    memory: int | None = DEFAULT_MEMORY_BYTES,
) -> Any:
    """Call func(*args) in a child process; raise LimitExceeded after timeout seconds.

    Exceptions raised by func are re-raised here. func must be a module-level function.
    """
    ctx = _context_once()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args, memory), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise LimitExceeded(f"处理超时（超过 {timeout:g} 秒）")
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise LimitExceeded("解析进程意外退出（可能超出内存限制）") from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if ok:
        return value
    raise value
