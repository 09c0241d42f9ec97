"""``make serve``: gunicorn with production settings on the embedded database, on loopback;
and ``check --deploy`` clean under the settings docs/deploy.md gives."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config.embedded_db import stop_server

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _clean_env(**extra: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' conftest, refused by check --deploy.
    drop = {
        "DATABASE_URL",
        "DEBUG",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path / "data"
    stop_server(tmp_path / "data")


def test_make_serve_runs_gunicorn_in_production_mode(data_dir, tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 (read after the server stops)
    env = _clean_env(ARCHIVE_DATA_DIR=str(data_dir), PORT=str(port), WEB_CONCURRENCY="2")
    proc = subprocess.Popen(
        ["make", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, home = _get(base + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "make serve did not answer in time"
                time.sleep(1)
        assert status == 200
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
        assert css, "hashed static names: DEBUG is off and collectstatic ran"
        assert _get(base + css.group(1))[0] == 200
        status, page = _get(base + "/no-such-page/")
        assert status == 404
        assert "Traceback" not in page and "DEBUG" not in page and "urlpatterns" not in page
        key = data_dir / "secret_key"
        assert key.stat().st_size > 40 and stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    output = (tmp_path / "serve.log").read_text()
    assert "gunicorn" in output.lower()
    assert len(re.findall(r"Booting worker with pid", output)) >= 2


def test_check_deploy_is_clean_under_the_documented_settings(tmp_path):
    env = _clean_env(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-key-" + "x7Kq" * 10,
        ALLOWED_HOSTS="archive.example.org",
        CSRF_TRUSTED_ORIGINS="https://archive.example.org",
        ARCHIVE_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgresql://archive@127.0.0.1:9/archive",  # parsed, never connected
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip

    assert manage("collectstatic", "--noinput", "--verbosity", "0").returncode == 0
    out = manage("check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
