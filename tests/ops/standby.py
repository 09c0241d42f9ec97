"""A second embedded PostgreSQL, made a streaming standby of the test server by pg_basebackup."""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path

import psycopg

from config.embedded_db import _embedded_postgres
from replies.ops.pgtools import embedded_bin_dir

#: The server runs as this user when the tests run as root (as the embedded server does).
SERVER_USER = "embedded_postgres"


def _as_server_user() -> dict:
    return {"user": SERVER_USER} if os.geteuid() == 0 else {}


def _own(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(path, account.pw_uid, account.pw_gid)
        _embedded_postgres().utils.ensure_prefix_permissions(path)
    path.chmod(0o700)


class Standby:
    """A hot standby of the server at ``primary`` (Django HOST/PORT), in ``pgdata``."""

    def __init__(self, primary: dict, pgdata: Path, port: int) -> None:
        self.primary = primary
        self.pgdata = pgdata
        self.port = port

    @property
    def host(self) -> str:
        return str(self.pgdata)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(embedded_bin_dir() / program), *args],
            check=True,
            capture_output=True,
            timeout=120,
            **_as_server_user(),
        )

    def start(self) -> None:
        """Copy the primary (``-R``: as its standby) and start the copy."""
        _own(self.pgdata)
        self._run(
            "pg_basebackup",
            f"--pgdata={self.pgdata}",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",  # a throwaway copy: no need to wait for the disk
            f"--host={self.primary['HOST']}",
            f"--port={self.primary['PORT']}",
            "--username=postgres",
        )
        self.resume()

    def resume(self) -> None:
        """Start the standby server (again)."""
        options = f"-k {self.pgdata} -p {self.port} -c listen_addresses='' -c fsync=off"
        log = self.pgdata / "standby.log"
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-l", str(log), "-o", options, "start")

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "immediate", "stop")

    def connect(self, name: str) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user="postgres", dbname=name, autocommit=True
        )

    def wait_for(self, lsn: str, name: str, timeout: float = 20) -> None:
        """Wait until the standby has replayed the primary's WAL up to ``lsn``."""
        deadline = time.monotonic() + timeout
        with self.connect(name) as conn:
            while time.monotonic() < deadline:
                done = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
                ).fetchone()[0]
                if done:
                    return
                time.sleep(0.05)
        raise AssertionError(f"the standby did not replay up to {lsn} in {timeout} s")
