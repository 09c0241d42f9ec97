"""Search public replies from the command line, as the site does."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from replies import search
from replies.models import attach_body_start


class Command(BaseCommand):
    help = "按网站的检索规则检索公开答复：python manage.py search 查询词 [--all] [--json]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("query", nargs="+", help="检索词（与网站检索框相同的语法）")
        parser.add_argument("--all", action="store_true", help="列出全部结果（默认前 20 条）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--sort", default="relevance", choices=search.SORTS, help="排序")

    def handle(self, *args, **options) -> None:
        outcome = search.search(None, " ".join(options["query"]), options["sort"])
        ordered = outcome.results.select_related("session", "department").defer("body")
        count = ordered.count()
        rows = attach_body_start(ordered[:] if options["all"] else ordered[:20])
        if options["json"]:
            results = [
                {
                    "id": r.pk,
                    "title": r.title,
                    "number": r.number,
                    "department": r.department.name if r.department else None,
                    "date": r.reply_date.isoformat() if r.reply_date else None,
                    "score": outcome.scores.get(r.pk),
                    "snippets": [str(s) for s in search.snippets(r.body_start, outcome.terms)],
                }
                for r in rows
            ]
            data = {"query": outcome.parsed.raw, "count": count, "results": results}
            if outcome.notice:
                data["notice"] = outcome.notice
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if outcome.notice:
            self.stdout.write(outcome.notice)
        self.stdout.write(f"共 {count} 条结果")
        for k, r in enumerate(rows, 1):
            date = r.reply_date.isoformat() if r.reply_date else "日期不详"
            department = r.department.name if r.department else ""
            self.stdout.write(f"{k:>4}. [{r.pk}] {r.title}  {department}  {date}")
