"""Curation in the Django admin: every edit of a reply keeps the previous version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from replies import actions, diffs
from replies.admin_import import ImportDocumentMixin
from replies.ingest.numerals import number_sort_key
from replies.ingest.pipeline import Rejected, parse_bytes, result_class_table
from replies.models import (
    Department,
    DepartmentAlias,
    DepartmentFormerSlug,
    Disclosure,
    Reply,
    ReplySection,
    ReplyVersion,
    ResultLabel,
    Sector,
    SectorAlias,
    SectorFormerSlug,
    Session,
    Status,
)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["council", "term", "number", "year", "opened_on"]
    list_filter = ["council", "year"]
    search_fields = ["council"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


class DepartmentFormerSlugInline(admin.TabularInline):
    model = DepartmentFormerSlug
    extra = 0
    readonly_fields = ["slug"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectorAliasInline(admin.TabularInline):
    model = SectorAlias
    extra = 0


class SectorFormerSlugInline(DepartmentFormerSlugInline):
    model = SectorFormerSlug


class NamedAdmin(admin.ModelAdmin):
    """Departments and sectors: a rename keeps the old name and slug; merge with confirmation."""

    list_display = ["name", "slug", "alias_list"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    @admin.display(description="别名和原名称")
    def alias_list(self, obj: Any) -> str:
        return "、".join(alias.name for alias in obj.aliases.all())

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("aliases")

    def save_model(self, request: HttpRequest, obj: Any, form, change: bool) -> None:
        actions.save_named(obj)

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and actions.can_publish(request.user)

    @admin.action(description="合并所选项（需确认）", permissions=["merge"])
    def merge(self, request: HttpRequest, queryset) -> HttpResponse | None:
        chosen = list(queryset.order_by("name"))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两项再合并。", messages.WARNING)
            return None
        picked = request.POST.get("target")
        target = next((c for c in chosen if str(c.pk) == picked), None)
        if "confirm" in request.POST and target is not None:
            try:
                moved = actions.merge(chosen, target, request.user)
            except actions.Refused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"已合并到“{target}”：{moved} 件答复已移动并各保存了历史版本，原名称成为别名。",
                    messages.SUCCESS,
                )
                return None
        target = target or max(chosen, key=lambda c: actions.merge_touches([c]).count())
        sources = [c for c in chosen if c.pk != target.pk]
        rows = [
            {
                "record": c,
                "replies": list(actions.merge_touches([c]).order_by("pk")[:50]),
                "count": actions.merge_touches([c]).count(),
                "aliases": [a.name for a in c.aliases.all()],
            }
            for c in chosen
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"合并{self.model._meta.verbose_name}",
            "rows": rows,
            "target": target,
            "sources": sources,
            "conflicts": actions.merge_conflicts(sources, target),
            "selected": [c.pk for c in chosen],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/replies/merge.html", context)


@admin.register(Department)
class DepartmentAdmin(NamedAdmin):
    inlines = [DepartmentAliasInline, DepartmentFormerSlugInline]


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department"]


@admin.register(Sector)
class SectorAdmin(NamedAdmin):
    inlines = [SectorAliasInline, SectorFormerSlugInline]


@admin.register(ResultLabel)
class ResultLabelAdmin(admin.ModelAdmin):
    """Changing a label's class offers to re-classify the replies that carry it."""

    list_display = ["label", "result_class", "reply_count"]
    list_filter = ["result_class"]
    search_fields = ["label"]

    @admin.display(description="答复数")
    def reply_count(self, obj: ResultLabel) -> int:
        return Reply.objects.filter(result_label=obj.label).count()

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.reclassify_view)
        return [
            path("<int:pk>/reclassify/", view, name="replies_resultlabel_reclassify"),
            *super().get_urls(),
        ]

    def response_change(self, request: HttpRequest, obj: ResultLabel) -> HttpResponse:
        if actions.carrying(obj).exists():
            return HttpResponseRedirect(
                reverse("admin:replies_resultlabel_reclassify", args=[obj.pk])
            )
        return super().response_change(request, obj)

    def reclassify_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        label = get_object_or_404(ResultLabel, pk=pk)
        if not self.has_change_permission(request, label):
            raise PermissionDenied
        if request.method == "POST":
            if "confirm" in request.POST:
                changed = actions.reclassify(label, request.user)
                self.message_user(
                    request,
                    f"已将 {changed} 件办理结果为“{label.label}”的答复改为"
                    f"{label.get_result_class_display()}，各保存了历史版本。",
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, "已有答复的类别未改动。", messages.INFO)
            return HttpResponseRedirect(reverse("admin:replies_resultlabel_changelist"))
        replies = actions.carrying(label).select_related("session", "department")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "重新分类已有答复",
            "label": label,
            "count": replies.count(),
            "replies": list(replies[:100]),
        }
        return TemplateResponse(request, "admin/replies/resultlabel/reclassify.html", context)


