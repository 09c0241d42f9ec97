"""Limits and headers every response gets: request size limits, Permissions-Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from replies.conf import archive_settings


def _too_large(request: HttpRequest, message: str, status: int = 413) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")


class RequestLimitsMiddleware:
    """A 413 for a body over the limit of its part of the site, by its Content-Length, before
    anything reads it. (Long query strings are shortened by the search itself; gunicorn caps
    the request line at 8190 bytes.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = (
            archive_settings.ARCHIVE_MAX_ADMIN_REQUEST_BYTES
            if request.path.startswith("/admin/")
            else archive_settings.ARCHIVE_MAX_PUBLIC_REQUEST_BYTES
        )
        if length > limit:
            return _too_large(request, "请求内容过大。")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` from settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
