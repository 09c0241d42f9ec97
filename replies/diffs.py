"""Field-by-field differences people can read: a version against the next, a file against the
reply it would replace.

Both sides are first turned into the same display form, ``{field label: text}``, from a
snapshot (``Reply.snapshot()`` / ``ReplyVersion.data``) or from a ParsedReply; units, sectors
and sessions are shown by name, choices by their Chinese label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from replies.ingest.load import DISCLOSURE_CHOICES
from replies.ingest.numerals import to_chinese
from replies.ingest.parsed import ParsedReply
from replies.models import Department, Disclosure, Reply, Sector, Session, Status

#: The compared fields: snapshot key → label, in display order.
FIELDS = [
    ("title", "标题"), ("session_id", "会议"), ("number", "提案号"), ("doc_kind", "文种"),
    ("result_label", "办理结果"), ("result_class", "结果类别"), ("signer", "签发人"),
    ("proposer", "提案人"), ("sector_id", "界别"), ("proposal_title", "提案标题"),
    ("department_id", "承办单位"), ("co_departments", "会办单位"), ("reply_date", "答复日期"),
    ("disclosure", "公开属性"), ("contact_name", "联系人"), ("contact_phone", "联系电话"),
    ("contact_address", "通讯地址"), ("postcode", "邮政编码"), ("status", "状态"),
    ("needs_review", "需要核对"), ("source_name", "原始文件名"), ("body", "正文"),
]  # fmt: skip


@dataclass
class Change:
    label: str
    old: str
    new: str


def _name(model: Any, pk: Any) -> str:
    if not pk:
        return ""
    found = model.objects.filter(pk=pk).first()
    return str(found) if found is not None else f"（已合并或删除的 #{pk}）"


def from_snapshot(data: dict[str, Any]) -> dict[str, str]:
    """A snapshot (a version's data) in display form."""
    names = Department.objects.filter(pk__in=data.get("co_departments", []))
    shown = {
        **{key: "" if data.get(key) is None else str(data.get(key)) for key, _ in FIELDS},
        "session_id": _name(Session, data.get("session_id")),
        "sector_id": _name(Sector, data.get("sector_id")),
        "department_id": _name(Department, data.get("department_id")),
        "co_departments": "、".join(sorted(d.name for d in names)),
        "disclosure": Disclosure(data.get("disclosure") or Disclosure.UNKNOWN).label,
        "status": Status(data.get("status") or Status.DRAFT).label,
        "needs_review": "是" if data.get("needs_review") else "否",
    }
    return {label: shown[key] for key, label in FIELDS}


def from_reply(reply: Reply) -> dict[str, str]:
    return from_snapshot(reply.snapshot())


def from_parsed(parsed: ParsedReply, name: str, current: dict[str, str]) -> dict[str, str]:
    """A parsed file in display form; what a file does not set keeps ``current``'s value."""
    session = ""
    if parsed.council and parsed.term and parsed.session:
        session = f"{parsed.council}{to_chinese(parsed.term)}届{to_chinese(parsed.session)}次会议"
    disclosure = DISCLOSURE_CHOICES.get(parsed.disclosure or "", Disclosure.UNKNOWN)
    shown = {
        "title": parsed.title, "session_id": session, "number": parsed.number,
        "doc_kind": parsed.doc_kind or "答复", "result_label": parsed.result,
        "result_class": parsed.result_class, "signer": parsed.signer,
        "proposer": parsed.proposer, "sector_id": parsed.sector,
        "proposal_title": parsed.proposal_title, "department_id": parsed.department,
        "co_departments": "、".join(sorted(parsed.co_departments)),
        "reply_date": parsed.date.isoformat() if parsed.date else "",
        "disclosure": Disclosure(disclosure).label, "contact_name": parsed.contact_name,
        "contact_phone": parsed.contact_phone, "contact_address": parsed.address,
        "postcode": parsed.postcode, "needs_review": "是" if parsed.needs_review else "否",
        "source_name": name, "body": parsed.body,
    }  # fmt: skip
    labels = dict(FIELDS)
    result = dict(current)
    result.update({labels[key]: value or "" for key, value in shown.items()})
    return result


def changes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    """The fields whose display differs, in display order."""
    return [
        Change(label, old.get(label, ""), new.get(label, ""))
        for _key, label in FIELDS
        if old.get(label, "") != new.get(label, "")
    ]


def following_state(version: Any) -> dict[str, str]:
    """What the reply became after ``version``: the next version, else the reply as it is."""
    later = (
        type(version)
        .objects.filter(reply_id=version.reply_id)
        .filter(
            models.Q(created_at__gt=version.created_at)
            | models.Q(created_at=version.created_at, pk__gt=version.pk)
        )
        .order_by("created_at", "pk")
        .first()
    )
    return from_snapshot(later.data) if later is not None else from_reply(version.reply)


def version_changes(version: Any) -> list[Change]:
    """How the reply changed from ``version`` to the state that followed it."""
    return changes(from_snapshot(version.data), following_state(version))
