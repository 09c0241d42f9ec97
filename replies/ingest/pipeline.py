"""Temporary loader used until the full ingestion pipeline lands (issue 3).

It reads UTF-8 text files only and fills the few fields a simple pattern can find; the
real pipeline replaces this module while keeping ``ingest_paths``'s signature.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from replies.models import Department, Reply, Session, Status

_TITLE = re.compile(
    r"对(?P<council>\S+?政协)第?(?P<term>\S+?)届(?P<session>\S+?)次会议第(?P<number>\d+)号提案的答复"
)
_NUMERALS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


@dataclass
class IngestSummary:
    created: int = 0
    skipped: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (
            _NUMERALS.get(ones, 0) if ones else 0
        )
    return _NUMERALS[text]


def ingest_paths(
    paths: list[Path], *, publish: bool = False, update: bool = False, sample: bool = False
) -> IngestSummary:
    summary = IngestSummary()
    files = [f for p in paths for f in (sorted(p.rglob("*")) if p.is_dir() else [p]) if f.is_file()]
    for path in files:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if Reply.objects.filter(source_sha256=digest).exists():
            summary.skipped += 1
            continue
        text = raw.decode("utf-8", errors="strict")
        flat = "".join(text.split())
        match = _TITLE.search(flat)
        if not match:
            summary.rejected.append((str(path), "找不到答复标题"))
            continue
        with transaction.atomic():
            session, _ = Session.objects.get_or_create(
                council=match["council"], term=_int(match["term"]), number=_int(match["session"])
            )
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            reply = Reply(
                session=session,
                number=match["number"],
                number_int=int(match["number"]),
                title=match.group(0),
                department=Department.match_or_create(lines[-6]),
                body="\n".join(lines),
                status=Status.PUBLISHED if publish else Status.DRAFT,
                is_sample=sample,
                source_name=path.name,
                source_sha256=digest,
                source_format="txt",
            )
            reply.source_file.save(path.name, ContentFile(raw), save=False)
            reply.save()
        summary.created += 1
    return summary
