"""Fixtures for the search tests: replies indexed through the real save path."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from replies.models import Department, Disclosure, Reply, Session, Status


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """A context manager: saves inside it are indexed on leaving it, as after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def samples(db, indexed):
    """The seed and sample replies, loaded with load_samples (the ingestion pipeline)."""
    with indexed():
        call_command("load_samples", verbosity=0)
    return list(Reply.objects.order_by("pk"))


@pytest.fixture
def add_reply(db, indexed):
    """Create and index a public reply; keyword arguments override fields."""
    counter = iter(range(1, 100_000))
    session = Session.objects.get_or_create(
        council="测试市政协", term=9, number=2, defaults={"year": 2024}
    )[0]

    def add(**fields) -> Reply:
        n = next(counter)
        values = {
            "session": session,
            "number": f"{900 + n:03d}",
            "number_int": 900 + n,
            "title": f"对测试市政协九届二次会议第{900 + n}号提案的答复",
            "proposal_title": "关于改进测试工作的建议",
            "department": Department.match_or_create("测试市测试局"),
            "status": Status.PUBLISHED,
            "disclosure": Disclosure.PUBLIC,
            "reply_date": datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            "body": "提案收悉，现答复如下。",
        }
        values.update(fields)
        with indexed():
            return Reply.objects.create(**values)

    return add
