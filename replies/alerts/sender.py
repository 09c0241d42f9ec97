"""``send_alerts``: one digest per confirmed subscription that is owed replies.

Each subscription is handled in its own transaction that locks its row
(``SELECT … FOR UPDATE SKIP LOCKED``, so a second run at the same time passes it by) and
records every reply of the digest in ``AlertSent`` (unique per subscription and reply) before
the message leaves. A run interrupted after the commit loses that digest rather than sending
it twice; a message the mail server refuses has its records removed, so the next run retries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from replies.alerts import mail
from replies.alerts.digest import pending
from replies.alerts.models import AlertSent, Subscription
from replies.conf import archive_settings

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: int = 0
    replies: int = 0
    failed: int = 0
    skipped: int = 0


def _claim(subscription_id: int, dry_run: bool, report: Callable[[str], None]):
    """Lock the subscription, pick what it is owed and (unless dry) record it as sent.

    Returns (subscription, message, reply ids) or None when nothing is owed or another run
    holds the subscription.
    """
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(skip_locked=True)
            .filter(pk=subscription_id, active=True)
            .first()
        )
        if subscription is None:
            return None
        owed = list(pending(subscription))
        if not owed:
            return None
        shown = owed[: archive_settings.ARCHIVE_ALERT_DIGEST_MAX]
        message = mail.digest_message(subscription, shown, len(owed))
        if dry_run:
            report(f"{subscription.email}：{len(owed)} 件（{subscription.description}）")
            for reply in shown:
                report(f"  {reply.pk} {reply.display_title}")
            return None
        AlertSent.objects.bulk_create(
            [AlertSent(subscription=subscription, reply=reply) for reply in owed]
        )
        previous = subscription.last_sent_at
        subscription.last_sent_at = timezone.now()
        subscription.save(update_fields=["last_sent_at"])
    return subscription, message, [reply.pk for reply in owed], previous


def send_all(dry_run: bool = False, report: Callable[[str], None] = print) -> Outcome:
    """Send every digest that is owed; ``dry_run`` only reports them."""
    outcome = Outcome()
    ids = Subscription.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)
    for subscription_id in list(ids):
        try:
            claimed = _claim(subscription_id, dry_run, report)
        except IntegrityError:  # another run recorded the same replies first
            outcome.skipped += 1
            continue
        if claimed is None:
            continue
        subscription, message, reply_ids, previous = claimed
        try:
            message.send()
        except Exception:  # the server refused it: forget the records so the next run retries
            logger.exception("alert digest not sent", extra={"subscription": subscription.pk})
            AlertSent.objects.filter(subscription=subscription, reply_id__in=reply_ids).delete()
            Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=previous)
            outcome.failed += 1
            continue
        outcome.sent += 1
        outcome.replies += len(reply_ids)
    return outcome
