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
from django.db.models import Q, QuerySet

from replies import sections
from replies.ingest.pipeline import parse_bytes, result_class_table
from replies.models import (
    Department,
    NamedModel,
    Reply,
    ReplySection,
    ReplyVersion,
    ResultLabel,
    Status,
    unicode_slug,
)
from replies.oplog import audit_on_commit
from replies.search import index

if TYPE_CHECKING:
    from replies.ingest.load import Lookups
    from replies.ingest.parsed import ParsedReply


class Refused(ValueError):
    """An action that cannot be done, with the reason in Chinese for the person who asked.

    A ValueError, so that a batch (``load.save_reply``) reports it as that file's rejection.
    """


def _version(reply: Reply, reason: str, user: Any) -> ReplyVersion:
    return reply.save_version(reason, user)


def check_can_publish(user: Any) -> None:
    """Refuse a change of publication state to a user without the 审核 permission.

    ``user`` None is the system itself (``manage.py ingest --publish``, ``load_samples``).
    """
    if user is not None and not can_publish(user):
        raise Refused("发布或撤回答复需要“审核”权限。")


@transaction.atomic
def set_status(replies: Iterable[Reply], status: str, user: Any = None) -> tuple[int, int]:
    """Publish or unpublish; returns (changed, refused because flagged 需要核对)."""
    check_can_publish(user)
    changed: list[int] = []
    flagged = 0
    for reply in replies:
        if reply.status == status:
            continue
        if status == Status.PUBLISHED and reply.needs_review:
            flagged += 1
            continue
        _version(reply, f"状态改为{Status(status).label}前", user)
        reply.status = status
        reply.save()
        changed.append(reply.pk)
    event = "reply.publish" if status == Status.PUBLISHED else "reply.unpublish"
    audit_on_commit(event, user, reply_ids=changed, refused_needs_review=flagged)
    return len(changed), flagged


def publish(replies: Iterable[Reply], user: Any = None) -> tuple[int, int]:
    return set_status(replies, Status.PUBLISHED, user)


def unpublish(replies: Iterable[Reply], user: Any = None) -> tuple[int, int]:
    return set_status(replies, Status.DRAFT, user)


@transaction.atomic
def edit(reply: Reply, user: Any = None, reason: str = "后台编辑前") -> Reply:
    """Save ``reply`` as edited, keeping the stored state as a version first.

    Changing whether it is published needs the 审核 permission, and so does editing a
    published reply (录入 edits drafts).
    """
    stored = Reply.objects.filter(pk=reply.pk).first() if reply.pk is not None else None
    if (stored.status if stored else Status.DRAFT) != reply.status or (
        stored is not None and stored.status == Status.PUBLISHED
    ):
        check_can_publish(user)
    if stored is not None:
        _version(stored, reason, user)
    reply.save()
    audit_on_commit("reply.edit", user, reply_id=reply.pk, status=reply.status)
    return reply


#: The fields that say whether a reply is shown; a restore keeps them unless asked.
PUBLICATION_FIELDS = ("status", "disclosure")


def can_publish(user: Any) -> bool:
    """Publishing, unpublishing and restoring a publication state need the 审核 permission."""
    return bool(user is not None and user.has_perm("replies.publish_reply"))


def restore_conflict(version: ReplyVersion) -> Reply | None:
    """Another reply now holding the natural key (session, number, unit, kind) of ``version``."""
    data = version.data
    if not (data.get("session_id") and data.get("number")):
        return None
    return (
        Reply.objects.filter(
            session_id=data["session_id"],
            number=data["number"],
            department_id=data.get("department_id"),
            doc_kind=data.get("doc_kind") or "答复",
        )
        .exclude(pk=version.reply_id)
        .first()
    )


@transaction.atomic
def sync_sections(reply: Reply, *, from_sections: bool = False) -> Reply:
    """Make the body and its sections one text again after an edit of either.

    With ``from_sections`` the edited section rows are written back into the body (and the
    reply saved, so the search index and the public page follow); then the rows are derived
    from the body by the ingestion rule (``replies.sections``).
    """
    if from_sections:
        body = sections.body_with_sections(reply.body, list(reply.sections.order_by("order")))
        if body != reply.body:
            reply.body = body
            reply.save(update_fields=["body", "updated_at"])
    reply.sections.all().delete()
    ReplySection.objects.bulk_create(
        ReplySection(reply=reply, **row) for row in sections.section_rows(reply.body)
    )
    return reply


