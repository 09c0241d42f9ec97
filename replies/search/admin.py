"""Admin for the search dictionary and the zero-result log (registered from replies.admin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from replies.search.models import UserDictionaryTerm, ZeroResultQuery


@admin.register(UserDictionaryTerm)
class UserDictionaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "note", "updated_at"]
    search_fields = ["term", "note"]
    ordering = ["term"]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self.message_user(
            request, f"已保存“{obj.term}”；含此词的答复将重新建立索引。", messages.SUCCESS
        )


@admin.register(ZeroResultQuery)
class ZeroResultQueryAdmin(admin.ModelAdmin):
    list_display = ["query", "count", "example", "first_seen", "last_seen"]
    search_fields = ["query", "example"]
    ordering = ["-last_seen"]
    readonly_fields = ["query", "example", "count", "first_seen", "last_seen"]
    actions = ["add_to_dictionary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="把所选检索词加入检索词典")
    def add_to_dictionary(self, request: HttpRequest, queryset) -> None:
        added = 0
        for entry in queryset:
            for word in entry.query.split():
                if word.startswith("-") or word == "OR" or len(word) > 40:
                    continue
                _, created = UserDictionaryTerm.objects.get_or_create(term=word)
                added += created
        self.message_user(request, f"已加入 {added} 个词。", messages.SUCCESS)
