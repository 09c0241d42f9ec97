"""python manage.py orphans [--delete]: source files that no reply and no version refers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from replies.actions import referenced_files, remove_unreferenced

#: Where Reply.source_file stores uploads (its ``upload_to`` starts with it).
SOURCES = "sources"


def stored_files() -> list[str]:
    """Every file under MEDIA_ROOT/sources, as storage names (``sources/2024/05/a.pdf``)."""
    root = Path(settings.MEDIA_ROOT)
    folder = root / SOURCES
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file())


def orphans() -> list[str]:
    referenced = referenced_files()
    return [name for name in stored_files() if name not in referenced]


class Command(BaseCommand):
    help = "列出（加 --delete 则删除）媒体目录 sources/ 下没有任何答复或历史版本引用的原始文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="删除这些文件")

    def handle(self, *args: Any, **options: Any) -> None:
        found = orphans()
        for name in found:
            self.stdout.write(name)
        if options["delete"]:
            gone = remove_unreferenced(found)
            self.stdout.write(f"已删除 {len(gone)} 个无引用的原始文件。")
        else:
            self.stdout.write(f"共 {len(found)} 个无引用的原始文件；加 --delete 删除。")