@transaction.atomic
def restore(version: ReplyVersion, user: Any = None, *, publication: bool = False) -> Reply:
    """Put the reply back to ``version``, saving the current state first.

    The reply keeps its current status and disclosure: restoring the text of a version must
    not make a withdrawn or 不予公开 reply public again. ``publication`` restores them too,
    and needs the 审核 permission. Refused when another reply now has the version's
    natural key.
    """
    if publication and not can_publish(user):
        raise Refused("只有具有“审核”权限的用户才能恢复发布状态和公开属性。")
    other = restore_conflict(version)
    if other is not None:
        raise Refused(
            f"无法恢复：答复 #{other.pk}（{other}）已使用这一版本的会议、提案号、承办单位和文种；"
            "请先修改其中一件。"
        )
    reply = Reply.objects.select_for_update().get(pk=version.reply_id)
    if reply.status == Status.PUBLISHED:
        check_can_publish(user)
    _version(reply, f"恢复到 {version.created_at:%Y-%m-%d %H:%M} 之前的状态", user)
    data = dict(version.data)
    co_departments = data.pop("co_departments", [])
    sections = data.pop("sections", [])
    keep = () if publication else PUBLICATION_FIELDS
    for field in reply._meta.concrete_fields:
        if field.attname in data and field.attname not in keep:
            value = field.to_python(data[field.attname])
            if field.is_relation and value is not None and not _exists(field, value):
                continue  # a unit or sector merged away since: the reply keeps its current one
            setattr(reply, field.attname, value)
    if reply.needs_review and reply.status == Status.PUBLISHED:
        reply.status = Status.DRAFT
    if version.source_file:
        reply.source_file.name = version.source_file
    reply.save()
    reply.co_departments.set(Department.objects.filter(pk__in=co_departments))
    reply.sections.all().delete()
    ReplySection.objects.bulk_create(ReplySection(reply=reply, **s) for s in sections)
    audit_on_commit(
        "reply.restore", user, reply_id=reply.pk, version_id=version.pk, publication=publication
    )
    return reply


def _exists(field: Any, pk: Any) -> bool:
    return field.related_model.objects.filter(pk=pk).exists()


def referenced_files() -> set[str]:
    """Every stored file name a reply or a version points at."""
    names = set(Reply.objects.exclude(source_file="").values_list("source_file", flat=True))
    names.update(ReplyVersion.objects.exclude(source_file="").values_list("source_file", flat=True))
    return names


def remove_unreferenced(names: Iterable[str]) -> list[str]:
    """Delete those of ``names`` that nothing references any more; returns what was deleted."""
    storage = Reply._meta.get_field("source_file").storage
    gone = sorted(set(names) - referenced_files())
    for name in gone:
        storage.delete(name)
    return gone


@transaction.atomic
def purge(replies: Iterable[Reply], user: Any = None) -> int:
    """Delete replies for good, with their versions and (after commit) their source files.

    Only superusers may: everyone else withdraws (unpublishes), which keeps everything.
    """
    if user is None or not user.is_superuser:
        raise Refused("只有超级用户才能彻底删除答复；请改用“撤回所选答复为草稿”。")
    ids = [reply.pk for reply in replies]
    files = set(Reply.objects.filter(pk__in=ids).values_list("source_file", flat=True))
    files.update(
        ReplyVersion.objects.filter(reply_id__in=ids).values_list("source_file", flat=True)
    )
    files.discard("")
    count = Reply.objects.filter(pk__in=ids).count()
    Reply.objects.filter(pk__in=ids).delete()
    transaction.on_commit(lambda: remove_unreferenced(files))
    audit_on_commit("reply.purge", user, reply_ids=ids)
    return count


def replace_from_file(
    reply: Reply,
    parsed: ParsedReply,
    data: bytes,
    name: str,
    *,
    publish: bool = False,
    user: Any = None,
    lookups: Lookups | None = None,
    reason: str = "",
) -> Reply:
    """Replace a saved reply's fields and source file with a newly parsed file.

    The previous fields and file stay in a version. Publication follows ``publish`` (a reply
    needing review becomes a draft); the 示例数据 flag is the reply's, not the file's.
    Runs inside the caller's transaction (``load.save_reply`` holds one per file).
    """
    from replies.ingest.load import write_parsed

    if reply.status == Status.PUBLISHED or publish:
        check_can_publish(user)
    _version(reply, reason or f"导入新文件 {name} 前的版本", user)
    if parsed.needs_review:
        reply.status = Status.DRAFT
    elif publish:
        reply.status = Status.PUBLISHED
    write_parsed(reply, parsed, data, name, lookups=lookups)
    audit_on_commit(
        "reply.replace_file", user, reply_id=reply.pk, file=name, status=reply.status, why=reason
    )
    return reply


def _owner_field(record: NamedModel) -> str:
    """The name of the foreign key from Reply (and from aliases) to ``record``'s model."""
    return type(record)._meta.model_name or ""


@transaction.atomic
def save_named(record: NamedModel) -> NamedModel:
    """Save a department or sector; a rename keeps the former name and slug.

    The former name becomes an alias (so imports and searches still find it) and the former
    slug a redirect. A slug that was made from the old name follows the new name.
    """
    model = type(record)
    stored = model.objects.filter(pk=record.pk).first() if record.pk else None
    renamed = stored is not None and stored.name != record.name
    if renamed and stored.slug == record.slug == unicode_slug(stored.name):
        record.slug = unicode_slug(record.name)
    record.save()
    owner = {_owner_field(record): record}
    aliases = model._meta.get_field("aliases").related_model
    slugs = model._meta.get_field("former_slugs").related_model
    if stored is not None and stored.name != record.name:
        aliases.objects.get_or_create(name=stored.name, defaults=owner)
    if stored is not None and stored.slug != record.slug:
        slugs.objects.get_or_create(slug=stored.slug, defaults=owner)
    aliases.objects.filter(name=record.name).delete()
    slugs.objects.filter(slug=record.slug).delete()
    return record


