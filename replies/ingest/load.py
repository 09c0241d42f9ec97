"""ParsedReply → database rows, one transaction per file.

The same file again (same SHA-256) is skipped. A different file with the same natural key
(session, number, lead department, doc kind) is a conflict, skipped unless ``update`` is set;
an update first saves the existing reply as a ReplyVersion, so the previous fields and the
previous source file stay recoverable. A reply lacking a core field (title, council, term,
session, number) is saved as a draft flagged 需要核对 and never published by an import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction

from replies import actions
from replies.ingest.parsed import ParsedReply
from replies.ingest.report import Outcome
from replies.models import (
    Department,
    Disclosure,
    Reply,
    ReplySection,
    Sector,
    Session,
    Status,
)

DISCLOSURE_CHOICES = {
    "公开发布": Disclosure.PUBLIC,
    "依申请公开": Disclosure.ON_REQUEST,
    "不予公开": Disclosure.WITHHELD,
}


@dataclass
class SaveOutcome:
    """created, updated, skipped, conflict or rejected, with the reply's id and a reason."""

    status: Outcome
    reason: str = ""
    reply_id: int | None = None


@dataclass
class Lookups:
    """Sessions, departments and sectors found or created during one batch.

    A batch saves many replies of the same sessions and units; remembering them saves three
    to five queries per reply. Anything cached by a transaction that fails is forgotten (the
    cache is cleared), so a rolled-back row is never referenced.
    """

    sessions: dict[tuple[str, int, int], Session] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)

    def session(self, parsed: ParsedReply) -> Session | None:
        key = (parsed.council, parsed.term, parsed.session)
        if key not in self.sessions:
            found = find_session(parsed)
            if found is None:
                return None
            self.sessions[key] = found
        return self.sessions[key]

    def department(self, name: str) -> Department:
        key = "".join(name.split())
        if key not in self.departments:
            self.departments[key] = Department.match_or_create(key)
        return self.departments[key]

    def sector(self, name: str) -> Sector:
        if name not in self.sectors:
            self.sectors[name] = Sector.match_or_create(name)
        return self.sectors[name]

    def clear(self) -> None:
        self.sessions.clear()
        self.departments.clear()
        self.sectors.clear()


def save_reply(
    parsed: ParsedReply,
    data: bytes,
    name: str,
    *,
    publish: bool = False,
    update: bool = False,
    sample: bool = False,
    user: object = None,
    lookups: Lookups | None = None,
    durable: bool = True,
) -> SaveOutcome:
    """Save one parsed reply and its source file in one transaction.

    ``lookups`` lets a batch reuse the sessions and units it has seen. With ``durable`` off
    the commit does not wait for the WAL flush (``synchronous_commit = off`` for this
    transaction only): the reply is committed and atomic as ever, and reaches disk within
    PostgreSQL's WAL writer delay (3 × 200 ms); a crash in that window can lose the last
    replies of a batch but never half a reply, and ingesting the batch again restores them.
    """
    digest = hashlib.sha256(data).hexdigest()
    same = Reply.objects.filter(source_sha256=digest).values_list("pk", flat=True).first()
    if same is not None:
        return SaveOutcome(Outcome.SKIPPED, f"同一文件已导入（答复 #{same}）", same)
    lookups = lookups if lookups is not None else Lookups()
    try:
        with transaction.atomic():
            if not durable:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return _save(
                parsed,
                data,
                name,
                digest,
                publish=publish,
                update=update,
                sample=sample,
                user=user,
                lookups=lookups,
            )
    except (DatabaseError, ValidationError, ValueError) as exc:
        lookups.clear()
        return SaveOutcome(Outcome.REJECTED, f"保存失败：{exc}")
    except BaseException:
        lookups.clear()
        raise


def _save(
    parsed: ParsedReply,
    data: bytes,
    name: str,
    digest: str,
    *,
    publish: bool,
    update: bool,
    sample: bool,
    user: object,
    lookups: Lookups,
) -> SaveOutcome:
    existing = find_existing(parsed, lookups=lookups, for_update=True)
    if existing is not None and not update:
        return SaveOutcome(
            Outcome.CONFLICT,
            f"与已有答复 #{existing.pk} 冲突（同一会议、提案号、承办单位和文种），未导入；"
            "如需替换请使用 --update",
            existing.pk,
        )
    if existing is not None:
        actions.replace_from_file(
            existing, parsed, data, name, publish=publish, user=user, lookups=lookups
        )
        reply = existing
    else:
        # A reply that needs review is never published, whatever was asked.
        status = Status.PUBLISHED if publish and not parsed.needs_review else Status.DRAFT
        reply = Reply(status=status, is_sample=sample)
        write_parsed(reply, parsed, data, name, lookups=lookups, digest=digest, new=True)
    return SaveOutcome(
        Outcome.UPDATED if existing is not None else Outcome.CREATED,
        review_note(parsed, publish),
        reply.pk,
    )


