"""Browse pages as plain data: the search listing (facets, chips, pages) and the reply page.

Views stay thin: they hand the GET parameters (and a fixed scope for department, sector and
session pages) to :func:`build_listing`, and a reply to :func:`reply_page`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.safestring import SafeString

from replies import search
from replies.filters import (
    FACETS,
    RANGE_FILTERS,
    Facet,
    ReplyFilter,
    clean_param,
    facet_counts,
    label_for,
)
from replies.ingest.numerals import to_chinese
from replies.models import DocKind, Reply, ResultClass, Session, attach_body_start
from replies.paging import WindowPaginator, window_notice
from replies.search.cache import cached

PAGE_SIZE = 20
#: Facet options shown before the rest fold into "更多".
FACET_VISIBLE = 8
SORTS = {"relevance": "相关度", "newest": "最新", "oldest": "最早", "number": "提案号"}
STATE_KEYS = ("q", *FACETS, *RANGE_FILTERS, "sort")
KIND_SUFFIXES = {DocKind.LETTER.value, DocKind.CO_OPINION.value}


def _proposal_kwargs(reply: Reply) -> dict[str, Any] | None:
    """The URL parts naming the reply's proposal; None when the session or number is unknown."""
    session = reply.session
    if session is None or not reply.number or "/" in reply.number:
        return None
    return {
        "council": session.council_slug,
        "term": session.term,
        "session": session.number,
        "number": reply.number,
    }


def permalink(reply: Reply) -> str:
    """The reply's readable, stable address; ``/replies/<id>/`` when a part is missing."""
    proposal = _proposal_kwargs(reply)
    if proposal is None or reply.department is None:
        return reverse("replies:detail", kwargs={"pk": reply.pk})
    kwargs = {**proposal, "department": reply.department.slug}
    if reply.doc_kind in KIND_SUFFIXES:
        return reverse("replies:permalink_kind", kwargs={**kwargs, "kind": reply.doc_kind})
    return reverse("replies:permalink", kwargs=kwargs)


def proposal_url(reply: Reply) -> str:
    """The page of the reply's proposal (all its public replies); "" without session or number."""
    proposal = _proposal_kwargs(reply)
    return reverse("replies:proposal", kwargs=proposal) if proposal else ""


def session_url(session: Any) -> str:
    return reverse(
        "replies:session",
        kwargs={"council": session.council_slug, "term": session.term, "number": session.number},
    )


def with_links(replies: list[Reply], q: str = "") -> list[Reply]:
    """Give each reply a ``link`` attribute (its permalink, carrying the query if any)."""
    suffix = "?" + urlencode({"q": q}) if q else ""
    for reply in replies:
        reply.link = permalink(reply) + suffix
    return replies


# ---------------------------------------------------------------- listing


@dataclass
class Chip:
    name: str
    label: str
    value: str
    url: str


@dataclass
class Suggestion:
    chip: Chip
    count: int


@dataclass
class SortOption:
    key: str
    label: str
    url: str
    current: bool


@dataclass
class Listing:
    q: str
    sort: str
    sorts: list[SortOption]
    page: Page
    page_links: list[tuple[int | None, str]]
    facets: list[Facet]
    chips: list[Chip]
    clear_url: str
    notices: list[str]
    suggestions: list[Suggestion] = field(default_factory=list)
    state: dict[str, str] = field(default_factory=dict)
    path: str = "/"
    #: The Atom feed of the same query and filters (fixed ones included), newest first.
    feed_url: str = ""
    #: The CSV and JSON Lines exports of the same query and filters.
    exports: dict[str, str] = field(default_factory=dict)
    #: The query and filters (fixed ones included, no page or sort) an email alert follows.
    follow_state: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def _hidden(self, *skip: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.state.items() if k not in skip and k != "page"]

    @property
    def hidden_for_search(self) -> list[tuple[str, str]]:
        """State the search form carries along (everything but the query)."""
        return self._hidden("q")

    @property
    def hidden_for_ranges(self) -> list[tuple[str, str]]:
        """State the date/number form carries along."""
        return self._hidden("date_from", "date_to", "number")

    @property
    def previous_url(self) -> str:
        page = self.page
        number = page.previous_page_number()
        return _url(self.path, self.state, page=str(number) if number > 1 else None)

    @property
    def next_url(self) -> str:
        return _url(self.path, self.state, page=str(self.page.next_page_number()))


