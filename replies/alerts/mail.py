"""The alert emails: confirmation, manage link and digest, each in plain text and HTML.

Links start with ``ARCHIVE_SITE_URL`` (emails leave outside any request). Digests carry
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058 one-click) headers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from replies.alerts import digest, tokens
from replies.alerts.models import Subscription
from replies.conf import archive_settings
from replies.models import Reply


def site() -> str:
    return archive_settings.ARCHIVE_SITE_URL.rstrip("/")


def _message(
    to: str, subject: str, template: str, context: dict[str, Any], headers: dict | None = None
) -> EmailMultiAlternatives:
    context = {**context, "site": site()}
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {}
    )
    message.attach_alternative(html, "text/html")
    return message


def manage_path(email: str) -> str:
    """The site-relative address of the manage page of ``email`` (for pages of the site)."""
    return reverse("alerts:manage", kwargs={"token": tokens.manage_token(email)})


def manage_url(email: str) -> str:
    return site() + manage_path(email)


def unsubscribe_url(subscription: Subscription) -> str:
    token = tokens.unsubscribe_token(subscription.pk, subscription.email)
    return site() + reverse("alerts:unsubscribe", kwargs={"token": token})


def confirmation(email: str, params: dict[str, str], description: str) -> EmailMultiAlternatives:
    url = site() + reverse("alerts:confirm", kwargs={"token": tokens.confirm_token(email, params)})
    return _message(
        email,
        "请确认邮件订阅 · 政协提案答复库",
        "confirm",
        {
            "url": url,
            "description": description,
            "hours": archive_settings.ARCHIVE_ALERT_CONFIRM_HOURS,
        },
    )


def manage_link(email: str) -> EmailMultiAlternatives:
    return _message(
        email,
        "管理您的邮件订阅 · 政协提案答复库",
        "manage",
        {"url": manage_url(email), "days": archive_settings.ARCHIVE_ALERT_MANAGE_DAYS},
    )


def digest_message(
    subscription: Subscription, replies: list[Reply], total: int
) -> EmailMultiAlternatives:
    """One digest: ``replies`` (the first of ``total`` owed), with links to read them all."""
    unsubscribe = unsubscribe_url(subscription)
    items = [digest.item(reply, site()) for reply in replies]
    return _message(
        subscription.email,
        f"{total} 件新答复：{Truncator(subscription.description).chars(40)} · 政协提案答复库",
        "digest",
        {
            "subscription": subscription,
            "items": items,
            "has_sample": any(i.sample for i in items),
            "total": total,
            "more": total - len(replies),
            "search_url": digest.search_link(subscription, site()),
            "unsubscribe_url": unsubscribe,
            "manage_url": manage_url(subscription.email),
            "days": archive_settings.ARCHIVE_ALERT_MANAGE_DAYS,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
