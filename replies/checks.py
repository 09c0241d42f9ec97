"""System checks for what a deployment must do by hand."""

from __future__ import annotations

from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Tags, Warning, register
from django.core.files.storage import storages


@register(Tags.staticfiles)
def static_manifest_collected(app_configs=None, **kwargs) -> list[Warning]:
    """With hashed static names (DEBUG off), every page needs the manifest collectstatic writes.

    Without it ``{% static %}`` raises and every page, the 404 page included, is a 500.
    """
    storage = storages[STATICFILES_STORAGE_ALIAS]
    if not isinstance(storage, ManifestFilesMixin) or storage.read_manifest() is not None:
        return []
    return [
        Warning(
            "静态文件清单不存在：DEBUG 关闭时页面会出错。",
            hint=(
                "运行 python manage.py collectstatic --noinput"
                f"（收集到 STATIC_ROOT = {settings.STATIC_ROOT}）。"
            ),
            id="replies.W001",
        )
    ]
