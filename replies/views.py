"""Public pages, thin: request → filters/search → template. Only public replies are shown."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote

from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from replies import browse
from replies.filters import clean_param
from replies.models import Department, Reply, Sector, Session
from replies.ratelimit import rate_limited


def _public_replies():
    return Reply.objects.public().select_related("session", "department", "sector")


@rate_limited("search")
def home(request: HttpRequest) -> HttpResponse:
    listing = browse.build_listing(request.GET, path=request.path)
    return render(request, "replies/home.html", {"listing": listing})


@rate_limited("search")
def _entity_page(
    request: HttpRequest, template: str, fixed: dict[str, str], scope: Q, **context
) -> HttpResponse:
    public = Reply.objects.public()
    total, shares = browse.class_shares(public.filter(scope))
    if not total:
        raise Http404("没有公开的答复")
    listing = browse.build_listing(request.GET, path=request.path, fixed=fixed)
    return render(
        request, template, {"listing": listing, "total": total, "shares": shares, **context}
    )


def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    department = get_object_or_404(Department.objects.prefetch_related("aliases"), slug=slug)
    co = Reply.co_departments.through.objects.filter(department=department).values("reply_id")
    return _entity_page(
        request,
        "replies/department.html",
        {"department": slug},
        Q(department=department) | Q(pk__in=co),
        department=department,
    )


def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector, slug=slug)
    return _entity_page(
        request, "replies/sector.html", {"sector": slug}, Q(sector=sector), sector=sector
    )


def session_detail(request: HttpRequest, council: str, term: int, number: int) -> HttpResponse:
    session = Session.objects.filter(council_slug=council, term=term, number=number).first()
    if session is None:
        raise Http404("没有这次会议")
    return _entity_page(
        request,
        "replies/session.html",
        {"session": str(session.pk)},
        Q(session=session),
        session=session,
    )


def directory(request: HttpRequest) -> HttpResponse:
    """Sessions, departments and sectors that have public replies, with their counts."""
    return render(request, "replies/directory.html", browse.directory())


def reply_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The id address: redirects to the readable permalink, keeping the query string."""
    reply = get_object_or_404(_public_replies(), pk=pk)
    target = browse.permalink(reply)
    if unquote(target) != request.path:
        return _redirect_keeping_query(request, target)
    return _render_reply(request, reply)


def reply_detail(
    request: HttpRequest,
    council: str,
    term: int,
    session: int,
    number: str,
    department: str,
    kind: str = "答复",
) -> HttpResponse:
    reply = (
        _public_replies()
        .filter(
            session__council_slug=council,
            session__term=term,
            session__number=session,
            number=number,
            department__slug=department,
            doc_kind=kind,
        )
        .order_by("pk")
        .first()
    )
    if reply is None:
        raise Http404("没有这件答复")
    target = browse.permalink(reply)
    if unquote(target) != request.path:
        return _redirect_keeping_query(request, target)
    return _render_reply(request, reply)


def _redirect_keeping_query(request: HttpRequest, target: str) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(target + ("?" + query if query else ""))


def _render_reply(request: HttpRequest, reply: Reply) -> HttpResponse:
    context = browse.reply_page(reply, clean_param(request.GET.get("q", "")))
    return render(request, "replies/detail.html", context)


#: Content types a source file may be served with, by suffix; anything else (HTML above all,
#: which would run in the site's origin if a browser rendered it) is an opaque download.
SOURCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".txt": "text/plain",
}


def reply_source(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded original, always as an attachment that no browser runs: a safe content
    type, ``nosniff``, and ``Content-Security-Policy: sandbox`` should it be opened anyway."""
    reply = get_object_or_404(Reply.objects.public(), pk=pk)
    if not reply.source_file:
        raise Http404("没有原始文件")
    name = reply.source_name or PurePosixPath(reply.source_file.name).name
    response = FileResponse(reply.source_file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = SOURCE_TYPES.get(
        PurePosixPath(name).suffix.lower(), "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
