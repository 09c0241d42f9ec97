"""Public pages, thin: request → filters/search → template. Only public replies are shown."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote

from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from replies import browse, exports, figures, proposals
from replies.filters import clean_param
from replies.models import Department, NamedModel, Reply, Sector, Session
from replies.ratelimit import rate_limited


def _public_replies():
    return Reply.objects.public().select_related("session", "department", "sector")


@rate_limited("search")
def home(request: HttpRequest) -> HttpResponse:
    listing = browse.build_listing(request.GET, path=request.path)
    return render(request, "replies/home.html", {"listing": listing})


@rate_limited("search")
def stats(request: HttpRequest) -> HttpResponse:
    """Figures of the public replies under the search page's query and filters."""
    state, filterset, found = browse.matching(request.GET)
    return render(
        request,
        "replies/stats.html",
        {
            "figures": figures.figures(found, lambda **c: browse.search_url(state, **c)),
            "conditions": browse.describe(state, filterset),
            "search_url": browse.search_url(state),
            "exports": browse.export_urls(state),
        },
    )


@rate_limited("search")
def _entity_page(
    request: HttpRequest, template: str, fixed: dict[str, str], scope: Q, **context
) -> HttpResponse:
    public = Reply.objects.public()
    total, shares = browse.class_shares(public.filter(scope))
    if not total:
        raise Http404("没有公开的答复")
    listing = browse.build_listing(request.GET, path=request.path, fixed=fixed)
    figures_of_scope = figures.figures(
        public.filter(scope), lambda **c: browse.search_url(fixed, **c)
    )
    return render(
        request,
        template,
        {
            "listing": listing,
            "total": total,
            "shares": shares,
            "figures": figures_of_scope,
            **context,
        },
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


def proposal_detail(
    request: HttpRequest, council: str, term: int, session: int, number: str
) -> HttpResponse:
    """Every public reply to one proposal, lead and co-handling units with their roles."""
    context = proposals.proposal_page(council, term, session, number)
    if context is None:
        raise Http404("没有这件提案的公开答复")
    return render(request, "replies/proposal.html", context)


def _redirect_keeping_query(
    request: HttpRequest, target: str, permanent: bool = False
) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(target + ("?" + query if query else ""), permanent=permanent)


def _render_reply(request: HttpRequest, reply: Reply) -> HttpResponse:
    context = browse.reply_page(
        reply, clean_param(request.GET.get("q", "")), request.GET.get("part", 1)
    )
    site = f"{request.scheme}://{request.get_host()}"
    context["absolute_url"] = site + context["permalink"]
    context["citation"] = browse.citation(reply, site + context["permalink_display"])
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


def _export(request: HttpRequest, lines, content_type: str, suffix: str) -> StreamingHttpResponse:
    """Every public reply of the listing's query and filters, streamed (never held in memory)."""
    _, _, found = browse.matching(request.GET)
    response = StreamingHttpResponse(
        lines(exports.rows(found), request.build_absolute_uri), content_type=content_type
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="replies-{stamp}.{suffix}"'
    return response


@rate_limited("export")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, exports.csv_lines, "text/csv; charset=utf-8", "csv")


@rate_limited("export")
def export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, exports.jsonl_lines, "application/jsonl; charset=utf-8", "jsonl")


def open_data(request: HttpRequest) -> HttpResponse:
    """The open-data page: the latest package, the exports and the fields."""
    package = exports.latest_package()
    return render(
        request,
        "replies/open_data.html",
        {
            "package": package,
            "package_size": package.stat().st_size if package else 0,
            "fields": [*exports.FIELDS, *exports.LINKS],
            "exports": browse.export_urls({}),
        },
    )


def open_data_latest(request: HttpRequest) -> FileResponse:
    package = exports.latest_package()
    if package is None:
        raise Http404("还没有生成开放数据包")
    return FileResponse(package.open("rb"), as_attachment=True, filename=package.name)


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /export.",
        "Disallow: /alerts/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
