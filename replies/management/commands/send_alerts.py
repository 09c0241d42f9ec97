"""Send the email alerts that are owed (run it from cron or a systemd timer: docs/alerts.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from replies.alerts.sender import send_all


class Command(BaseCommand):
    help = "给每个已确认的邮件订阅发送自上次提醒以来新公开的相符答复（每个订阅一封摘要邮件）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将要发送的内容，不发送也不记录。"
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        outcome = send_all(dry_run=dry_run, report=self.stdout.write)
        if dry_run:
            return
        self.stdout.write(
            f"已发送 {outcome.sent} 封摘要邮件，共 {outcome.replies} 件答复；"
            f"失败 {outcome.failed} 封，被并行运行跳过 {outcome.skipped} 个订阅。"
        )
        if outcome.failed:
            raise CommandError(f"{outcome.failed} 封摘要邮件发送失败，下次运行会重试。")
