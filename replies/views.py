"""Public pages, thin: request → filters/search → template. Only public replies are shown."""

from __future__ import annotations

from urllib.parse import unquote

from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from replies import browse
from replies.filters import clean_param
from replies.models import Department, NamedModel, Reply, Sector, Session


def _public_replies():
    return Reply.objects.public().select_related("session", "department", "sector")


def home(request: HttpRequest) -> HttpResponse:
    listing = browse.build_listing(request.GET, path=request.path)
    return render(request, "replies/home.html", {"listing": listing})


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


def _named(request: HttpRequest, model: type[NamedModel], slug: str, view: str):
    """The department or sector of ``slug``; a 301 to its page when ``slug`` is a former one."""
    record, current = model.by_slug(slug)
    if record is None:
        raise Http404("没有这个页面")
    if not current:
        target = reverse(f"replies:{view}", kwargs={"slug": record.slug})
        return None, _redirect_keeping_query(request, target, permanent=True)
    return record, None


def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    department, moved = _named(request, Department, slug, "department")
    if moved is not None:
        return moved
    co = Reply.co_departments.through.objects.filter(department=department).values("reply_id")
    return _entity_page(
        request,
        "replies/department.html",
        {"department": slug},
        Q(department=department) | Q(pk__in=co),
        department=department,
    )


def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector, moved = _named(request, Sector, slug, "sector")
    if moved is not None:
        return moved
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
    found = _public_replies().filter(
        session__council_slug=council,
        session__term=term,
        session__number=session,
        number=number,
        doc_kind=kind,
    )
    reply = found.filter(department__slug=department).order_by("pk").first()
    if reply is None:
        # A link made before its unit was renamed or merged: 301 to the current one.
        former, _current = Department.by_slug(department)
        moved = found.filter(department=former).order_by("pk").first() if former else None
        if moved is None:
            raise Http404("没有这件答复")
        return _redirect_keeping_query(request, browse.permalink(moved), permanent=True)
    target = browse.permalink(reply)
    if unquote(target) != request.path:
        return _redirect_keeping_query(request, target)
    return _render_reply(request, reply)


def _redirect_keeping_query(
    request: HttpRequest, target: str, permanent: bool = False
) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(target + ("?" + query if query else ""), permanent=permanent)


def _render_reply(request: HttpRequest, reply: Reply) -> HttpResponse:
    context = browse.reply_page(reply, clean_param(request.GET.get("q", "")))
    return render(request, "replies/detail.html", context)


def reply_source(request: HttpRequest, pk: int) -> FileResponse:
    reply = get_object_or_404(Reply.objects.public(), pk=pk)
    if not reply.source_file:
        raise Http404("没有原始文件")
    return FileResponse(
        reply.source_file.open("rb"), as_attachment=True, filename=reply.source_name or None
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
