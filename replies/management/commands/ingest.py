"""python manage.py ingest PATH... [--dry-run] [--json-dir DIR] [--update] [--publish] [--jobs N]
[--fast-commit]"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from replies.ingest.pipeline import FileResult, ingest_paths, iter_files

STATUS_TEXT = {"conflict": "冲突", "rejected": "拒收"}


class Command(BaseCommand):
    help = (
        "导入答复文件（txt、pdf、docx、html、doc/wps），PATH 可以是文件或文件夹（递归）。"
        "有文件被拒收时退出码为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument(
            "--json-dir", type=Path, help="为每个输入文件写出 DIR/<文件名>.json 解析结果"
        )
        parser.add_argument(
            "--update", action="store_true", help="与已有答复冲突时替换它（保留旧版本）"
        )
        parser.add_argument("--publish", action="store_true", help="新答复直接发布（默认草稿）")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="并行解析的进程数（默认为 CPU 核数，最多 4）",
        )
        parser.add_argument(
            "--fast-commit",
            action="store_true",
            help="提交时不等待日志落盘（批量导入更快；数据库崩溃时最后片刻导入的文件可能丢失，"
            "重新导入即可恢复）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [p for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError("路径不存在：" + "、".join(str(p) for p in missing))
        files = iter_files(options["paths"])
        verbosity = options["verbosity"]
        bar = None
        if verbosity > 0 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="个文件", file=sys.stderr, dynamic_ncols=True)

        def report(result: FileResult) -> None:
            for line in _problem_lines(result) if verbosity > 0 else []:
                if bar is not None:
                    bar.write(line, file=sys.stderr)
                else:
                    self.stderr.write(line)
            if bar is not None:
                bar.update(1)

        try:
            summary = ingest_paths(
                options["paths"],
                files=files,
                publish=options["publish"],
                update=options["update"],
                dry_run=options["dry_run"],
                json_dir=options["json_dir"],
                on_result=report,
                jobs=max(1, options["jobs"]),
                durable=not options["fast_commit"],
            )
        finally:
            if bar is not None:
                bar.close()
        mode = "（试运行，未写入数据库）" if options["dry_run"] else ""
        self.stdout.write(
            f"共 {len(files)} 个文件{mode}：解析 {summary.parsed}，新建 {summary.created}，"
            f"更新 {summary.updated}，跳过 {summary.skipped}，冲突 {summary.conflicts}，"
            f"拒收 {len(summary.rejected)}，需要核对 {summary.needs_review}，"
            f"提示 {summary.warnings} 条"
        )
        if summary.rejected:
            raise CommandError(f"{len(summary.rejected)} 个文件被拒收", returncode=1)


def _problem_lines(result: FileResult) -> list[str]:
    name = str(result.path)
    if result.status in STATUS_TEXT:
        return [f"{name}: {STATUS_TEXT[result.status]}：{result.reason}"]
    lines = [f"{name}: {result.reason}"] if result.reason else []
    if result.reply is not None and result.reply.warnings:
        lines.append(f"{name}: 提示：" + "；".join(result.reply.warnings))
    return lines
