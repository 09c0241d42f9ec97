"""Who did what: one ``replies.audit`` log record (a JSON line in production, see
``replies.dblog.JsonFormatter``) per ingested file, admin import, admin edit and curation
action, naming the user.

``event`` says what happened and ``user`` who did it: the admin user's name, or
``system:<OS user>`` for a management command (``ingest``) or another caller without a user.
Actions are logged when their transaction commits, so a refused or rolled-back change is
never reported as done. Admin edits arrive through the admin's own history (``LogEntry``).
"""

from __future__ import annotations

import getpass
import logging
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

logger = logging.getLogger("replies.audit")

_ADMIN_EVENTS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def user_name(user: Any) -> str:
    """The user's login name; ``system:<OS user>`` without one, ``anonymous`` when not logged in."""
    if user is None:
        try:
            return f"system:{getpass.getuser()}"
        except (KeyError, OSError):
            return "system"
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    return user.get_username()


def audit(event: str, user: Any, **fields: Any) -> None:
    """Log ``event`` by ``user`` now, with ``fields`` as JSON keys."""
    logger.info(event, extra={"event": event, "user": user_name(user), **fields})


def audit_on_commit(event: str, user: Any, **fields: Any) -> None:
    """Log ``event`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: audit(event, user, **fields))


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def _admin_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    audit_on_commit(
        _ADMIN_EVENTS.get(instance.action_flag, "admin.other"),
        instance.user,
        model=instance.content_type.model if instance.content_type_id else "",
        object_id=instance.object_id,
        object_repr=instance.object_repr,
        change=instance.get_change_message(),
    )
