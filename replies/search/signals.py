"""Keep the search index current: every save of a reply (or of what its index holds) re-indexes.

Indexing runs when the surrounding transaction commits (``transaction.on_commit``), so a
reply saved together with its co-departments and sections in one transaction is indexed once,
complete. Bulk operations that bypass signals (``bulk_create``, ``QuerySet.update``) must call
``replies.search.index.index_replies(ids)`` themselves, or ``manage.py reindex``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_save,
)
from django.dispatch import receiver

from replies.models import Department, DepartmentAlias, Reply, Sector, Session
from replies.search import index
from replies.search.models import ReplySearch, UserDictionaryTerm


@receiver(post_save, sender=Reply, dispatch_uid="search_reply_saved")
def _reply_saved(sender, instance: Reply, raw: bool = False, **kwargs) -> None:
    if not raw:
        index.schedule([instance.pk])


@receiver(m2m_changed, sender=Reply.co_departments.through, dispatch_uid="search_codepts")
def _co_departments_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        index.schedule([instance.pk])
    elif pk_set:
        index.schedule(
            Reply.co_departments.through.objects.filter(department=instance).values_list(
                "reply_id", flat=True
            )
        )


def _related(field: str, pk: int) -> list[int]:
    return list(Reply.objects.filter(**{field: pk}).values_list("pk", flat=True))


@receiver(post_save, sender=Department, dispatch_uid="search_department_saved")
def _department_saved(
    sender, instance: Department, created: bool = False, raw: bool = False, **kwargs
) -> None:
    if not raw and not created:
        co = Reply.co_departments.through.objects.filter(department=instance)
        index.schedule(_related("department", instance.pk) + [c.reply_id for c in co])


@receiver(post_save, sender=DepartmentAlias, dispatch_uid="search_alias_saved")
@receiver(post_delete, sender=DepartmentAlias, dispatch_uid="search_alias_deleted")
def _alias_changed(sender, instance: DepartmentAlias, raw: bool = False, **kwargs) -> None:
    if not raw and instance.department_id:
        index.schedule(_related("department", instance.department_id))


@receiver(post_save, sender=Sector, dispatch_uid="search_sector_saved")
def _sector_saved(sender, instance: Sector, created: bool = False, raw: bool = False, **kw):
    if not raw and not created:
        index.schedule(_related("sector", instance.pk))


@receiver(post_save, sender=Session, dispatch_uid="search_session_saved")
def _session_saved(sender, instance: Session, created: bool = False, raw: bool = False, **kw):
    if not raw and not created:
        index.schedule(_related("session", instance.pk))


@receiver(pre_save, sender=UserDictionaryTerm, dispatch_uid="search_term_saving")
def _dictionary_term_saving(sender, instance: UserDictionaryTerm, raw: bool = False, **kwargs):
    """Remember the word an edit replaces: the replies holding it are re-indexed too."""
    old = None
    if not raw and instance.pk is not None:
        old = sender.objects.filter(pk=instance.pk).values_list("term", flat=True).first()
    instance._search_old_term = old


@receiver(post_save, sender=UserDictionaryTerm, dispatch_uid="search_term_saved")
@receiver(post_delete, sender=UserDictionaryTerm, dispatch_uid="search_term_deleted")
def _dictionary_changed(sender, instance: UserDictionaryTerm, raw: bool = False, **kwargs):
    if not raw:
        old = getattr(instance, "_search_old_term", None)
        terms = [instance.term] + ([old] if old and old != instance.term else [])
        index.dictionary_changed(*terms)


@receiver(post_migrate, dispatch_uid="search_after_migrate")
def _index_missing(sender, app_config=None, **kwargs) -> None:
    """After migrating, index public replies that have no entry yet (e.g. the first time)."""
    if app_config is None or app_config.label != "replies":
        return
    tables = set(connection.introspection.table_names())
    if not {ReplySearch._meta.db_table, UserDictionaryTerm._meta.db_table} <= tables:
        return  # migrated back to before the search tables
    missing = Reply.objects.public().filter(search_entry__isnull=True)
    index.index_replies(missing.values_list("pk", flat=True))
