"""Admin: upload a reply document, preview what the parser read, then save it.

Step 1 parses the upload without saving and shows every field, the warnings and the body;
the bytes wait in ARCHIVE_DATA_DIR/import-pending under a random token. Step 2 parses the
same bytes again and saves them through the ingestion pipeline (as a draft unless
published), offering to replace an existing reply with the same natural key, whose
previous version is kept.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from replies.conf import archive_settings
from replies.ingest.load import find_existing, save_reply
from replies.ingest.parsed import ParsedReply
from replies.ingest.pipeline import Rejected, parse_bytes, result_class_table
from replies.ingest.report import Outcome
from replies.models import Reply

PENDING_MAX_AGE = 24 * 3600
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


class UploadForm(forms.Form):
    document = forms.FileField(
        label="答复文件",
        help_text="txt（UTF-8/GB18030/UTF-16）、pdf（含文字层）、docx、网页 html；"
        "旧版 doc/wps 需服务器安装 LibreOffice。",
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        limit = archive_settings.ARCHIVE_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name}：文件过大（{upload.size} 字节，上限 {limit} 字节）。"
            )
        return upload


def pending_dir() -> Path:
    folder = Path(settings.ARCHIVE_DATA_DIR) / "import-pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(data: bytes, name: str) -> str:
    folder = pending_dir()
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > PENDING_MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / token).write_bytes(data)
    (folder / f"{token}.name").write_text(name, encoding="utf-8")
    return token


def _load(token: str) -> tuple[bytes, str] | None:
    if not _TOKEN.match(token or ""):
        return None
    folder = pending_dir()
    data_file, name_file = folder / token, folder / f"{token}.name"
    if not data_file.is_file() or not name_file.is_file():
        return None
    return data_file.read_bytes(), name_file.read_text(encoding="utf-8")


def _discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        for item in (pending_dir() / token, pending_dir() / f"{token}.name"):
            item.unlink(missing_ok=True)


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


class ImportDocumentMixin:
    """Adds 导入文档 to a ModelAdmin for Reply (see replies/admin.py)."""

    change_list_template = "admin/replies/reply/change_list_import.html"

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.import_view)  # type: ignore[attr-defined]
        return [path("import/", view, name="replies_reply_import"), *super().get_urls()]  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["document"]
            data = upload.read()
            try:
                parsed = parse_bytes(data, upload.name, result_class_table())
            except Rejected as exc:
                form.add_error("document", f"{upload.name}：{exc}")
            else:
                token = _store(data, upload.name)
                return self._preview(request, parsed, upload.name, token, data)
        return self._render(request, {"form": form, "step": "upload"})

    def _preview(
        self, request: HttpRequest, parsed: ParsedReply, name: str, token: str, data: bytes
    ) -> HttpResponse:
        import hashlib

        same = Reply.objects.filter(source_sha256=hashlib.sha256(data).hexdigest()).first()
        context = {
            "step": "preview",
            "name": name,
            "token": token,
            "parsed": parsed,
            "rows": _rows(parsed),
            "sections": parsed.sections,
            "paragraphs": parsed.paragraphs,
            "warnings": parsed.warnings,
            "same_file": same,
            "existing": None if same else find_existing(parsed),
        }
        return self._render(request, context)

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        stored = _load(token)
        if stored is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return HttpResponseRedirect(reverse("admin:replies_reply_import"))
        data, name = stored
        if "cancel" in request.POST:
            _discard(token)
            messages.info(request, f"已取消导入 {name}。")
            return HttpResponseRedirect(reverse("admin:replies_reply_changelist"))
        try:
            parsed = parse_bytes(data, name, result_class_table())
        except Rejected as exc:
            _discard(token)
            messages.error(request, f"{name}：{exc}")
            return HttpResponseRedirect(reverse("admin:replies_reply_import"))
        outcome = save_reply(
            parsed,
            data,
            name,
            publish=bool(request.POST.get("publish")),
            update=bool(request.POST.get("update")),
            user=request.user,
        )
        if outcome.status is Outcome.CONFLICT:
            reason = outcome.reason.replace("--update", "“替换已有答复”")
            messages.warning(request, f"{name}：{reason}")
            return self._preview(request, parsed, name, token, data)
        _discard(token)
        if outcome.status is Outcome.REJECTED:
            messages.error(request, f"{name}：{outcome.reason}")
            return HttpResponseRedirect(reverse("admin:replies_reply_import"))
        text = {
            Outcome.CREATED: "已导入",
            Outcome.UPDATED: "已替换（旧版本已保存）",
            Outcome.SKIPPED: "已存在",
        }
        level = messages.SUCCESS if outcome.status is not Outcome.SKIPPED else messages.INFO
        note = f"；{outcome.reason}" if outcome.reason else ""
        messages.add_message(request, level, f"{name}：{text[outcome.status]}{note}。")
        return HttpResponseRedirect(reverse("admin:replies_reply_change", args=[outcome.reply_id]))

    def _render(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "title": "导入答复文档",
            "max_bytes": archive_settings.ARCHIVE_MAX_UPLOAD_BYTES,
            **context,
        }
        return TemplateResponse(request, "admin/replies/reply/import.html", context)
