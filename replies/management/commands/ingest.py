"""python manage.py ingest PATH... [--dry-run] [--json-dir DIR] [--update] [--publish] [--jobs N]
[--fast-commit]

Exit codes: 0 all files parsed or saved; 1 some file rejected; 3 some file conflicted with a
saved reply; 4 both; 2 usage error (see replies.ingest.report).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from replies.ingest.batch import ingest_paths, iter_files
from replies.ingest.report import EXIT_USAGE, FileResult, problem_lines
from replies.oplog import audit


class Command(BaseCommand):
    help = (
        "导入答复文件（txt、pdf、docx、html、doc/wps，以及装有这些文件的 zip 压缩包），"
        "PATH 可以是文件或文件夹（递归）。缺少标题、政协、届次或提案号的答复存为草稿并标记"
        "“需要核对”，不会发布。退出码：0 全部成功；1 有文件被拒收；3 有文件与已有答复冲突"
        "（未导入，可用 --update 替换）；4 既有拒收又有冲突；2 用法错误（如路径不存在）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument(
            "--json-dir",
            type=Path,
            help="为每个输入文件写出 DIR/<文件名>.json 解析结果"
            "（压缩包成员为 DIR/<压缩包名>!<成员名>.json）",
        )
        parser.add_argument(
            "--update", action="store_true", help="与已有答复冲突时替换它（保留旧版本）"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="新答复直接发布（默认草稿；需要核对的答复始终为草稿）",
        )
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
            raise CommandError(
                "路径不存在：" + "、".join(str(p) for p in missing), returncode=EXIT_USAGE
            )
        files = iter_files(options["paths"])
        verbosity = options["verbosity"]
        bar = None
        if verbosity > 0 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="个文件", file=sys.stderr, dynamic_ncols=True)
        last: list[Path] = []

        def report(result: FileResult) -> None:
            if not options["dry_run"]:
                audit(
                    "ingest.file",
                    None,
                    file=result.label,
                    outcome=str(result.status),
                    reason=result.reason,
                    reply_id=result.reply_id,
                    publish=options["publish"],
                )
            for line in problem_lines(result) if verbosity > 0 else []:
                if bar is not None:
                    bar.write(line, file=sys.stderr)
                else:
                    self.stderr.write(line)
            if bar is not None and last != [result.path]:  # archive members count once
                last[:] = [result.path]
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
        self.stdout.write(summary.text(dry_run=options["dry_run"]))
        audit(
            "ingest",
            None,
            paths=[str(p) for p in options["paths"]],
            dry_run=options["dry_run"],
            summary=summary.text(dry_run=options["dry_run"]),
        )
        code = summary.exit_code()
        if code:
            raise CommandError(summary.failure(), returncode=code)
