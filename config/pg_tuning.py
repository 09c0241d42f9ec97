"""PostgreSQL settings for the machine the embedded server runs on.

initdb's defaults (128 MB of shared buffers, 4 MB of work memory, 1 GB of WAL between
checkpoints) suit a laptop running many programs, not an archive whose gram index outgrows
128 MB at a few tens of thousands of replies. :func:`settings_for` computes the settings from
the memory and CPUs the server may use (the cgroup limit when there is one); the embedded
server writes them to ``archive_tuning.conf`` in its data directory, included from
``postgresql.conf``, and logs them at start. docs/deploy.md gives the same rules for an
external server.
"""

from __future__ import annotations

import os
from pathlib import Path

MB = 1024 * 1024
GB = 1024 * MB

#: The file in PGDATA holding the settings; postgresql.conf includes it.
TUNING_FILE = "archive_tuning.conf"
INCLUDE_LINE = f"include_if_exists = '{TUNING_FILE}'"


def machine_memory() -> int:
    """Bytes of memory this process may use: the cgroup limit if set, else physical RAM."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            raw = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if raw.isdigit() and 0 < int(raw) < physical:
            return int(raw)
    return physical


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _size(value: int) -> str:
    return f"{value // MB}MB"


def settings_for(memory: int, cpus: int) -> dict[str, str]:
    """The server settings for ``memory`` bytes and ``cpus`` CPUs, as postgresql.conf values.

    * ``shared_buffers`` 1/8 of memory (128 MB–2 GB): the gram and word indexes of 100,000
      replies (about 1.5 GB) stay in PostgreSQL's cache, the rest is left to the OS cache;
    * ``effective_cache_size`` 1/2 of memory; ``work_mem`` 1/512 (4–64 MB) for sorts and
      bitmaps; ``maintenance_work_mem`` 1/16 (64 MB–1 GB) for GIN builds and VACUUM;
    * WAL: checkpoints at most every 15 minutes or 4 GB, compressed, so a bulk load is not
      throttled by checkpoints;
    * ``gin_pending_list_limit`` stays 4 MB: every search scans the pending list, so a larger
      one makes writes cheaper and every query dearer;
    * ``jit`` off: compiling a search statement costs more than the statement;
    * ``random_page_cost`` 1.1: the data is on SSD or in memory;
    * parallel workers per query at most half the CPUs, so concurrent pages keep a core.
    """
    return {
        "shared_buffers": _size(_clamp(memory // 8, 128 * MB, 2 * GB)),
        "effective_cache_size": _size(max(memory // 2, 256 * MB)),
        "work_mem": _size(_clamp(memory // 512, 4 * MB, 64 * MB)),
        "maintenance_work_mem": _size(_clamp(memory // 16, 64 * MB, 1 * GB)),
        "max_wal_size": "4GB",
        "min_wal_size": "256MB",
        "checkpoint_timeout": "15min",
        "checkpoint_completion_target": "0.9",
        "wal_compression": "on",
        "wal_buffers": "16MB",
        "gin_pending_list_limit": "4MB",
        "jit": "off",
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "max_parallel_workers_per_gather": str(max(cpus // 2, 1)),
    }


def render(settings: dict[str, str]) -> str:
    """The text of the tuning file."""
    lines = ["# Written by config/pg_tuning.py from this machine's memory and CPUs."]
    lines += [f"{name} = '{value}'" for name, value in settings.items()]
    return "\n".join(lines) + "\n"


def write(pgdata: Path, settings: dict[str, str]) -> bool:
    """Write the tuning file and its include line; return True when anything changed."""
    changed = False
    conf = pgdata / "postgresql.conf"
    text = conf.read_text(encoding="utf-8")
    if INCLUDE_LINE not in text:
        conf.write_text(text.rstrip("\n") + f"\n{INCLUDE_LINE}\n", encoding="utf-8")
        changed = True
    tuning = pgdata / TUNING_FILE
    wanted = render(settings)
    if not tuning.exists() or tuning.read_text(encoding="utf-8") != wanted:
        tuning.write_text(wanted, encoding="utf-8")
        changed = True
    return changed
