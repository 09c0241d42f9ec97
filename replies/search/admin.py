"""Admin for the search dictionary and the zero-result log (registered from replies.admin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from replies.oplog import audit_on_commit
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
        """Add the words of the chosen queries to the dictionary (negated words, OR and words
        over 40 characters left out). Each new term gets its admin history entry (as one added
        by hand, so the audit log names the user) and the action one audit record."""
        added: list[str] = []
        queries: list[str] = []
        for entry in queryset:
            queries.append(entry.query)
            for word in entry.query.split():
                if word.startswith("-") or word == "OR" or len(word) > 40:
                    continue
                term, created = UserDictionaryTerm.objects.get_or_create(term=word)
                if created:
                    added.append(word)
                    self.log_addition(request, term, f"从无结果检索“{entry.query}”加入")
        audit_on_commit(
            "dictionary.add_from_zero_results", request.user, terms=added, queries=queries
        )
        self.message_user(request, f"已加入 {len(added)} 个词。", messages.SUCCESS)