class TextField(forms.CharField):
    """A textarea's text with the browser's CRLF line ends read as the body's "\n"."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


#: Browsers post textareas with CRLF; unchanged text must compare equal to the stored one.
TEXT_OVERRIDES = {models.TextField: {"form_class": TextField}}


class ReplySectionInline(admin.StackedInline):
    """The sections as read from the body; editing one edits the body (replies.sections)."""

    model = ReplySection
    extra = 0
    formfield_overrides = TEXT_OVERRIDES
    fields = ["number", "heading", "text"]
    readonly_fields = ["number"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False


def _changes_table(version: ReplyVersion) -> str:
    """The field-by-field difference of a version and the state after it, escaped."""
    rows = diffs.version_changes(version)
    if not rows:
        return "（与之后的状态相同）"
    body = format_html_join(
        "",
        "<tr><th>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
        ((c.label, c.old, c.new) for c in rows),
    )
    return format_html(
        '<table class="version-diff"><tr><th>字段</th><th>此版本</th><th>之后</th></tr>{}</table>',
        body,
    )


class ReplyVersionInline(admin.TabularInline):
    """The history on the reply's page: who, when (Asia/Shanghai), what changed after."""

    model = ReplyVersion
    extra = 0
    fields = ["created_at", "reason", "created_by", "changed_fields"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False

    @admin.display(description="之后改动的字段")
    def changed_fields(self, obj: ReplyVersion) -> str:
        return "、".join(c.label for c in diffs.version_changes(obj)) or "（无）"


class ReviewQueueFilter(admin.SimpleListFilter):
    """The review queue: what still needs a person (warnings, 需要核对, drafts)."""

    title = "待处理"
    parameter_name = "queue"
    queues = {
        "any": ("全部待处理", ~Q(warnings=[]) | Q(needs_review=True) | Q(status=Status.DRAFT)),
        "warnings": ("有解析提示", ~Q(warnings=[])),
        "review": ("需要核对", Q(needs_review=True)),
        "draft": ("草稿", Q(status=Status.DRAFT)),
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _q) in self.queues.items()]

    def queryset(self, request: HttpRequest, queryset):
        chosen = self.queues.get(self.value() or "")
        return queryset.filter(chosen[1]) if chosen else queryset


