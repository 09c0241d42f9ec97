"""Helpers for the operations tests: databases on the test's embedded server, by URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg

ROOT = Path(__file__).resolve().parents[2]

SEARCH = (
    "import json, os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
    "django.setup(); import replies.search as s; "
    "outs = [s.search(None, q) for q in {queries!r}]; "
    "print(json.dumps([{{'ids': [r.pk for r in o.results], 'scores': o.scores}} for o in outs]))"
)


def url(params: dict, name: str) -> str:
    """A DATABASE_URL for database ``name`` on the server of Django ``params``."""
    host = quote(str(params.get("HOST") or ""), safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    user = quote(str(params.get("USER") or ""), safe="")
    password = f":{quote(str(params['PASSWORD']), safe='')}" if params.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}{port}/{name}"


def connect(params: dict, name: str) -> psycopg.Connection:
    """An autocommit connection to database ``name`` on the server of Django ``params``."""
    return psycopg.connect(url(params, name), autocommit=True)


def manage(args: list[str], database_url: str, data_dir: Path, code: str | None = None):
    """Run ``manage.py args`` (or python ``code``) in a new process against ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "ARCHIVE_DATA_DIR": str(data_dir)}
    env.update(DEBUG="true")
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def search_elsewhere(queries: list[str], database_url: str, data_dir: Path) -> list[dict]:
    """What ``replies.search.search`` answers for each query on another database (a new process):
    the ordered ids and the scores (keys as strings, as JSON has them)."""
    done = manage([], database_url, data_dir, code=SEARCH.format(queries=queries))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