def write_parsed(
    reply: Reply,
    parsed: ParsedReply,
    data: bytes,
    name: str,
    *,
    lookups: Lookups | None = None,
    digest: str = "",
    new: bool = False,
) -> None:
    """Fill ``reply`` from ``parsed``, store ``data`` as its source file and save it all.

    ``new`` (a reply never saved) inserts its links and sections without reading first.
    """
    lookups = lookups if lookups is not None else Lookups()
    session = lookups.session(parsed)
    department = lookups.department(parsed.department) if parsed.department else None
    fill(reply, parsed, session=session, department=department, lookups=lookups)
    digest = digest or hashlib.sha256(data).hexdigest()
    # Re-reading the stored file keeps it; a new file is stored beside the old one.
    stored = not (reply.source_file and reply.source_sha256 == digest)
    reply.source_name = name
    reply.source_sha256 = digest
    if stored:
        reply.source_file.save(name, ContentFile(data), save=False)
    try:
        reply.full_clean(
            exclude=["source_file", "session", "department", "sector", "needs_review"],
            validate_unique=False,
        )
        reply.save()
        co_departments = {lookups.department(n).pk for n in parsed.co_departments}
        if new:
            through = Reply.co_departments.through
            through.objects.bulk_create(
                through(reply_id=reply.pk, department_id=pk) for pk in sorted(co_departments)
            )
        else:
            reply.co_departments.set(co_departments)
            reply.sections.all().delete()
        ReplySection.objects.bulk_create(
            ReplySection(
                reply=reply, order=k, number=s.number, heading=s.heading[:300], text=s.text
            )
            for k, s in enumerate(parsed.sections)
        )
    except BaseException:
        # The transaction rolls back: the file just stored would be referenced by nothing.
        if stored:
            reply.source_file.storage.delete(reply.source_file.name)
        raise


def review_note(parsed: ParsedReply, publish: bool) -> str:
    """Why a saved reply was flagged 需要核对 and kept a draft; "" when it was not flagged."""
    if not parsed.needs_review:
        return ""
    kept = "已存为草稿，未发布" if publish else "已存为草稿"
    return f"需要核对（{'；'.join(parsed.review_reasons)}），{kept}"


def has_natural_key(parsed: ParsedReply) -> bool:
    """True when council, term, session and number are all known (see ``reply_natural_key``)."""
    return bool(parsed.council and parsed.term and parsed.session and parsed.number)


def find_existing(
    parsed: ParsedReply, *, lookups: Lookups | None = None, for_update: bool = False
) -> Reply | None:
    """The saved reply with parsed's natural key (session, number, lead unit, doc kind).

    None when the key is incomplete: such replies are only told apart by their file. With
    ``lookups`` the session and unit are found or created through the batch's cache (the
    save path); without, nothing is created and an unknown session or unit means no match
    (the admin preview). ``for_update`` locks the row until the transaction ends.
    """
    if not has_natural_key(parsed):
        return None
    if lookups is not None:
        department = lookups.department(parsed.department) if parsed.department else None
        replies = Reply.objects.filter(session=lookups.session(parsed))
    else:
        department = Department.match(parsed.department) if parsed.department else None
        if parsed.department and department is None:
            return None
        replies = Reply.objects.filter(
            session__council=parsed.council,
            session__term=parsed.term,
            session__number=parsed.session,
        )
    replies = replies.filter(
        number=parsed.number, department=department, doc_kind=parsed.doc_kind or "答复"
    )
    if for_update:
        replies = replies.select_for_update(of=("self",))
    return replies.first()


def find_session(parsed: ParsedReply) -> Session | None:
    """The session named in the title, created when new; None when the title lacks it."""
    if not (parsed.council and parsed.term and parsed.session):
        return None
    session, _created = Session.objects.get_or_create(
        council=parsed.council,
        term=parsed.term,
        number=parsed.session,
        defaults={"year": parsed.date.year if parsed.date else None},
    )
    return session


def fill(
    reply: Reply,
    parsed: ParsedReply,
    *,
    session: Session | None,
    department: Department | None,
    lookups: Lookups | None = None,
) -> None:
    """Copy the parsed fields onto a Reply (not saved)."""
    reply.session = session
    reply.department = department
    reply.number = parsed.number or ""
    reply.number_int = parsed.number_int
    reply.doc_kind = parsed.doc_kind or "答复"
    reply.title = parsed.title or ""
    reply.proposal_title = parsed.proposal_title or ""
    reply.proposer = parsed.proposer or ""
    reply.sector = (lookups or Lookups()).sector(parsed.sector) if parsed.sector else None
    reply.result_label = parsed.result or ""
    reply.result_class = parsed.result_class or ""
    reply.signer = parsed.signer or ""
    reply.reply_date = parsed.date
    reply.disclosure = DISCLOSURE_CHOICES.get(parsed.disclosure or "", Disclosure.UNKNOWN)
    reply.contact_name = parsed.contact_name or ""
    reply.contact_phone = parsed.contact_phone or ""
    reply.contact_address = parsed.address or ""
    reply.postcode = parsed.postcode or ""
    reply.body = parsed.body
    reply.source_format = parsed.source_format
    reply.source_meta = {**parsed.source_meta, "read_from": parsed.read_from}
    reply.warnings = list(parsed.warnings)
    reply.needs_review = parsed.needs_review