@admin.register(Reply)
class ReplyAdmin(ImportDocumentMixin, admin.ModelAdmin):
    list_display = [
        "display_title",
        "to_check",
        "needs_review",
        "session",
        "number",
        "doc_kind",
        "department",
        "result_class",
        "reply_date",
        "disclosure",
        "status",
        "is_sample",
    ]
    list_filter = [
        ReviewQueueFilter,
        "needs_review",
        "status",
        "disclosure",
        "result_class",
        "doc_kind",
        "is_sample",
        "session__council",
        "session",
        "sector",
    ]
    search_fields = ["title", "proposal_title", "proposer", "number", "department__name"]
    date_hierarchy = "reply_date"
    autocomplete_fields = ["department", "co_departments", "sector", "session"]
    readonly_fields = [
        "source_sha256",
        "source_name",
        "source_format",
        "source_meta",
        "warning_list",
        "created_at",
        "updated_at",
    ]
    inlines = [ReplySectionInline, ReplyVersionInline]
    actions = ["publish", "unpublish"]
    list_select_related = ["session", "department"]
    formfield_overrides = TEXT_OVERRIDES
    change_form_template = "admin/replies/reply/change_form.html"

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return actions.can_publish(request.user)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.reparse_view)
        return [path("<int:pk>/reparse/", view, name="replies_reply_reparse"), *super().get_urls()]

    def reparse_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Read the source file again: show the difference, apply it on confirmation."""
        reply = get_object_or_404(Reply, pk=pk)
        if not self.has_change_permission(request, reply):
            raise PermissionDenied
        change_url = reverse("admin:replies_reply_change", args=[reply.pk])
        try:
            data, name = actions.source_of(reply)
            parsed = parse_bytes(data, name, result_class_table())
            if request.method == "POST":
                actions.reparse(reply, request.user)
                self.message_user(request, f"{name}：已重新解析，旧版本已保存。", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        except (actions.Refused, Rejected) as exc:
            self.message_user(request, f"{reply.source_name or reply}：{exc}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        current = diffs.from_reply(reply)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从原始文件重新解析",
            "reply": reply,
            "name": name,
            "diff": diffs.changes(current, diffs.from_parsed(parsed, name, current)),
            "warnings": parsed.warnings,
        }
        return TemplateResponse(request, "admin/replies/reply/reparse.html", context)

    def has_change_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        # 录入 edits drafts; a published reply is changed only by 审核.
        if (
            obj is not None
            and obj.status == Status.PUBLISHED
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Reply | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if self.has_publish_permission(request) else [*fields, "status"]

    def has_delete_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        # Staff withdraw (unpublish) a reply; only a superuser purges it with its versions.
        return request.user.is_superuser

    def delete_model(self, request: HttpRequest, obj: Reply) -> None:
        actions.purge([obj], request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        actions.purge(queryset, request.user)

    @admin.display(description="待核对")
    def to_check(self, obj: Reply) -> str:
        parts = [f"{len(obj.warnings)} 条提示"] if obj.warnings else []
        parts += ["需要核对"] if obj.needs_review else []
        parts += ["草稿"] if obj.status == Status.DRAFT else []
        return "、".join(parts) or "—"

    @admin.display(description="解析提示")
    def warning_list(self, obj: Reply) -> str:
        if not obj.warnings:
            return "（无）"
        return format_html(
            '<ul class="reply-warnings">{}</ul>',
            format_html_join("", "<li>{}</li>", ((w,) for w in obj.warnings)),
        )

    @admin.display(description="标题", ordering="title")
    def display_title(self, obj: Reply) -> str:
        return obj.display_title

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Reply, form, change: bool) -> None:
        if "number" in form.changed_data:
            obj.number_int = number_sort_key(obj.number)
        actions.edit(obj, request.user)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        edited = any(f.has_changed() for f in formsets if f.model is ReplySection)
        # The body wins when both were edited: the sections are then read from it again.
        actions.sync_sections(
            form.instance, from_sections=edited and "body" not in form.changed_data
        )

    @admin.action(description="发布所选答复", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description="撤回所选答复为草稿", permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request: HttpRequest, queryset, status: str) -> None:
        changed, flagged = actions.set_status(queryset, status, request.user)
        if flagged:
            self.message_user(
                request,
                f"{flagged} 条答复需要核对，未发布：请核对后取消“需要核对”再发布。",
                messages.WARNING,
            )
        self.message_user(request, f"已更新 {changed} 条答复。", messages.SUCCESS)


@admin.register(ReplyVersion)
class ReplyVersionAdmin(admin.ModelAdmin):
    """Versions are read, and restored from their own page; never edited or deleted by staff."""

    list_display = ["reply", "created_at", "reason", "created_by"]
    list_select_related = ["reply", "created_by"]
    search_fields = ["reply__title", "reason"]
    fields = ["reply", "created_at", "created_by", "reason", "changes", "source_file"]
    readonly_fields = fields

    @admin.display(description="与之后状态的差异")
    def changes(self, obj: ReplyVersion) -> str:
        return _changes_table(obj)

    change_form_template = "admin/replies/replyversion/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReplyVersion | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReplyVersion | None = None) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: ReplyVersion | None = None) -> bool:
        return request.user.has_perm("replies.view_replyversion") or request.user.has_perm(
            "replies.change_reply"
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.restore_view)
        return [
            path("<int:pk>/restore/", view, name="replies_replyversion_restore"),
            *super().get_urls(),
        ]

    def restore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm, then restore: the text and fields, the publication state only if chosen."""
        if not request.user.has_perm("replies.change_reply"):
            raise PermissionDenied
        version = get_object_or_404(ReplyVersion.objects.select_related("reply"), pk=pk)
        may_publish = actions.can_publish(request.user)
        conflict = actions.restore_conflict(version)
        if request.method == "POST" and conflict is None:
            publication = bool(request.POST.get("publication")) and may_publish
            try:
                reply = actions.restore(version, request.user, publication=publication)
            except actions.Refused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                kept = "" if publication else "，发布状态和公开属性保持不变"
                self.message_user(request, f"已恢复到所选版本{kept}。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:replies_reply_change", args=[reply.pk]))
        data = version.data
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "恢复历史版本",
            "version": version,
            "reply": version.reply,
            "conflict": conflict,
            "may_publish": may_publish,
            "current_state": (
                version.reply.get_status_display(),
                version.reply.get_disclosure_display(),
            ),
            "version_state": (
                Status(data.get("status", Status.DRAFT)).label,
                Disclosure(data.get("disclosure", Disclosure.UNKNOWN)).label,
            ),
        }
        return TemplateResponse(request, "admin/replies/replyversion/restore.html", context)


from replies.alerts import admin as alerts_admin  # noqa: E402, F401  (email subscriptions)
from replies.search import admin as search_admin  # noqa: E402, F401  (dictionary, zero results)