def _state(params: QueryDict) -> dict[str, str]:
    state = {}
    for key in (*STATE_KEYS, "page"):
        value = clean_param(params.get(key, ""))
        value = " ".join(value.split()) if key == "q" else value
        if value.strip():
            state[key] = value.strip() if key != "q" else value
    return state


def _url(path: str, state: dict[str, str], **changes: str | None) -> str:
    """The listing URL for ``state`` with ``changes`` (None removes); any change resets the page."""
    new = {k: v for k, v in state.items() if k != "page" or "page" in changes}
    for key, value in changes.items():
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    return path + "?" + urlencode(new) if new else path


def search_url(state: dict[str, str], **changes: Any) -> str:
    """The search page for ``state`` with ``changes`` (None removes), without page or sort."""
    kept = {k: v for k, v in state.items() if k not in FEED_IGNORES}
    changed = {k: None if v is None else str(v) for k, v in changes.items()}
    return _url(reverse("replies:home"), kept, **changed)


def _page_links(path: str, page: Page, state: dict[str, str]) -> list[tuple[int | None, str]]:
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [
        (n, _url(path, state, page=str(n))) if isinstance(n, int) else (None, "") for n in numbers
    ]


def build_listing(
    params: QueryDict,
    *,
    path: str = "/",
    fixed: dict[str, str] | None = None,
    base: QuerySet | None = None,
) -> Listing:
    """Everything the listing template shows, from the GET parameters.

    ``fixed`` pins filters (e.g. ``{"department": slug}`` on a department page); they are
    neither shown as facets nor as removable chips.
    """
    fixed = fixed or {}
    path = iri_to_uri(path)
    state = {k: v for k, v in _state(params).items() if k not in fixed}
    public = base if base is not None else Reply.objects.public()
    filterset = ReplyFilter({**state, **fixed}, queryset=public)
    notices = []
    filterset.active()
    if any(k in filterset.form.errors for k in state):
        notices.append("部分筛选条件无效，已忽略。")

    q = state.get("q", "")
    sort = state.get("sort", "")
    if sort not in SORTS or (sort == "relevance" and not q):
        sort = "relevance" if q else "newest"
    outcome = search.search(filterset.filter_except(public), q, sort)
    search.record_zero_result(outcome)
    if outcome.notice:
        notices.append(outcome.notice)

    results = outcome.results.select_related("session", "department").defer("body")
    page = WindowPaginator(results, PAGE_SIZE).get_page(state.get("page"))
    if notice := window_notice(page.paginator.count):
        notices.append(notice)
    replies = with_links(list(page.object_list), q)
    if q:
        attach_body_start(replies)
    for reply in replies:
        reply.title_html, _ = search.mark(reply.proposal_title or reply.title, outcome.terms)
        reply.snippets = search.snippets(reply.body_start, outcome.terms) if q else []
    page.object_list = replies

    names = tuple(name for name in FACETS if name not in fixed)
    facets = cached(
        (
            "facets",
            sorted((k, v) for k, v in {**state, **fixed}.items() if k not in ("page", "sort")),
            names,
            str(public.query) if base is not None else "",
        ),
        lambda: facet_counts(filterset, narrow=lambda qs: search.narrow(qs, q), names=names),
    )
    for facet in facets:
        for option in facet.options:
            option.url = _url(
                path, state, **{facet.name: None if option.selected else option.value}
            )
        facet.options.sort(key=lambda o: not o.selected)

    chips = _chips(path, filterset, state, facets, fixed)
    listing = Listing(
        q=q,
        sort=sort,
        sorts=[
            SortOption(key, label, _url(path, state, sort=key), key == sort)
            for key, label in SORTS.items()
            if key != "relevance" or q
        ],
        page=page,
        page_links=_page_links(path, page, state),
        facets=facets,
        chips=chips,
        clear_url=path,
        notices=notices,
        state=state,
        path=path,
        feed_url=feed_url({**state, **fixed}),
        exports=export_urls({**state, **fixed}),
        follow_state={k: v for k, v in {**state, **fixed}.items() if k not in FEED_IGNORES},
    )
    if page.paginator.count == 0:
        listing.suggestions = _suggestions(filterset, public, q, chips)
    return listing


def _chips(
    path: str,
    filterset: ReplyFilter,
    state: dict[str, str],
    facets: list[Facet],
    fixed: dict[str, str],
) -> list[Chip]:
    """The removable chips of the active query and filters (not the fixed ones)."""
    labels = {f.name: (f.label, f.selected.label) for f in facets if f.selected}
    chips = []
    if state.get("q"):
        chips.append(Chip("q", "关键词", state["q"], _url(path, state, q=None)))
    active = filterset.active()
    for name in (*FACETS, *RANGE_FILTERS):
        if name in fixed or name not in active:
            continue
        if name in labels:
            label, value = labels[name]
        else:
            label, value = str(filterset.filters[name].label), label_for(name, active[name])
        chips.append(Chip(name, label, value, _url(path, state, **{name: None})))
    return chips


