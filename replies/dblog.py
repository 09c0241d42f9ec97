"""Operations logging: a JSON formatter, and every SQL statement slower than
``ARCHIVE_SLOW_QUERY_MS`` logged to ``replies.slow_query`` with its duration and text."""

from __future__ import annotations

import datetime
import json
import logging
import time

from django.db.backends.signals import connection_created
from django.dispatch import receiver

from replies.conf import archive_settings

logger = logging.getLogger("replies.slow_query")

#: LogRecord attributes that are not extras.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def log_slow_queries(execute, sql, params, many, context):
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        threshold = archive_settings.ARCHIVE_SLOW_QUERY_MS
        elapsed = (time.perf_counter() - start) * 1000
        if 0 < threshold <= elapsed:
            logger.warning(
                "slow query",
                extra={
                    "duration_ms": round(elapsed, 1),
                    "sql": sql[:4000],
                    "database": context["connection"].alias,
                },
            )


@receiver(connection_created)
def _install(sender, connection, **kwargs) -> None:
    if log_slow_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(log_slow_queries)
