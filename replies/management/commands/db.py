"""``manage.py db start|stop|status``: the embedded PostgreSQL server, on purpose.

The first database connection starts the server anyway; ``db start`` does it ahead (``make
run`` and ``make serve`` call it), ``db stop`` stops it, ``db status`` exits 1 when it is not
running. With ``DATABASE_URL`` there is no embedded server: ``status`` checks the connection.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from config import embedded_db


class Command(BaseCommand):
    help = "启动、停止或查看内置 PostgreSQL 数据库（未设置 DATABASE_URL 时使用）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, action: str, **options):
        data_dir = connection.settings_dict.get("DATA_DIR")
        if data_dir is None:
            return self._external(action)
        pgdata = embedded_db.pgdata_dir(data_dir)
        if action == "start":
            embedded_db.ensure_server(data_dir)
            status = embedded_db.server_status(data_dir)
            self.stdout.write(f"内置数据库已就绪：{pgdata}（pid {status['pid']}）")
        elif action == "stop":
            stopped = embedded_db.stop_server(data_dir)
            self.stdout.write("内置数据库已停止。" if stopped else "内置数据库没有运行。")
        else:
            status = embedded_db.server_status(data_dir)
            if status is None:
                self.stdout.write(f"内置数据库没有运行：{pgdata}")
                raise SystemExit(1)
            self.stdout.write(
                f"内置数据库运行中：pid {status['pid']}，套接字 {status['socket_dir']}，"
                f"端口 {status['port']}，数据 {pgdata}"
            )

    def _external(self, action: str) -> None:
        name = settings.DATABASES["default"].get("NAME")
        if action != "status":
            raise CommandError(f"使用的是外部数据库（DATABASE_URL，库 {name}），由它的管理员启停。")
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            self.stdout.write(f"外部数据库连接失败：{exc}")
            raise SystemExit(1) from None
        self.stdout.write(f"外部数据库可以连接：库 {name}")
