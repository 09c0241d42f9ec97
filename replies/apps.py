from django.apps import AppConfig


class RepliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "replies"
    verbose_name = "提案答复"

    def ready(self) -> None:
        from replies import (
            checks,  # noqa: F401  (system checks)
            dblog,  # noqa: F401  (slow-query logging)
            oplog,  # noqa: F401  (admin history to the audit log)
        )
        from replies.search import signals  # noqa: F401  (keeps the search index current)
