"""Admin: upload reply documents (many files, zip archives), preview, then save a selection.

Step 1 reads every upload (each member of a zip, within the ARCHIVE_ZIP_* limits) and parses
it without saving: one preview row per file with the fields read, warnings, the conflicts
with a saved reply (a field-by-field diff against it) and the rejections with their reasons.
The bytes wait in ARCHIVE_DATA_DIR/import-pending/<token>/ under a random token. Step 2
parses the chosen files again (a scan's OCR reading is kept from step 1 instead: OCR takes
tens of seconds a page) and saves each through the ingestion pipeline in its own
transaction (as drafts or published), replacing a conflicting reply only where asked (its
previous version is kept). Cancelling deletes the pending files and saves nothing.

A scan read by OCR shows each page's image (rendered on request from the pending file by a
view for staff who may import, ``replies.ingest.page_image``) beside the text read on it and
the engine's confidence; pages under ``LOW_PAGE_CONFIDENCE`` are marked.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from replies import diffs
from replies.actions import can_publish
from replies.conf import archive_settings
from replies.ingest import archive
from replies.ingest.extract import ExtractionError
from replies.ingest.load import find_existing, save_reply
from replies.ingest.page_image import page_jpeg
from replies.ingest.parsed import ParsedReply
from replies.ingest.pipeline import Rejected, parse_bytes, result_class_table
from replies.ingest.report import Outcome, member_file_name
from replies.models import Reply
from replies.oplog import audit

PENDING_MAX_AGE = 24 * 3600
#: A scanned page read with a mean confidence under this is marked for a closer check.
LOW_PAGE_CONFIDENCE = 0.9
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
FIELD_LABELS = [
    ("title", "标题"), ("council", "政协"), ("term", "届"), ("session", "次会议"),
    ("number", "提案号"), ("doc_kind", "文种"), ("result", "办理结果"),
    ("result_class", "结果类别"), ("signer", "签发人"), ("proposer", "提案人"),
    ("sector", "界别"), ("proposal_title", "提案标题"), ("department", "承办单位"),
    ("co_departments", "会办单位"), ("date", "答复日期"), ("disclosure", "公开属性"),
    ("contact_name", "联系人"), ("contact_phone", "联系电话"), ("address", "通讯地址"),
    ("postcode", "邮政编码"),
]  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] or [single(None, initial)]
        return [single(data, initial)]


class UploadForm(forms.Form):
    document = MultipleFileField(
        label="答复文件",
        widget=MultipleFileInput(),
        help_text="可一次选择多个文件或 zip 压缩包。txt（UTF-8/GB18030/UTF-16）、pdf、"
        "docx、网页 html；旧版 doc/wps 需服务器安装 LibreOffice；扫描的 pdf 和 png/jpeg/tiff "
        "图片经文字识别读取，保存为草稿并标记“文字识别 · 需核对”。",
    )

    def clean_document(self) -> Any:
        uploads = self.cleaned_data["document"]
        limit = archive_settings.ARCHIVE_MAX_UPLOAD_BYTES
        count = archive_settings.ARCHIVE_ZIP_MAX_MEMBERS
        if len(uploads) > count:
            raise forms.ValidationError(
                f"一次最多上传 {count} 个文件（选择了 {len(uploads)} 个）。"
            )
        errors = [
            f"{u.name}：文件过大（{u.size} 字节，上限 {limit} 字节）。"
            for u in uploads
            if u.size > limit
        ]
        if errors:
            raise forms.ValidationError(errors)
        return uploads


def percent(value: float) -> str:
    """0.9871 → "98.7%"."""
    return f"{value:.1%}"


@dataclass
class ScanPage:
    """One page of a scan in the preview: its image's address, the text read, confidence."""

    number: int
    image_url: str
    text: str
    confidence: str
    lowest: str
    #: Read with a low mean confidence, or nothing read on it.
    low: bool


def scan_pages(token: str, item: Item) -> list[ScanPage]:
    """The OCR pages of a previewed file, with the addresses of their images."""
    if item.parsed is None:
        return []
    return [
        ScanPage(
            number=page.number,
            image_url=reverse(
                "admin:replies_reply_import_page", args=(token, item.index, page.number)
            ),
            text=page.text,
            confidence=percent(page.confidence),
            lowest=percent(page.lowest),
            low=not page.lines or page.confidence < LOW_PAGE_CONFIDENCE,
        )
        for page in item.parsed.ocr_pages
    ]


@dataclass
class Item:
    """One file of an upload (or one member of an uploaded zip) and what was read from it."""

    index: int
    name: str
    parsed: ParsedReply | None = None
    reason: str = ""
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    same_file: Reply | None = None
    existing: Reply | None = None
    diff: list[diffs.Change] = field(default_factory=list)
    pages: list[ScanPage] = field(default_factory=list)

    @property
    def ocr_confidence(self) -> str:
        """The whole scan's OCR confidence as a percentage ("" when not read by OCR)."""
        value = (self.parsed.source_meta if self.parsed else {}).get("ocr_confidence")
        return percent(float(value)) if value else ""

    @property
    def verdict(self) -> str:
        if self.parsed is None:
            return "拒收"
        if self.same_file is not None:
            return "同一文件已导入"
        if self.existing is not None:
            return "与已有答复冲突"
        return "需要核对" if self.parsed.needs_review else "新答复"


