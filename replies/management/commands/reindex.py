"""Rebuild the search index of every public reply."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from replies.models import Reply
from replies.search import index


class Command(BaseCommand):
    help = "重建全部公开答复的检索索引（显示进度）；未变化的条目不重写，除非指定 --force。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="重写每一条检索条目（包括未变化的）"
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        total = Reply.objects.public().count()
        show = options["verbosity"] > 0 and sys.stderr.isatty()
        with tqdm(total=total, unit="条", desc="重建索引", disable=not show) as bar:
            done = index.reindex_all(progress=bar.update, force=options["force"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE replies_replysearch")
            cursor.execute("ANALYZE replies_replysearchchunk")
        if options["verbosity"] > 0:
            seconds = time.perf_counter() - started
            self.stdout.write(f"已重建 {done} 条答复的检索索引，用时 {seconds:.1f} 秒。")
