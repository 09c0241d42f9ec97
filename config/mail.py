"""Mail settings from the environment: ``EMAIL_URL`` (dj-email-url), else the usual Django
``EMAIL_*`` variables, else files under ``$ARCHIVE_DATA_DIR/mail/`` (one file per message, so
``make run`` works offline)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FROM = "政协提案答复库 <noreply@localhost>"
#: Variables read as they are when no EMAIL_URL is given (EMAIL_PORT and the flags converted).
PLAIN = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def mail_settings(environ: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """The EMAIL_* and DEFAULT_FROM_EMAIL settings for this environment."""
    values: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": environ.get("DEFAULT_FROM_EMAIL") or DEFAULT_FROM,
        "EMAIL_TIMEOUT": 30,
    }
    url = environ.get("EMAIL_URL", "").strip()
    if url:
        parsed = dj_email_url.parse(url)
        if "EMAIL_BACKEND" not in parsed:
            raise ImproperlyConfigured(
                f"EMAIL_URL：不认识的协议 {url.split(':', 1)[0]!r}"
                f"（可用 {', '.join(sorted(dj_email_url.SCHEMES))}）"
            )
        parsed["EMAIL_TIMEOUT"] = parsed.get("EMAIL_TIMEOUT") or 30
        values.update({k: v for k, v in parsed.items() if v is not None})
        return values
    if environ.get("EMAIL_HOST") or environ.get("EMAIL_BACKEND"):
        values.update({name: environ[name] for name in PLAIN if environ.get(name)})
        if environ.get("EMAIL_PORT"):
            try:
                values["EMAIL_PORT"] = int(environ["EMAIL_PORT"])
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"EMAIL_PORT 应是端口号，而不是 {environ['EMAIL_PORT']!r}"
                ) from exc
        for name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL"):
            if environ.get(name):
                values[name] = _flag(environ[name])
        return values
    values["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    values["EMAIL_FILE_PATH"] = str(data_dir / "mail")
    return values
