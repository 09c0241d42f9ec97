"""Signed links (django.core.signing): confirm a sign-up, unsubscribe, manage an address.

A confirmation carries the whole request (address and conditions), so nothing is stored
before the owner of the address confirms. Confirm and manage links expire; an unsubscribe
link lasts as long as its subscription.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

from replies.conf import archive_settings

CONFIRM = "replies.alerts.confirm"
UNSUBSCRIBE = "replies.alerts.unsubscribe"
MANAGE = "replies.alerts.manage"


class BadLink(Exception):
    """A link that was forged, altered or has expired; the message says which, in Chinese."""


def _load(token: str, salt: str, max_age: float | None) -> Any:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise BadLink("链接已过期，请重新提交。") from exc
    except signing.BadSignature as exc:
        raise BadLink("链接无效：它可能不完整或被改动过。") from exc


def confirm_token(email: str, params: dict[str, str]) -> str:
    return signing.dumps({"e": email, "p": params}, salt=CONFIRM, compress=True)


def read_confirm(token: str) -> tuple[str, dict[str, str]]:
    """(address, conditions) of a confirmation link younger than ARCHIVE_ALERT_CONFIRM_HOURS."""
    data = _load(token, CONFIRM, archive_settings.ARCHIVE_ALERT_CONFIRM_HOURS * 3600)
    if not isinstance(data, dict) or not isinstance(data.get("p"), dict):
        raise BadLink("链接无效：它可能不完整或被改动过。")
    return str(data["e"]), {str(k): str(v) for k, v in data["p"].items()}


def unsubscribe_token(subscription_id: int, email: str) -> str:
    return signing.dumps({"s": subscription_id, "e": email}, salt=UNSUBSCRIBE)


def read_unsubscribe(token: str) -> tuple[int, str]:
    data = _load(token, UNSUBSCRIBE, None)
    if not isinstance(data, dict):
        raise BadLink("链接无效：它可能不完整或被改动过。")
    return int(data["s"]), str(data["e"])


def manage_token(email: str) -> str:
    return signing.dumps(email, salt=MANAGE)


def read_manage(token: str) -> str:
    """The address of a manage link younger than ARCHIVE_ALERT_MANAGE_DAYS."""
    return str(_load(token, MANAGE, archive_settings.ARCHIVE_ALERT_MANAGE_DAYS * 86400))
