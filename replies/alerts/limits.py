"""Sign-up limits: per client (the ``alert`` scope of replies.ratelimit, a 429 page) and per
address (a silent limit, so that the page says nothing about the address)."""

from __future__ import annotations

import hashlib
import logging

from django.db import DatabaseError

from replies.conf import archive_settings
from replies.ratelimit import hit

logger = logging.getLogger(__name__)


def address_allowed(email: str) -> bool:
    """Count one email to ``email``; False once it had ARCHIVE_RATE_ALERT_ADDRESS this window."""
    limit = archive_settings.ARCHIVE_RATE_ALERT_ADDRESS
    if not archive_settings.ARCHIVE_RATELIMIT_ENABLED or limit <= 0:
        return True
    key = hashlib.sha256(email.encode()).hexdigest()[:32]
    try:
        count, _ = hit("alert-address", key, archive_settings.ARCHIVE_ALERT_ADDRESS_WINDOW)
    except DatabaseError:
        logger.exception("address limit not counted")
        return True
    return count <= limit