def _suggestions(
    filterset: ReplyFilter, public: QuerySet, q: str, chips: list[Chip]
) -> list[Suggestion]:
    """For an empty result: the conditions whose removal alone would find something."""
    suggestions = []
    for chip in chips:
        if chip.name == "q":
            found = filterset.filter_except(public)
        else:
            found = search.narrow(filterset.filter_except(public, skip=chip.name), q)
        count = found.count()
        if count:
            suggestions.append(Suggestion(chip, count))
    return suggestions


# ---------------------------------------------------------------- feed

FEED_SIZE = 50
#: Listing parameters a feed ignores (it is always the newest first, one page).
FEED_IGNORES = ("page", "sort")
SAMPLE_NOTE = "示例数据"
#: Characters of the first lines shown in an entry's summary (without a query).
FEED_EXCERPT = 200
#: Characters of a body on one reply page; a longer body is shown in parts (``?part=``).
BODY_PART_CHARS = 50_000


def feed_url(state: dict[str, str]) -> str:
    """The feed address for a listing state (query and filters; no page, no sort)."""
    return _url(reverse("replies:feed"), {k: v for k, v in state.items() if k not in FEED_IGNORES})


def export_urls(state: dict[str, str]) -> dict[str, str]:
    """The CSV and JSON Lines exports and the figures (``stats``) of a listing state (query
    and filters, every page)."""
    kept = {k: v for k, v in state.items() if k not in FEED_IGNORES}
    urls = {fmt: _url(reverse(f"replies:export_{fmt}"), kept) for fmt in ("csv", "jsonl")}
    return {**urls, "stats": _url(reverse("replies:stats"), kept)}


def matching(
    params: QueryDict, fixed: dict[str, str] | None = None
) -> tuple[dict[str, str], ReplyFilter, QuerySet]:
    """The public replies a listing with these GET parameters holds, unordered (invalid
    filters ignored, as on the page), with the listing state and its filterset."""
    state = {k: v for k, v in _state(params).items() if k not in FEED_IGNORES}
    public = Reply.objects.public()
    filterset = ReplyFilter({**state, **(fixed or {})}, queryset=public)
    found = search.narrow(filterset.filter_except(public), state.get("q", ""))
    return state, filterset, found


@dataclass
class FeedEntry:
    reply: Reply
    title: str
    link: str
    summary: SafeString


@dataclass
class FeedData:
    title: str
    subtitle: str
    #: The listing page with the same query and filters.
    link: str
    url: str
    entries: list[FeedEntry]


def _feed_title(reply: Reply) -> str:
    """As the reply page's title: the proposal, then who answered how (答复/会办意见 …)."""
    sample = f"［{SAMPLE_NOTE}］" if reply.is_sample else ""
    by = f"{reply.department or ''}{reply.doc_kind}"
    return f"{sample}{reply.proposal_title or reply.title} · {by}"


def _chinese_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def reply_meta(reply: Reply) -> list[str]:
    """Where the reply comes from: session, number, unit, kind and date (those known)."""
    return [
        str(part)
        for part in (
            reply.session,
            f"第{reply.number}号" if reply.number else "",
            reply.department,
            reply.doc_kind,
            _chinese_date(reply.reply_date) if reply.reply_date else "",
        )
        if part
    ]


def _feed_summary(reply: Reply, terms: list[str]) -> SafeString:
    """Escaped HTML: where the reply comes from, then hits in context or its first lines."""
    meta = reply_meta(reply)
    parts = [f"<p>{escape(' · '.join(meta))}</p>"]
    if reply.is_sample:
        parts.append(f"<p>［{SAMPLE_NOTE}］虚构的演示内容，不是真实公文。</p>")
    excerpts = search.snippets(reply.body_start, terms) if terms else []
    if not excerpts:
        lines = [line.strip() for line in reply.body_start.splitlines() if line.strip()][:2]
        text = "\n".join(lines)
        excerpts = [escape(text[:FEED_EXCERPT] + ("…" if len(text) > FEED_EXCERPT else ""))]
    parts.extend(f"<p>{excerpt}</p>" for excerpt in excerpts)
    return SafeString("".join(parts))  # every piece escaped above or by the highlighter


