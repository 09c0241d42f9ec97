"""Load the seed reply and the fictional sample replies from fixtures/ (idempotent)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from replies.ingest.batch import ingest_paths
from replies.models import Department, DepartmentAlias

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_DIR = FIXTURES / "seed"
SAMPLE_DIR = FIXTURES / "samples" / "docs"


class Command(BaseCommand):
    help = "载入真实种子答复和虚构示例答复（重复运行不会产生重复记录）。"

    def handle(self, *args, **options) -> None:
        for aliases in (FIXTURES / "departments.json", SAMPLE_DIR.parent / "departments.json"):
            load_department_aliases(aliases)
        seed = ingest_paths([SEED_DIR], publish=True, sample=False)
        totals = [seed]
        if SAMPLE_DIR.is_dir():
            totals.append(ingest_paths([SAMPLE_DIR], publish=True, sample=True))
        created = sum(t.created for t in totals)
        skipped = sum(t.skipped for t in totals)
        rejected = [r for t in totals for r in t.rejected]
        for name, reason in rejected:
            self.stderr.write(f"{name}: {reason}")
        self.stdout.write(
            f"新建 {created} 条，已存在跳过 {skipped} 条，拒收 {len(rejected)} 个文件。"
        )
        if rejected:
            raise CommandError("部分示例文件未能载入。")


def load_department_aliases(path: Path) -> None:
    """Create the departments named in ``path`` ({canonical name: [aliases]}) and their aliases."""
    if not path.is_file():
        return
    for name, aliases in json.loads(path.read_text(encoding="utf-8")).items():
        department = Department.match_or_create(name)
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(name=alias, defaults={"department": department})
