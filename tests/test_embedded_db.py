"""The embedded server: started once per data dir, reused, and keeping its data."""

import os
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


SETUP = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
    "django.setup(); from django.conf import settings; from django.db import connection; "
    "from config.embedded_db import ensure_server, server_status, stop_server; "
    "data = settings.ARCHIVE_DATA_DIR; "
)


def _manage(data_dir, *args, code=None):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ARCHIVE_DATA_DIR=str(data_dir), DEBUG="true")
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _django(data_dir, code: str) -> list[str]:
    """Run ``code`` after django.setup() in a new process; its printed lines."""
    out = _manage(data_dir, code=SETUP + code)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_importing_the_settings_starts_nothing_the_first_connection_does(data_dir):
    printed = _django(
        data_dir,
        "print(server_status(data)); "
        "cursor = connection.cursor(); cursor.execute('SELECT current_database()'); "
        "print(cursor.fetchone()[0], server_status(data) is not None)",
    )
    assert printed[:2] == ["None", "archive True"]


def test_manage_db_start_status_stop(data_dir):
    status = _manage(data_dir, "db", "status")
    assert status.returncode == 1 and "没有运行" in status.stdout
    assert not (data_dir / "pgdata").exists(), "status must not start the server"
    start = _manage(data_dir, "db", "start")
    assert start.returncode == 0 and "已就绪" in start.stdout, start.stderr
    status = _manage(data_dir, "db", "status")
    assert status.returncode == 0 and "运行中" in status.stdout
    pid = server_status(data_dir)["pid"]
    assert f"pid {pid}" in status.stdout
    stop = _manage(data_dir, "db", "stop")
    assert stop.returncode == 0 and "已停止" in stop.stdout
    assert server_status(data_dir) is None
    assert "没有运行" in _manage(data_dir, "db", "stop").stdout


def test_a_server_restarted_behind_a_live_process_is_found_again(data_dir):
    """The backend asks where the server listens on each new connection."""
    printed = _django(
        data_dir,
        "connection.ensure_connection(); connection.close(); "
        "stop_server(data); ensure_server(data); "
        "cursor = connection.cursor(); cursor.execute('SELECT 1'); print(cursor.fetchone())",
    )
    assert printed == ["(1,)"]


def test_server_is_tuned_for_the_machine(data_dir):
    """A new server runs with the settings computed from this machine's memory, including
    shared_buffers (which needs the restart that follows initdb); a later start reuses it."""
    from config import pg_tuning

    wanted = pg_tuning.settings_for(pg_tuning.machine_memory(), os.cpu_count() or 1)
    params = ensure_server(data_dir)
    with _connect(params) as conn:
        for name in ("shared_buffers", "work_mem", "maintenance_work_mem", "jit", "max_wal_size"):
            shown = conn.execute(f"SHOW {name}").fetchone()[0]
            value = wanted[name]
            if value.endswith("MB") and int(value[:-2]) % 1024 == 0:
                value = f"{int(value[:-2]) // 1024}GB"
            assert shown == value, name
    pid = server_status(data_dir)["pid"]
    ensure_server(data_dir)
    assert server_status(data_dir)["pid"] == pid, "unchanged settings must not restart"


def test_tuning_follows_memory():
    from config.pg_tuning import GB, MB, settings_for

    small, large = settings_for(1 * GB, 1), settings_for(64 * GB, 16)
    assert small["shared_buffers"] == "128MB" and large["shared_buffers"] == "2048MB"
    assert small["work_mem"] == "4MB" and large["work_mem"] == "64MB"
    assert settings_for(8 * GB, 2)["maintenance_work_mem"] == f"{8 * GB // 16 // MB}MB"
    assert large["max_parallel_workers_per_gather"] == "8"
    assert small["max_parallel_workers_per_gather"] == "1"
