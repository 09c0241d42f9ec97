"""Public pages. Only Reply.objects.public() is ever shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from replies.models import Reply

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    replies = Reply.objects.public().select_related("session", "department")
    page = Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "replies/home.html", {"page": page, "total": page.paginator.count})


def reply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(
        Reply.objects.public().select_related("session", "department", "sector"), pk=pk
    )
    return render(request, "replies/detail.html", {"reply": reply})


def reply_source(request: HttpRequest, pk: int) -> FileResponse:
    reply = get_object_or_404(Reply.objects.public(), pk=pk)
    if not reply.source_file:
        raise Http404("没有原始文件")
    return FileResponse(
        reply.source_file.open("rb"), as_attachment=True, filename=reply.source_name or None
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
