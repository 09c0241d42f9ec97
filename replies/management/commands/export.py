"""Write the open-data package: every public reply as CSV and JSON Lines, their source files
and a README of the fields, in one zip (replies.exports.write_package)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from replies import exports


class Command(BaseCommand):
    help = "生成开放数据包（CSV、JSON Lines、原始文件、字段说明），默认写入网站提供下载的目录。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help=f"写入的目录（默认 {exports.export_dir()}，网站提供其中最新的数据包）",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="链接使用的网站地址（默认 http://127.0.0.1:8000）",
        )

    def handle(self, *args, path: Path | None, base_url: str, **options) -> None:
        base = base_url.rstrip("/")
        package, count = exports.write_package(path or exports.export_dir(), lambda p: base + p)
        self.stdout.write(f"已写入 {package}：{count} 件公开答复。")
