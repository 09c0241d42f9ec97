"""Who is asking: the client address that login throttling and rate limits count by.

Behind ``ARCHIVE_TRUSTED_PROXIES`` reverse proxies, each of which appends the address it was
reached from to ``X-Forwarded-For``, the client is the entry that many places from the right;
whatever a client wrote further left is its own claim and never trusted. With no proxy
(the default) the socket's address is the client's and ``X-Forwarded-For`` is ignored.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from replies.conf import archive_settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request has none (a test's force_login)."""
    trusted = archive_settings.ARCHIVE_TRUSTED_PROXIES
    if trusted > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted and (forwarded := _address(hops[-trusted])):
            return forwarded
    return _address(request.META.get("REMOTE_ADDR") or "")