def merge_conflicts(sources: Iterable[NamedModel], target: NamedModel) -> list[Reply]:
    """Replies of the sources that would take a natural key the target already holds."""
    if not isinstance(target, Department):
        return []
    mine = Reply.objects.filter(department=target, session__isnull=False).exclude(number="")
    keys = set(mine.values_list("session_id", "number", "doc_kind"))
    moving = Reply.objects.filter(department__in=list(sources), session__isnull=False)
    return [r for r in moving if (r.session_id, r.number, r.doc_kind) in keys]


def merge_touches(sources: Iterable[NamedModel]) -> QuerySet[Reply]:
    """Every reply that names one of the sources, as lead unit, co-handling unit or sector."""
    sources = list(sources)
    field = _owner_field(sources[0]) if sources else "department"
    scope = Q(**{f"{field}__in": sources})
    if field == "department":
        scope |= Q(co_departments__in=sources)
    return Reply.objects.filter(pk__in=Reply.objects.filter(scope).values("pk"))


@transaction.atomic
def merge(sources: Iterable[NamedModel], target: NamedModel, user: Any = None) -> int:
    """Merge departments (or sectors) into ``target``; returns the number of replies moved.

    Every reply moves, as lead and as co-handling unit, each keeping a version first; the
    sources' names and aliases become the target's aliases, their slugs its former slugs
    (old links redirect), and the sources are deleted. Refused when a moved reply would
    take a natural key the target already holds.
    """
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        return 0
    conflicts = merge_conflicts(sources, target)
    if conflicts:
        raise Refused(
            "无法合并：以下答复与“{}”已有答复的会议、提案号和文种相同：{}".format(
                target, "、".join(f"#{r.pk}" for r in conflicts)
            )
        )
    field = _owner_field(target)
    ids = {s.pk for s in sources}
    names = "、".join(s.name for s in sources)
    touched = list(merge_touches(sources).select_for_update())
    for reply in touched:
        _version(reply, f"合并“{names}”到“{target}”前", user)
        if getattr(reply, f"{field}_id") in ids:
            setattr(reply, field, target)
            reply.save()
        if field == "department":
            co = set(reply.co_departments.values_list("pk", flat=True))
            if co & ids:
                co = (co - ids) | {target.pk}
            co.discard(reply.department_id)
            reply.co_departments.set(co)
    owner = {field: target}
    for source in sources:
        source.aliases.update(**owner)
        source.former_slugs.update(**owner)
        source.aliases.model.objects.get_or_create(name=source.name, defaults=owner)
        source.former_slugs.model.objects.get_or_create(slug=source.slug, defaults=owner)
        source.delete()
    if field == "department":
        # The target's replies are indexed with its aliases, which now include the sources.
        index.schedule(Reply.objects.filter(department=target).values_list("pk", flat=True))
    audit_on_commit(
        "merge",
        user,
        model=field,
        sources=[s.name for s in sources],
        target=str(target),
        reply_ids=[r.pk for r in touched],
    )
    return len(touched)


def reparse(reply: Reply, user: Any = None) -> Reply:
    """Read the reply's own source file again (after a parser fix), keeping a version."""
    data, name = source_of(reply)
    parsed = parse_bytes(data, name, result_class_table())
    with transaction.atomic():
        return replace_from_file(reply, parsed, data, name, user=user, reason="重新解析原始文件前")


def source_of(reply: Reply) -> tuple[bytes, str]:
    """The bytes and name of the reply's stored source file; Refused when there is none."""
    if not reply.source_file:
        raise Refused("这件答复没有原始文件，无法重新解析。")
    with reply.source_file.open("rb") as handle:
        return handle.read(), reply.source_name or reply.source_file.name.rsplit("/", 1)[-1]


def carrying(label: ResultLabel) -> QuerySet[Reply]:
    """Replies printed with ``label`` whose stored class differs from the label's class now."""
    return Reply.objects.filter(result_label=label.label).exclude(result_class=label.result_class)


@transaction.atomic
def reclassify(label: ResultLabel, user: Any = None) -> int:
    """Give every reply carrying ``label`` the label's class, each keeping a version first."""
    changed = 0
    for reply in carrying(label).select_for_update():
        _version(reply, f"办理结果“{label.label}”改为{label.result_class}类前", user)
        reply.result_class = label.result_class
        reply.save()
        changed += 1
    audit_on_commit(
        "result_label.reclassify",
        user,
        label=label.label,
        result_class=label.result_class,
        changed=changed,
    )
    return changed