def describe(state: dict[str, str], filterset: ReplyFilter) -> list[str]:
    """The query and active filters in words: “养老”, 承办或会办单位：长宁区民政局 …"""
    q = state.get("q", "")
    conditions = [f"“{q}”"] if q else []
    for name, value in filterset.active().items():
        conditions.append(f"{filterset.filters[name].label}：{label_for(name, value)}")
    return conditions


def build_feed(params: QueryDict) -> FeedData:
    """The newest public replies for the listing's query and filters (invalid ones ignored)."""
    state = {k: v for k, v in _state(params).items() if k not in FEED_IGNORES}
    public = Reply.objects.public()
    filterset = ReplyFilter(state, queryset=public)
    q = state.get("q", "")
    outcome = search.search(filterset.filter_except(public), q, "newest")
    replies = attach_body_start(
        outcome.results.select_related("session", "department").defer("body")[:FEED_SIZE]
    )
    conditions = describe(state, filterset)
    title = "政协提案答复库 · 最新答复" + (f"（{'，'.join(conditions)}）" if conditions else "")
    return FeedData(
        title=title,
        subtitle=f"符合条件的最新 {FEED_SIZE} 件公开答复，按答复日期从新到旧。",
        link=_url(reverse("replies:home"), state),
        url=feed_url(state),
        entries=[
            FeedEntry(
                reply=reply,
                title=_feed_title(reply),
                link=permalink(reply),
                summary=_feed_summary(reply, outcome.terms),
            )
            for reply in replies
        ],
    )


# ---------------------------------------------------------------- entity pages


@dataclass
class ClassShare:
    key: str
    label: str
    count: int
    percent: int


def class_shares(queryset: QuerySet) -> tuple[int, list[ClassShare]]:
    """The total and the share of each result class (plus unclassified) in one query."""
    counts = dict(
        queryset.order_by()
        .values_list("result_class")
        .annotate(n=Count("pk"))
        .values_list("result_class", "n")
    )
    total = sum(counts.values())
    rows = [(value, label) for value, label in ResultClass.choices] + [("", "未分类")]
    shares = [
        ClassShare(value.lower() or "none", label, counts.get(value, 0), 0)
        for value, label in rows
        if counts.get(value, 0) or value
    ]
    for share in shares:
        share.percent = round(100 * share.count / total) if total else 0
    return total, shares


def directory() -> dict[str, Any]:
    """Sessions, departments and sectors with public replies, with their counts."""
    public = Reply.objects.public()
    facets = {
        f.name: f
        for f in facet_counts(
            ReplyFilter({}, queryset=public),
            names=("session", "department", "sector"),
            every=True,
        )
    }
    counts = {int(o.value): o.count for o in facets["session"].options}
    sessions = list(Session.objects.filter(pk__in=counts))
    for session in sessions:
        session.count, session.url = counts[session.pk], session_url(session)
    sessions.sort(key=lambda s: (s.council, -s.term, -s.number))
    for name in ("department", "sector"):
        for option in facets[name].options:
            option.url = reverse(f"replies:{name}", kwargs={"slug": option.value})
    return {
        "sessions": sessions,
        "departments": facets["department"].options,
        "sectors": facets["sector"].options,
    }


# ---------------------------------------------------------------- reply page

_NUMERAL_PREFIX = re.compile(r"^[一二三四五六七八九十百]+\s*[、.．]\s*")


@dataclass
class Block:
    """One piece of the reply body: a section heading or a paragraph."""

    kind: str
    html: SafeString
    anchor: str = ""
    #: Plain text of a heading, for links that point at it.
    text: str = ""


@dataclass
class TocEntry:
    anchor: str
    number: int
    heading: str

    @property
    def label(self) -> str:
        return f"{to_chinese(self.number)}、{self.heading}"


def _heading_split(line: str, heading: str) -> tuple[str, str] | None:
    """If ``line`` opens with the section heading, split it into (heading part, rest)."""
    compact = "".join(heading.split())
    if not compact:
        return None
    prefix = _NUMERAL_PREFIX.match(line)
    start = prefix.end() if prefix else 0
    rest = line[start:]
    consumed, i = 0, 0
    while i < len(rest) and consumed < len(compact):
        if rest[i].isspace():
            i += 1
            continue
        if rest[i] != compact[consumed]:
            return None
        consumed, i = consumed + 1, i + 1
    if consumed < len(compact):
        return None
    return line[: start + i], line[start + i :].lstrip("。：:，, ")


