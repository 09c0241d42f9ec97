"""The embedded server: started once per data dir, reused, and keeping its data."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from config.embedded_db import ensure_server, server_status, stop_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    stop_server(tmp_path)


def _connect(params):
    return psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        dbname=params["NAME"],
        autocommit=True,
    )


def test_start_reuse_restart_keeps_data(data_dir):
    params = ensure_server(data_dir)
    pid = server_status(data_dir)["pid"]
    with _connect(params) as conn:
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('留存')")

    assert ensure_server(data_dir) == params
    assert server_status(data_dir)["pid"] == pid, "a second start must reuse the running server"

    assert stop_server(data_dir)
    assert server_status(data_dir) is None
    params = ensure_server(data_dir)
    with _connect(params) as conn:
        assert conn.execute("SELECT v FROM kept").fetchone() == ("留存",)


def test_concurrent_starts_make_one_server(data_dir):
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from config.embedded_db import ensure_server, server_status; "
        f"ensure_server({str(data_dir)!r}); print(server_status({str(data_dir)!r})['pid'])"
    )

    def start(_):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    with ThreadPoolExecutor(3) as pool:
        pids = set(pool.map(start, range(3)))
    assert len(pids) == 1
