"""``manage.py restore PATH``: a backup archive into an empty database and media folder."""

from __future__ import annotations

from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from replies.ops import archive, pgtools
from replies.ops.database import Database


class Command(BaseCommand):
    help = (
        "从备份恢复到空的数据库与空的原始文件目录（先核对全部校验和）："
        "python manage.py restore 路径 [--check]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="backup 命令写出的备份文件")
        parser.add_argument("--check", action="store_true", help="只核对备份的校验和，不恢复")

    def handle(self, *args, path: Path, check: bool, **options) -> None:
        try:
            if check:
                manifest = archive.verify(path)
                self.stdout.write(
                    f"备份完好：{path}（{len(manifest['members'])} 个成员校验和一致，"
                    f"创建于 {manifest['created_at']}）"
                )
                return
            db = Database.from_settings(connection.settings_dict)
            report = archive.restore(path, db, Path(settings.MEDIA_ROOT))
        except (archive.BackupError, pgtools.ToolError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except psycopg.Error as exc:
            raise CommandError(f"数据库出错 / database error: {exc}") from None
        self.stdout.write(
            f"恢复完成：{db.describe()}（{report.tables} 张表，{report.rows} 行，"
            f"{report.files} 个原始文件）"
        )
