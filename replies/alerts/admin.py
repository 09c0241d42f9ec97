"""Subscriptions in the admin: search by address or conditions, replies sent, disable."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from replies.alerts.models import Subscription


class SentFilter(admin.SimpleListFilter):
    title = "发送情况"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "发送过"), ("no", "从未发送")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(last_sent_at__isnull=self.value() == "no")
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "description", "active", "confirmed_at", "last_sent_at", "sent_count")
    list_filter = ("active", SentFilter)
    search_fields = ("email", "description")
    readonly_fields = (
        "email",
        "params",
        "description",
        "created_at",
        "confirmed_at",
        "last_sent_at",
    )
    fields = (
        "email",
        "description",
        "params",
        "active",
        "created_at",
        "confirmed_at",
        "last_sent_at",
    )
    actions = ("disable", "enable")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the address's owner subscribes (double opt-in)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(sent_total=Count("sent"))

    @admin.display(description="已发送答复", ordering="sent_total")
    def sent_count(self, subscription: Subscription) -> int:
        return subscription.sent_total

    @admin.action(description="停用所选订阅（不再发送）")
    def disable(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = queryset.update(active=False)
        self.message_user(request, f"已停用 {n} 个订阅。", messages.SUCCESS)

    @admin.action(description="启用所选订阅")
    def enable(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = queryset.update(active=True)
        self.message_user(request, f"已启用 {n} 个订阅。", messages.SUCCESS)
