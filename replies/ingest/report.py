"""What a batch did: the outcome of each file, the counts, the JSON files and the summary text.

Exit codes of ``manage.py ingest`` (``exit_code``): 0 when every file was parsed or saved
(replies flagged 需要核对 included), 1 when some file was rejected, 3 when some file
conflicted with a saved reply, 4 when both happened; 2 is a usage error (bad option, missing
path), as argparse gives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from replies.ingest.parsed import ParsedReply

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3
EXIT_REJECTED_AND_CONFLICT = 4


class Outcome(StrEnum):
    """What happened to one file (or one archive member)."""

    PARSED = "parsed"  # dry run: parsed, not saved
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"  # the same file (SHA-256) is already saved
    CONFLICT = "conflict"  # another reply has the same natural key; not saved
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The outcome in Chinese, as messages print it."""
        return _LABELS[self]


_LABELS = {
    Outcome.PARSED: "已解析",
    Outcome.CREATED: "新建",
    Outcome.UPDATED: "更新",
    Outcome.SKIPPED: "跳过",
    Outcome.CONFLICT: "冲突",
    Outcome.REJECTED: "拒收",
}


@dataclass
class FileResult:
    """What happened to one file, or to one member of a zip archive."""

    path: Path
    status: Outcome
    reason: str = ""
    reply: ParsedReply | None = None
    reply_id: int | None = None
    #: The member's name inside the archive ``path``; None for a plain file.
    member: str | None = None

    @property
    def label(self) -> str:
        """How messages name it: the path, or ``archive.zip!folder/member.pdf``."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def file_name(self) -> str:
        """A flat file name: ``name.pdf`` or ``archive.zip!folder_member.pdf`` (no separators)."""
        return member_file_name(self.path.name, self.member)


def member_file_name(archive: str, member: str | None) -> str:
    """``archive!member`` with the member's folders flattened, or archive alone."""
    return f"{archive}!{member.replace('/', '_')}" if member else archive


@dataclass
class IngestSummary:
    """Counts for a batch, and the per-file results."""

    parsed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0
    #: Saved replies flagged 需要核对 (kept drafts).
    needs_review: int = 0
    warnings: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        """Count one result."""
        self.results.append(result)
        if result.reply is not None:
            self.parsed += 1
            self.warnings += len(result.reply.warnings)
        status = result.status
        if status is Outcome.REJECTED:
            self.rejected.append((result.label, result.reason))
        elif status is Outcome.CONFLICT:
            self.conflicts += 1
        elif status in (Outcome.CREATED, Outcome.UPDATED, Outcome.SKIPPED):
            setattr(self, status.value, getattr(self, status.value) + 1)
            if status is not Outcome.SKIPPED and result.reply and result.reply.needs_review:
                self.needs_review += 1

    def text(self, *, dry_run: bool = False) -> str:
        """The one-line summary the ingest command prints."""
        mode = "（试运行，未写入数据库）" if dry_run else ""
        return (
            f"共 {len(self.results)} 个文件{mode}：解析 {self.parsed}，新建 {self.created}，"
            f"更新 {self.updated}，跳过 {self.skipped}，冲突 {self.conflicts}，"
            f"拒收 {len(self.rejected)}，需要核对 {self.needs_review}，"
            f"提示 {self.warnings} 条"
        )

    def exit_code(self) -> int:
        """0, or 1 (rejections), 3 (conflicts), 4 (both); see the module docstring."""
        if self.rejected and self.conflicts:
            return EXIT_REJECTED_AND_CONFLICT
        if self.conflicts:
            return EXIT_CONFLICT
        return EXIT_REJECTED if self.rejected else EXIT_OK

    def failure(self) -> str:
        """Why the command fails, in Chinese; "" when it does not."""
        parts = []
        if self.rejected:
            parts.append(f"{len(self.rejected)} 个文件被拒收")
        if self.conflicts:
            parts.append(f"{self.conflicts} 个文件与已有答复冲突（可用 --update 替换）")
        return "；".join(parts)


def problem_lines(result: FileResult) -> list[str]:
    """The lines the ingest command prints about one result: problems, review notes, hints."""
    if result.status in (Outcome.CONFLICT, Outcome.REJECTED):
        return [f"{result.label}: {result.status.label}：{result.reason}"]
    lines = [f"{result.label}: {result.reason}"] if result.reason else []
    if result.reply is not None and result.reply.warnings:
        lines.append(f"{result.label}: 提示：" + "；".join(result.reply.warnings))
    return lines


def write_json(json_dir: Path, result: FileResult) -> None:
    """DIR/<input file name>.json: the issue's keys, or {"error": reason}."""
    json_dir.mkdir(parents=True, exist_ok=True)
    data = result.reply.to_json() if result.reply is not None else {"error": result.reason}
    (json_dir / (result.file_name + ".json")).write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