def pending_dir() -> Path:
    folder = Path(settings.ARCHIVE_DATA_DIR) / "import-pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _batch(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    folder = pending_dir() / token
    return folder if folder.is_dir() else None


def _store(files: list[tuple[str, bytes]]) -> str:
    """Keep the files of one upload under a new token; forget batches older than a day."""
    now = time.time()
    for old in pending_dir().iterdir():
        if now - old.stat().st_mtime > PENDING_MAX_AGE:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    token = secrets.token_urlsafe(24)
    folder = pending_dir() / token
    folder.mkdir()
    for k, (name, data) in enumerate(files):
        (folder / str(k)).write_bytes(data)
        (folder / f"{k}.name").write_text(name, encoding="utf-8")
    return token


def _load(token: str) -> dict[int, tuple[bytes, str]] | None:
    """The files still pending under ``token``, by index; None when the token is unknown."""
    folder = _batch(token)
    if folder is None:
        return None
    return {
        int(f.name): (f.read_bytes(), (folder / f"{f.name}.name").read_text(encoding="utf-8"))
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.isdigit()
    }


def _forget(token: str, index: int) -> None:
    folder = _batch(token)
    if folder is not None:
        for item in (folder / str(index), folder / f"{index}.name", _kept_path(folder, index)):
            item.unlink(missing_ok=True)


def _kept_path(folder: Path, index: int) -> Path:
    return folder / f"{index}.parsed.json"


def _keep(token: str, index: int, parsed: ParsedReply) -> None:
    """Keep what OCR read from a pending scan, so that saving it does not read it again."""
    folder = _batch(token)
    if folder is not None and parsed.source_format.endswith("-ocr"):
        _kept_path(folder, index).write_text(json.dumps(parsed.to_state()), encoding="utf-8")


def _kept(token: str, index: int) -> ParsedReply | None:
    """The reading kept by :func:`_keep`, or None (then the file is read again)."""
    folder = _batch(token)
    path = _kept_path(folder, index) if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        return ParsedReply.from_state(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError):  # written by another version: read it again
        return None