def body_blocks(
    body: str, sections: list[Any], terms: list[str]
) -> tuple[list[Block], list[TocEntry], int]:
    """Split the body into paragraphs and section headings; mark query hits.

    Returns the blocks, a table of contents of the headings found, and the number of hits.
    """
    blocks: list[Block] = []
    toc: list[TocEntry] = []
    pending = list(sections)
    hits = 0
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        split = _heading_split(line, pending[0].heading) if pending else None
        if split:
            section = pending.pop(0)
            anchor = f"section-{section.number}"
            html, n = search.mark(split[0], terms)
            blocks.append(Block("heading", html, anchor, split[0]))
            toc.append(TocEntry(anchor, section.number, section.heading))
            hits += n
            line = split[1]
            if not line:
                continue
        html, n = search.mark(line, terms)
        blocks.append(Block("paragraph", html))
        hits += n
    _anchor_first_hit(blocks)
    return blocks, toc, hits


def _anchor_first_hit(blocks: list[Block]) -> None:
    for block in blocks:
        if "<mark>" in block.html:
            block.html = SafeString(block.html.replace("<mark>", '<mark id="first-hit">', 1))
            return


def first_hit_section(blocks: list[Block]) -> Block | None:
    """The heading of the section holding the first hit (None before any heading)."""
    heading = None
    for block in blocks:
        if block.kind == "heading":
            heading = block
        if 'id="first-hit"' in block.html:
            return heading
    return None


def citation(reply: Reply, url: str) -> str:
    """A GB/T 7714-2015 reference to the reply as an online document ([EB/OL]):
    责任者. 题名[EB/OL]. (发布日期)[引用日期]. 网址."""
    author = reply.department.name if reply.department else "佚名"
    sample = f"［{SAMPLE_NOTE}］" if reply.is_sample else ""
    published = f"({reply.reply_date:%Y-%m-%d})" if reply.reply_date else ""
    today = timezone.localdate()
    return f"{author}. {sample}{reply.display_title}[EB/OL]. {published}[{today:%Y-%m-%d}]. {url}."


def body_parts(body: str, size: int = BODY_PART_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` of the parts a long body is shown in: at most ``size`` characters
    each, ending after a line break where the part has one."""
    parts, start = [], 0
    while start < len(body):
        end = min(start + size, len(body))
        if end < len(body):
            cut = body.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        parts.append((start, end))
        start = end
    return parts or [(0, 0)]


def _part_number(value: Any, parts: int) -> int:
    try:
        return min(max(int(value), 1), parts)
    except (TypeError, ValueError):
        return 1


def reply_page(reply: Reply, q: str = "", part: Any = 1) -> dict[str, Any]:
    """Context for the reply page: body blocks (of one part of a long body), TOC, hits,
    sibling and related replies."""
    terms = search.query_terms(q) if q else []
    session = reply.session
    link = permalink(reply)
    parts = body_parts(reply.body)
    number = _part_number(part, len(parts))
    start, end = parts[number - 1]
    text = reply.body[start:end]
    sections = list(reply.sections.all())
    if len(parts) > 1:  # the headings of this part only
        sections = [s for s in sections if s.heading and s.heading[:12] in text]
    blocks, toc, hits = body_blocks(text, sections, terms)
    public = Reply.objects.public().select_related("session", "department").defer("body")
    siblings = []
    if reply.session_id and reply.number:
        siblings = with_links(
            list(
                public.filter(session_id=reply.session_id, number=reply.number)
                .exclude(pk=reply.pk)
                .order_by("doc_kind", "department__name")
            )
        )
    related = search.related_replies(
        public.exclude(pk=reply.pk).exclude(
            Q(session_id=reply.session_id, number=reply.number) if reply.session_id else Q(pk=None)
        ),
        reply,
    )
    return {
        "reply": reply,
        "permalink": link,
        "permalink_display": unquote(link),
        "session_url": session_url(session) if session else "",
        "proposal_url": proposal_url(reply),
        "term_label": f"第{to_chinese(session.term)}届" if session else "",
        "session_label": f"第{to_chinese(session.number)}次会议" if session else "",
        "co_departments": list(reply.co_departments.all()),
        "blocks": blocks,
        "toc": toc,
        "part": number,
        "parts": len(parts),
        "part_numbers": range(1, len(parts) + 1) if len(parts) > 1 else [],
        "body_chars": len(reply.body),
        "q": q,
        "hits": hits,
        "first_hit_section": first_hit_section(blocks),
        "siblings": siblings,
        "related": with_links(list(related)),
    }
