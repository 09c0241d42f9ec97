"""Slow-query logging above ARCHIVE_SLOW_QUERY_MS, and the JSON log format."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection

from replies.dblog import JsonFormatter

pytestmark = pytest.mark.django_db


def _slow_records(caplog, *statements: str) -> list[logging.LogRecord]:
    with (
        caplog.at_level(logging.WARNING, logger="replies.slow_query"),
        connection.cursor() as cursor,
    ):
        for sql in statements:
            cursor.execute(sql)
    return [r for r in caplog.records if r.name == "replies.slow_query"]


def test_a_query_slower_than_the_threshold_is_logged(settings, caplog):
    settings.ARCHIVE_SLOW_QUERY_MS = 30
    [record] = _slow_records(caplog, "SELECT 1", "SELECT pg_sleep(0.05)")
    assert record.sql == "SELECT pg_sleep(0.05)" and record.duration_ms >= 30
    assert record.database == "default"


def test_off_at_zero(settings, caplog):
    settings.ARCHIVE_SLOW_QUERY_MS = 0
    assert not _slow_records(caplog, "SELECT pg_sleep(0.02)")


def test_json_lines_carry_the_extras():
    record = logging.makeLogRecord(
        {"name": "replies.x", "levelname": "INFO", "msg": "导入 %s", "args": ("3 件",)}
    )
    record.user = "editor"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "导入 3 件" and line["user"] == "editor"
    assert line["logger"] == "replies.x" and line["level"] == "INFO" and "time" in line