def _discard(token: str) -> None:
    folder = _batch(token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _rows(parsed: ParsedReply) -> list[tuple[str, str, str]]:
    """(field, value, where it was read from) for the preview table."""
    data = parsed.to_json()
    rows = []
    for key, label in FIELD_LABELS:
        value = data[key]
        if isinstance(value, list):
            value = "、".join(value)
        rows.append((label, "" if value is None else str(value), parsed.read_from.get(key, "")))
    return rows


def _read_uploads(uploads: list[Any]) -> tuple[list[tuple[str, bytes]], list[Item]]:
    """The documents of the uploads (zip members included) and the rejected ones."""
    documents: list[tuple[str, bytes]] = []
    rejected: list[Item] = []
    for upload in uploads:
        data = upload.read()
        if not archive.is_archive(data):
            documents.append((upload.name, data))
            continue
        try:
            members = list(
                archive.members(
                    data, upload.name, max_member_bytes=settings.ARCHIVE_MAX_UPLOAD_BYTES
                )
            )
        except Rejected as exc:
            rejected.append(Item(-1, upload.name, reason=str(exc)))
            continue
        for member in members:
            name = member_file_name(upload.name, member.name)
            if member.data is None:
                rejected.append(Item(-1, name, reason=member.reason))
            else:
                documents.append((name, member.data))
    return documents, rejected


def preview_item(
    index: int, name: str, data: bytes, table: dict[str, str], parsed: ParsedReply | None = None
) -> Item:
    """Parse one pending file (unless parsed is given) and compare it with what is saved."""
    try:
        parsed = parsed or parse_bytes(data, name.rsplit("!", 1)[-1], table)
    except Rejected as exc:
        return Item(index, name, reason=str(exc))
    item = Item(index, name, parsed, rows=_rows(parsed))
    item.same_file = Reply.objects.filter(source_sha256=hashlib.sha256(data).hexdigest()).first()
    if item.same_file is None:
        item.existing = find_existing(parsed)
    if item.existing is not None:
        current = diffs.from_reply(item.existing)
        item.diff = diffs.changes(current, diffs.from_parsed(parsed, name, current))
    return item


class ImportDocumentMixin:
    """Adds 导入文档 to a ModelAdmin for Reply (see replies/admin.py)."""

    change_list_template = "admin/replies/reply/change_list_import.html"

    def get_urls(self) -> list[Any]:
        site = self.admin_site  # type: ignore[attr-defined]
        view = site.admin_view(self.import_view)
        page = site.admin_view(self.page_image_view)
        return [
            path("import/", view, name="replies_reply_import"),
            path(
                "import/<str:token>/<int:index>/page-<int:number>.jpg",
                page,
                name="replies_reply_import_page",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def page_image_view(
        self, request: HttpRequest, token: str, index: int, number: int
    ) -> HttpResponse:
        """A page of a pending scan as a JPEG, for staff who may import (404 when gone)."""
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        folder = _batch(token)
        source = folder / str(index) if folder is not None else None
        if source is None or not source.is_file() or number < 1:
            raise Http404("上传的文件已失效")
        try:
            image = page_jpeg(source.read_bytes(), number)
        except ExtractionError as exc:
            raise Http404(str(exc)) from exc
        response = HttpResponse(image, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            documents, rejected = _read_uploads(form.cleaned_data["document"])
            token = _store(documents)
            return self._preview(request, token, rejected)
        return self._render(request, {"form": form, "step": "upload"})

    def _preview(
        self, request: HttpRequest, token: str, rejected: list[Item] | None = None
    ) -> HttpResponse:
        table = result_class_table()
        pending = _load(token) or {}
        items = [
            preview_item(k, name, data, table, _kept(token, k))
            for k, (data, name) in pending.items()
        ]
        for item in items:
            if item.parsed is None:
                _forget(token, item.index)  # nothing to save: a rejection is final
                continue
            _keep(token, item.index, item.parsed)
            item.pages = scan_pages(token, item)
        items += rejected or []
        context = {
            "step": "preview",
            "token": token,
            "items": items,
            "savable": [i for i in items if i.parsed is not None and i.same_file is None],
            "any_conflict": any(i.existing for i in items),
        }
        return self._render(request, context)

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        pending = _load(token)
        if pending is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return HttpResponseRedirect(reverse("admin:replies_reply_import"))
        if "cancel" in request.POST:
            _discard(token)
            names = "、".join(name for _data, name in pending.values()) or "所选文件"
            messages.info(request, f"已取消导入 {names}，未保存任何内容。")
            return HttpResponseRedirect(reverse("admin:replies_reply_changelist"))
        chosen = set(pending)
        if "select" in request.POST:  # the preview's checkboxes (absent: every file)
            chosen &= {int(k) for k in request.POST.getlist("row") if k.isdigit()}
        if not chosen:
            messages.warning(request, "没有选择任何文件。")
            return self._preview(request, token)
        publish = bool(request.POST.get("publish")) and can_publish(request.user)
        table = result_class_table()
        saved: list[int] = []
        for index in sorted(chosen):
            data, name = pending[index]
            update = bool(request.POST.get("update") or request.POST.get(f"update-{index}"))
            kept = _kept(token, index)
            outcome = self._save_one(
                request, data, name, table, publish=publish, update=update, parsed=kept
            )
            if outcome is None or outcome.status is not Outcome.CONFLICT:
                _forget(token, index)
            if outcome is not None and outcome.reply_id:
                saved.append(outcome.reply_id)
        if _load(token):
            return self._preview(request, token)
        _discard(token)
        if len(pending) == 1 and len(saved) == 1:
            return HttpResponseRedirect(reverse("admin:replies_reply_change", args=saved))
        return HttpResponseRedirect(reverse("admin:replies_reply_changelist"))

    def _save_one(
        self,
        request: HttpRequest,
        data: bytes,
        name: str,
        table: dict[str, str],
        *,
        publish: bool,
        update: bool,
        parsed: ParsedReply | None = None,
    ) -> Any:
        """Save one pending file in its own transaction; say what happened, naming the file.

        parsed: the scan's reading kept from the preview (otherwise the file is parsed).
        """
        try:
            parsed = parsed or parse_bytes(data, name.rsplit("!", 1)[-1], table)
        except Rejected as exc:
            messages.error(request, f"{name}：{exc}")
            audit("import.file", request.user, file=name, outcome="rejected", reason=str(exc))
            return None
        outcome = save_reply(parsed, data, name, publish=publish, update=update, user=request.user)
        audit(
            "import.file",
            request.user,
            file=name,
            outcome=str(outcome.status),
            reason=outcome.reason,
            reply_id=outcome.reply_id,
            publish=publish,
        )
        if outcome.status is Outcome.CONFLICT:
            reason = outcome.reason.replace("--update", "“替换已有答复”")
            messages.warning(request, f"{name}：{reason}")
            return outcome
        if outcome.status is Outcome.REJECTED:
            messages.error(request, f"{name}：{outcome.reason}")
            return outcome
        text = {
            Outcome.CREATED: "已导入",
            Outcome.UPDATED: "已替换（旧版本已保存）",
            Outcome.SKIPPED: "已存在",
        }
        level = messages.SUCCESS if outcome.status is not Outcome.SKIPPED else messages.INFO
        note = f"；{outcome.reason}" if outcome.reason else ""
        messages.add_message(request, level, f"{name}：{text[outcome.status]}{note}。")
        return outcome

    def _render(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "title": "导入答复文档",
            "max_bytes": archive_settings.ARCHIVE_MAX_UPLOAD_BYTES,
            "may_publish": can_publish(request.user),
            **context,
        }
        return TemplateResponse(request, "admin/replies/reply/import.html", context)
