"""Curation in the Django admin: every edit of a reply keeps the previous version."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest

from replies.admin_import import ImportDocumentMixin
from replies.ingest.numerals import number_sort_key
from replies.models import (
    Department,
    DepartmentAlias,
    Reply,
    ReplySection,
    ReplyVersion,
    ResultLabel,
    Sector,
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


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "alias_list"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentAliasInline]

    @admin.display(description="别名")
    def alias_list(self, obj: Department) -> str:
        return "、".join(alias.name for alias in obj.aliases.all())

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("aliases")


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ResultLabel)
class ResultLabelAdmin(admin.ModelAdmin):
    list_display = ["label", "result_class"]
    list_filter = ["result_class"]
    search_fields = ["label"]


class ReplySectionInline(admin.StackedInline):
    model = ReplySection
    extra = 0


class ReplyVersionInline(admin.TabularInline):
    model = ReplyVersion
    extra = 0
    fields = ["created_at", "reason", "created_by", "source_sha256"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False


@admin.register(Reply)
class ReplyAdmin(ImportDocumentMixin, admin.ModelAdmin):
    list_display = [
        "display_title",
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
        "warnings",
        "created_at",
        "updated_at",
    ]
    inlines = [ReplySectionInline, ReplyVersionInline]
    actions = ["publish", "unpublish"]
    list_select_related = ["session", "department"]

    @admin.display(description="标题", ordering="title")
    def display_title(self, obj: Reply) -> str:
        return obj.display_title

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Reply, form, change: bool) -> None:
        if change:
            Reply.objects.get(pk=obj.pk).save_version("后台编辑前", request.user)
        if "number" in form.changed_data:
            obj.number_int = number_sort_key(obj.number)
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选答复")
    def publish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description="撤回所选答复为草稿")
    def unpublish(self, request: HttpRequest, queryset) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    @transaction.atomic
    def _set_status(self, request: HttpRequest, queryset, status: str) -> None:
        changed = 0
        if status == Status.PUBLISHED:
            flagged = queryset.filter(needs_review=True).count()
            if flagged:
                self.message_user(
                    request,
                    f"{flagged} 条答复需要核对，未发布：请核对后取消“需要核对”再发布。",
                    messages.WARNING,
                )
            queryset = queryset.filter(needs_review=False)
        for reply in queryset.exclude(status=status):
            reply.save_version(f"状态改为{Status(status).label}前", request.user)
            reply.status = status
            reply.save()
            changed += 1
        self.message_user(request, f"已更新 {changed} 条答复。", messages.SUCCESS)


@admin.register(ReplyVersion)
class ReplyVersionAdmin(admin.ModelAdmin):
    list_display = ["reply", "created_at", "reason", "created_by"]
    list_select_related = ["reply", "created_by"]
    search_fields = ["reply__title", "reason"]
    readonly_fields = [
        "reply",
        "created_at",
        "created_by",
        "reason",
        "data",
        "source_file",
        "source_sha256",
    ]
    actions = ["restore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="恢复到所选版本")
    def restore(self, request: HttpRequest, queryset) -> None:
        for version in queryset.select_related("reply"):
            version.restore(request.user)
        self.message_user(request, f"已恢复 {queryset.count()} 个版本。", messages.SUCCESS)


from replies.search import admin as search_admin  # noqa: E402, F401  (dictionary, zero results)
