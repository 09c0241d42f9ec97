"""``manage.py backup PATH``: the database (pg_dump) and the source files in one archive."""

from __future__ import annotations

from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from replies.ops import archive, pgtools
from replies.ops.database import Database


class Command(BaseCommand):
    help = "备份数据库与原始文件到一个归档（tar，内含清单与校验和）：python manage.py backup 路径"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="要写入的备份文件（不能已存在）")

    def handle(self, *args, path: Path, **options) -> None:
        db = Database.from_settings(connection.settings_dict)
        try:
            manifest = archive.create(path, db, Path(settings.MEDIA_ROOT))
        except (archive.BackupError, pgtools.ToolError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except psycopg.Error as exc:
            raise CommandError(f"数据库出错 / database error: {exc}") from None
        files = sum(1 for name in manifest["members"] if name.startswith("media/"))
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"备份完成：{path}（{len(manifest['counts'])} 张表，{rows} 行，{files} 个原始文件）"
        )
