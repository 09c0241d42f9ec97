"""Every write of a reply that has side effects, in one place (Zulip's ``actions/``).

Publishing, unpublishing, editing, restoring a version and replacing a reply from a new file
each keep a ReplyVersion of the state they change, with the reason and the user; the admin,
the admin import and ``ingest --update`` call these functions and nothing else calls
``Reply.save_version``. The search index follows by itself: every ``Reply.save`` schedules a
re-index when the transaction commits (``replies/search/signals.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from replies.models import Reply, ReplySection, ReplyVersion, Status

if TYPE_CHECKING:
    from replies.ingest.load import Lookups
    from replies.ingest.parsed import ParsedReply


class Refused(Exception):
    """An action that cannot be done, with the reason in Chinese for the person who asked."""


def _version(reply: Reply, reason: str, user: Any) -> ReplyVersion:
    return reply.save_version(reason, user)


@transaction.atomic
def set_status(replies: Iterable[Reply], status: str, user: Any = None) -> tuple[int, int]:
    """Publish or unpublish; returns (changed, refused because flagged 需要核对)."""
    changed = flagged = 0
    for reply in replies:
        if reply.status == status:
            continue
        if status == Status.PUBLISHED and reply.needs_review:
            flagged += 1
            continue
        _version(reply, f"状态改为{Status(status).label}前", user)
        reply.status = status
        reply.save()
        changed += 1
    return changed, flagged


def publish(replies: Iterable[Reply], user: Any = None) -> tuple[int, int]:
    return set_status(replies, Status.PUBLISHED, user)


def unpublish(replies: Iterable[Reply], user: Any = None) -> tuple[int, int]:
    return set_status(replies, Status.DRAFT, user)


@transaction.atomic
def edit(reply: Reply, user: Any = None, reason: str = "后台编辑前") -> Reply:
    """Save ``reply`` as edited, keeping the stored state as a version first."""
    if reply.pk is not None:
        _version(Reply.objects.get(pk=reply.pk), reason, user)
    reply.save()
    return reply


@transaction.atomic
def restore(version: ReplyVersion, user: Any = None) -> Reply:
    """Put the reply back to ``version``, saving the current state first."""
    reply = version.reply
    _version(reply, f"恢复到 {version.created_at:%Y-%m-%d %H:%M} 之前的状态", user)
    data = dict(version.data)
    co_departments = data.pop("co_departments", [])
    sections = data.pop("sections", [])
    for field in reply._meta.concrete_fields:
        if field.attname in data:
            setattr(reply, field.attname, field.to_python(data[field.attname]))
    if version.source_file:
        reply.source_file.name = version.source_file
    reply.save()
    reply.co_departments.set(co_departments)
    reply.sections.all().delete()
    ReplySection.objects.bulk_create(ReplySection(reply=reply, **s) for s in sections)
    return reply


def replace_from_file(
    reply: Reply,
    parsed: ParsedReply,
    data: bytes,
    name: str,
    *,
    publish: bool = False,
    user: Any = None,
    lookups: Lookups | None = None,
) -> Reply:
    """Replace a saved reply's fields and source file with a newly parsed file.

    The previous fields and file stay in a version. Publication follows ``publish`` (a reply
    needing review becomes a draft); the 示例数据 flag is the reply's, not the file's.
    Runs inside the caller's transaction (``load.save_reply`` holds one per file).
    """
    from replies.ingest.load import write_parsed

    _version(reply, f"导入新文件 {name} 前的版本", user)
    if parsed.needs_review:
        reply.status = Status.DRAFT
    elif publish:
        reply.status = Status.PUBLISHED
    write_parsed(reply, parsed, data, name, lookups=lookups)
    return reply
