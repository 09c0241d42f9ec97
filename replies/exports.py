"""Data out: public replies as records, streamed as CSV and JSON Lines, and the open-data package.

One list of fields (:data:`FIELDS`) makes the API's detail record, the CSV columns (Chinese
headers, UTF-8 with a BOM so Excel reads it), the JSON Lines keys and the package's README.
Exports read ``Reply.objects.public()`` through the listing's filters and query
(:func:`replies.browse.matching`) in chunks of :data:`CHUNK` rows (``iterator()``, one
prefetch of co-handling units and sections a chunk), so memory stays flat whatever the number
of rows (``tests/browse/test_exports.py`` measures it at 10,000 rows).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from replies.browse import permalink
from replies.models import Reply

CHUNK = 500
#: Builds an absolute URL from a path (``request.build_absolute_uri`` or the site's base).
Absolute = Callable[[str], str]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    description: str
    get: Callable[[Reply], Any]


def _session(attr: str) -> Callable[[Reply], Any]:
    return lambda r: getattr(r.session, attr) if r.session else None


def _or_none(attr: str) -> Callable[[Reply], Any]:
    return lambda r: getattr(r, attr) or None


def _name(attr: str) -> Callable[[Reply], Any]:
    return lambda r: getattr(r, attr).name if getattr(r, attr) else None


#: Every public field of a reply, in export order. ``url``/``permalink``/``source_url`` are
#: added by :func:`record` (they need the site's address).
FIELDS = (
    Field("id", "编号", "本库中的记录编号", lambda r: r.pk),
    Field("title", "标题", "答复的标题", lambda r: r.title),
    Field("council", "政协", "提案所属的政协", _session("council")),
    Field("term", "届", "第几届（数字）", _session("term")),
    Field("session", "次会议", "第几次会议（数字）", _session("number")),
    Field("year", "年份", "会议年份", _session("year")),
    Field("number", "提案号", "提案号，如 005", lambda r: r.number),
    Field("doc_kind", "文种", "答复、答复函或会办意见", lambda r: r.doc_kind),
    Field("proposal_title", "提案标题", "所答复提案的标题", lambda r: r.proposal_title),
    Field("proposer", "提案人", "提案人（委员、界别或党派团体），照原文", lambda r: r.proposer),
    Field("sector", "界别", "提案人所在界别", _name("sector")),
    Field("department", "承办单位", "作出本件答复的单位", _name("department")),
    Field(
        "co_departments",
        "会办单位",
        "会办单位名称（CSV 中以“、”分隔）",
        lambda r: [d.name for d in r.co_departments.all()],
    ),
    Field("result", "办理结果", "办理结果，照原文", _or_none("result_label")),
    Field(
        "result_class",
        "结果类别",
        "A（解决或采纳）、B（列入计划拟解决）或 C（留作参考）",
        _or_none("result_class"),
    ),
    Field("signer", "签发人", "签发人", _or_none("signer")),
    Field(
        "date",
        "答复日期",
        "答复日期，YYYY-MM-DD",
        lambda r: r.reply_date.isoformat() if r.reply_date else None,
    ),
    Field(
        "disclosure",
        "公开属性",
        "公开发布、依申请公开或未标注",
        lambda r: r.get_disclosure_display(),
    ),
    Field("contact_name", "联系人", "承办单位联系人", _or_none("contact_name")),
    Field("contact_phone", "联系电话", "联系电话", _or_none("contact_phone")),
    Field("address", "通讯地址", "通讯地址", _or_none("contact_address")),
    Field("postcode", "邮政编码", "邮政编码", _or_none("postcode")),
    Field("is_sample", "示例数据", "true 表示虚构的示例数据，不是真实公文", lambda r: r.is_sample),
    Field(
        "updated_at",
        "更新时间",
        "记录最后修改时间（北京时间，ISO 8601）",
        lambda r: timezone.localtime(r.updated_at).isoformat(timespec="seconds"),
    ),
    Field("body", "正文", "清理后的正文，每段一行", lambda r: r.body),
)
LINKS = (
    Field("url", "编号链接", "按编号访问的地址（跳转到引用链接）", lambda r: r.get_absolute_url()),
    Field("permalink", "引用链接", "稳定、可读的引用地址", permalink),
    Field(
        "source_url",
        "原始文件",
        "原始文件的下载地址（没有则为空）",
        lambda r: reverse("replies:source", kwargs={"pk": r.pk}) if r.source_file else None,
    ),
)


def record(reply: Reply, absolute: Absolute) -> dict[str, Any]:
    """Every public field of ``reply`` (a public one: the caller's queryset decides)."""
    data = {f.key: f.get(reply) for f in FIELDS}
    for link in LINKS:
        path = link.get(reply)
        data[link.key] = absolute(path) if path else None
    return data


def sections(reply: Reply) -> list[dict[str, Any]]:
    return [
        {"number": s.number, "heading": s.heading, "text": s.text} for s in reply.sections.all()
    ]


def rows(queryset: QuerySet) -> Iterator[Reply]:
    """The replies of ``queryset`` in chunks, newest first, with what a record reads."""
    return (
        queryset.select_related("session", "department", "sector")
        .prefetch_related("co_departments", "sections")
        .order_by(F("reply_date").desc(nulls_last=True), "-pk")
        .iterator(chunk_size=CHUNK)
    )


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def csv_lines(replies: Iterable[Reply], absolute: Absolute) -> Iterator[str]:
    """CSV text, a BOM and the header first, then one line per reply."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([f.label for f in (*FIELDS, *LINKS)])
    for reply in replies:
        data = record(reply, absolute)
        yield writer.writerow([_cell(data[f.key]) for f in (*FIELDS, *LINKS)])


def jsonl_lines(replies: Iterable[Reply], absolute: Absolute) -> Iterator[str]:
    """One JSON object per line (UTF-8, not ASCII-escaped), with the reply's sections."""
    for reply in replies:
        data = {**record(reply, absolute), "sections": sections(reply)}
        yield json.dumps(data, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- open-data package

PACKAGE_PREFIX = "replies-open-data-"


def export_dir() -> Path:
    return Path(getattr(settings, "ARCHIVE_EXPORT_DIR", settings.ARCHIVE_DATA_DIR / "exports"))


def readme(count: int, made: datetime.datetime, sources: int) -> str:
    lines = [
        "# 政协提案答复库 · 开放数据包",
        "",
        f"生成时间：{made:%Y-%m-%d %H:%M}（北京时间）。收录 {count} 件公开答复"
        f"（已发布且未标注“不予公开”），其中 {sources} 件附原始文件。",
        "“示例数据”一栏为“是”的记录是虚构的演示内容，不是真实公文。",
        "",
        "## 文件",
        "",
        "- `replies.csv`：每行一件答复，UTF-8（带 BOM，Excel 可直接打开），第一行为中文列名。",
        "- `replies.jsonl`：每行一个 JSON 对象（JSON Lines），键名见下表，另有 `sections`（章节：",
        "  `number` 序号、`heading` 标题、`text` 内容）。",
        "- `sources/<编号>.<格式>`：公开答复的原始文件，文件名为记录编号。",
        "",
        "## 字段",
        "",
        "| JSON 键 | CSV 列名 | 含义 |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{f.key}` | {f.label} | {f.description} |" for f in (*FIELDS, *LINKS)]
    return "\n".join(lines) + "\n"


def _source_name(reply: Reply) -> str:
    suffix = "".join(c for c in (reply.source_format or "bin").lower() if c.isalnum())[:8]
    return f"sources/{reply.pk}.{suffix or 'bin'}"


def write_package(target: Path, absolute: Absolute) -> tuple[Path, int]:
    """Write ``replies-open-data-<date>.zip`` into ``target``; returns its path and row count.

    Written to a temporary name first and renamed at the end, so the site never offers a
    half-written package.
    """
    target.mkdir(parents=True, exist_ok=True)
    made = timezone.localtime()
    path = target / f"{PACKAGE_PREFIX}{made:%Y%m%d-%H%M%S}.zip"
    partial = path.with_suffix(".zip.part")
    public = Reply.objects.public()
    count = sources = 0
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        with (
            archive.open("replies.csv", "w") as csv_file,
            io.TextIOWrapper(csv_file, encoding="utf-8", newline="") as out,
        ):
            for line in csv_lines(rows(public), absolute):
                out.write(line)
        with (
            archive.open("replies.jsonl", "w") as jsonl_file,
            io.TextIOWrapper(jsonl_file, encoding="utf-8") as out,
        ):
            for line in jsonl_lines(rows(public), absolute):
                out.write(line)
                count += 1
        for reply in public.exclude(source_file="").only("pk", "source_file", "source_format"):
            try:
                source = reply.source_file.open("rb")
            except FileNotFoundError:
                continue
            with source, archive.open(_source_name(reply), "w") as member:
                while chunk := source.read(1 << 20):
                    member.write(chunk)
            sources += 1
        archive.writestr("README.md", readme(count, made, sources))
    partial.rename(path)
    return path, count


def latest_package() -> Path | None:
    """The newest package in :func:`export_dir`, or None."""
    folder = export_dir()
    if not folder.is_dir():
        return None
    packages = sorted(folder.glob(f"{PACKAGE_PREFIX}*.zip"))
    return packages[-1] if packages else None
