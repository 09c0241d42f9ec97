"""Read-only JSON API over public replies, with the site's search and browse filters.

    GET /api/replies/?q=…&<filters>&sort=…&page=N&page_size=M   (page_size ≤ 100)
    GET /api/replies/<id>/      (ETag and Last-Modified; 304 on a matching conditional GET)
    GET /api/schema/            (OpenAPI 3.1, replies/openapi.py)   GET /api/ (the human page)

Only ``Reply.objects.public()`` is ever read. Errors are JSON with a 4xx status. Every GET
answer allows any origin (CORS); OPTIONS answers the preflight; other methods get a JSON 405.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition

from replies import exports, openapi, search
from replies.filters import ReplyFilter
from replies.models import Reply, attach_body_start
from replies.paging import result_window
from replies.ratelimit import rate_limited

app_name = "api"

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FILTER_PARAMS = (
    "council",
    "session",
    "year",
    "department",
    "sector",
    "proposer",
    "result",
    "kind",
    "date_from",
    "date_to",
    "number",
)


class ApiError(Exception):
    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(exc: ApiError) -> JsonResponse:
    return _json({"error": exc.message, **exc.details}, status=exc.status)


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"参数 {name} 必须是整数", parameter=name) from None
    if not low <= value <= high:
        raise ApiError(400, f"参数 {name} 必须在 {low} 到 {high} 之间", parameter=name)
    return value


def apply_filters(queryset: QuerySet, params: Any) -> QuerySet:
    """The browse page's filters (``replies.filters.ReplyFilter``); 400 for invalid values."""
    data = {k: params.get(k) for k in FILTER_PARAMS if params.get(k) not in (None, "")}
    if not data:
        return queryset
    filterset = ReplyFilter(data, queryset=queryset)
    if not filterset.is_valid():
        errors = {k: [str(e) for e in v] for k, v in filterset.errors.items()}
        raise ApiError(400, "筛选参数无效", errors=errors)
    return filterset.qs


def _session_fields(reply: Reply) -> dict[str, Any]:
    session = reply.session
    return {
        "council": session.council if session else None,
        "term": session.term if session else None,
        "session": session.number if session else None,
    }


def _summary(request: HttpRequest, reply: Reply, terms: list[str], score: Any) -> dict:
    snippets = search.snippets(reply.body_start, terms) if terms else []
    if terms and not snippets:
        snippets = [
            s
            for s in (search.snippets(reply.title, terms) or [])
            + (search.snippets(reply.proposal_title, terms) or [])
        ][:2]
    return {
        "id": reply.pk,
        "url": request.build_absolute_uri(reply.get_absolute_url()),
        "title": reply.title,
        **_session_fields(reply),
        "number": reply.number,
        "doc_kind": reply.doc_kind,
        "department": reply.department.name if reply.department else None,
        "sector": reply.sector.name if reply.sector else None,
        "date": reply.reply_date.isoformat() if reply.reply_date else None,
        "result_class": reply.result_class or None,
        "score": score,
        "snippets": [str(s) for s in snippets],
    }


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


ALLOW = "GET, HEAD, OPTIONS"


def _get_only(view):
    """GET/HEAD with CORS headers, OPTIONS as a CORS preflight, anything else a JSON 405.

    The API reads only and uses no cookie, so it is exempt from CSRF checks, which would
    answer a POST with an HTML 403 first."""

    @csrf_exempt
    @rate_limited("api")
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOW
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = _error(ApiError(405, "只支持 GET 请求"))
        else:
            response = view(request, *args, **kwargs)
        response["Allow"] = ALLOW
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response

    return wrapper


@_get_only
def reply_list(request: HttpRequest) -> JsonResponse:
    """Search and filter public replies; paginated."""
    try:
        page = _int_param(request, "page", 1, 1, 10**6)
        size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        sort = request.GET.get("sort") or "relevance"
        if sort not in search.SORTS:
            raise ApiError(400, f"sort 只能是 {'、'.join(search.SORTS)}", parameter="sort")
        base = apply_filters(Reply.objects.public(), request.GET)
        outcome = search.search(base, request.GET.get("q", ""), sort)
        ordered = outcome.results.select_related("session", "department", "sector").defer("body")
        count = ordered.count()
        last = max(1, -(-min(count, result_window()) // size))
        if page > last:
            if (page - 1) * size < count:
                raise ApiError(
                    400,
                    f"只能翻阅前 {result_window()} 件结果；请缩小检索范围，或用导出取全部结果",
                    parameter="page",
                    count=count,
                    pages=last,
                )
            raise ApiError(404, "页码超出范围", count=count, pages=last)
        rows = attach_body_start(ordered[(page - 1) * size : page * size])
    except ApiError as exc:
        return _error(exc)
    data = {
        "count": count,
        "next": _page_url(request, page + 1) if page < last else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": [_summary(request, r, outcome.terms, outcome.scores.get(r.pk)) for r in rows],
    }
    if outcome.parsed.notices:
        data["notice"] = outcome.notice
        data["literal"] = outcome.literal
    return _json(data)


def _updated_at(request: HttpRequest, pk: int):
    return Reply.objects.public().filter(pk=pk).values_list("updated_at", flat=True).first()


def _etag(request: HttpRequest, pk: int) -> str | None:
    updated = _updated_at(request, pk)
    return f"{pk}-{updated.timestamp():.6f}" if updated else None


@_get_only
@condition(etag_func=_etag, last_modified_func=_updated_at)
def reply_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """Every public field of one public reply."""
    reply = (
        Reply.objects.public()
        .select_related("session", "department", "sector")
        .prefetch_related("co_departments", "sections")
        .filter(pk=pk)
        .first()
    )
    if reply is None:
        return _error(ApiError(404, "没有这条公开的答复"))
    data = {
        **exports.record(reply, request.build_absolute_uri),
        "sections": exports.sections(reply),
    }
    return _json(data)


@_get_only
def schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description of this API."""
    return _json(openapi.document(request.build_absolute_uri("/")))


def docs(request: HttpRequest) -> HttpResponse:
    """The human page: what the API answers, with examples."""
    base = request.build_absolute_uri("/").rstrip("/")
    example = Reply.objects.public().order_by("-pk").values_list("pk", flat=True).first()
    return render(
        request,
        "replies/api.html",
        {"base": base, "example_id": example or 1, "filters": openapi.FILTERS},
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/."""
    return _error(ApiError(404, "没有这个接口"))


urlpatterns = [
    path("", docs, name="docs"),
    path("schema/", schema, name="schema"),
    path("replies/", reply_list, name="reply-list"),
    path("replies/<int:pk>/", reply_detail, name="reply-detail"),
    re_path(r"^(?P<rest>.*)$", not_found, name="not-found"),
]
