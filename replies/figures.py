"""Figures of a set of public replies: counts per session, department, sector and month, the
share of each result class, and a department league table across years.

Plain functions over a queryset (``/stats/`` passes the listing's filtered and searched
public replies, the department, sector and session pages their own scope); views and
templates only show them. Each figure is one GROUP BY query (the session, department and sector
bars one together, as the facets). Departments count as in the
search facet, lead **or** co-handling, so a bar's number is what its link finds; the league
table counts the lead unit (主办) only, the one that answers for the result.
(Not ``stats``: ``replies/search/stats.py`` is the search index's gram statistics.)
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncMonth

from replies.filters import (
    SESSION_FIELDS,
    FacetOption,
    facet_options,
    session_row_label,
    session_row_order,
)
from replies.models import Reply, ResultClass

#: Departments shown one by one; the others are summed into one bar.
TOP_DEPARTMENTS = 20
CLASSES = [value for value, _ in ResultClass.choices]
CLASS_LABELS = dict(ResultClass.choices)
#: Statements :func:`figures` runs, whatever the data (the session, department and sector bars
#: share one; the department shares count lead and co-handling apart).
QUERIES = 7
#: SVG geometry: the height of a bar's row and the longest bar's length (viewBox 600 wide).
ROW, BAR_SPAN = 30, 540


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Bar:
    label: str
    count: int
    #: The search with this bar's filter added ("" for the "others" bar).
    url: str = ""
    #: Width against the largest bar, 0–100.
    width: float = 0
    #: Share of the figure's total, in percent.
    percent: float = 0
    #: Top of the bar's row in the SVG.
    y: int = 0

    @property
    def svg_width(self) -> float:
        return round(self.width * BAR_SPAN / 100, 1)


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]
    note: str = ""

    def __post_init__(self) -> None:
        top = max((b.count for b in self.bars), default=0)
        total = sum(b.count for b in self.bars)
        for i, bar in enumerate(self.bars):
            bar.y = ROW * i
            bar.width = round(100 * bar.count / top, 1) if top else 0
            bar.percent = round(100 * bar.count / total, 1) if total else 0

    @property
    def height(self) -> int:
        return ROW * len(self.bars)


@dataclass
class Split:
    """The result classes of one group (a department, a session, or everything)."""

    label: str
    url: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def parts(self) -> list[Part]:
        """A, B, C and unclassified: count, percent and place in a 100-wide stacked bar."""
        total, x, parts = self.total, 0.0, []
        for value, label in [(c, CLASS_LABELS[c]) for c in CLASSES] + [("", "未分类")]:
            n = self.counts.get(value, 0)
            percent = round(100 * n / total, 1) if total else 0
            short = f"{value}类" if value else label
            parts.append(Part(value.lower() or "none", label, short, n, percent, round(x, 1)))
            x += percent
        return parts


@dataclass
class Part:
    key: str
    label: str
    short: str
    count: int
    percent: float
    x: float


@dataclass
class LeagueRow:
    department: str
    slug: str
    year: int | None
    count: int
    a_share: float
    median_days: float | None
    url: str = ""


@dataclass
class Figures:
    total: int
    charts: list[Chart]
    overall: Split
    by_department: list[Split]
    by_session: list[Split]
    league: list[LeagueRow]

    @property
    def overall_list(self) -> list[Split]:
        return [self.overall]


#: Builds a search URL from filter changes, e.g. ``link(department="slug")``.
Link = Callable[..., str]


def _month_bounds(month: Any) -> tuple[str, str]:
    last = calendar.monthrange(month.year, month.month)[1]
    return f"{month:%Y-%m}-01", f"{month:%Y-%m}-{last:02d}"


def per_month(queryset: QuerySet, link: Link) -> Chart:
    rows = (
        queryset.filter(reply_date__isnull=False)
        .order_by()
        .annotate(month=TruncMonth("reply_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    bars = []
    for row in rows:
        start, end = _month_bounds(row["month"])
        label = f"{row['month'].year}年{row['month'].month}月"
        bars.append(Bar(label, row["n"], link(date_from=start, date_to=end)))
    return Chart("month", "每月答复件数", bars, "按答复日期；没有日期的答复不计入。")


def _facet_chart(
    found: list[FacetOption],
    name: str,
    title: str,
    link: Link,
    top: int | None = None,
    note: str = "",
) -> Chart:
    bars = [Bar(o.label, o.count, link(**{name: o.value})) for o in found[:top]]
    rest = found[top:] if top else []
    if rest:
        bars.append(Bar(f"其他 {len(rest)} 个单位", sum(o.count for o in rest)))
    return Chart(name, title, bars, note)


def _splits(
    rows: list[dict[str, Any]], key: str, label: Callable[[Any], str], link: Callable[[Any], str]
) -> list[Split]:
    found: dict[Any, Split] = {}
    for row in rows:
        split = found.setdefault(row[key], Split(label(row), link(row[key])))
        split.counts[row["result_class"]] = split.counts.get(row["result_class"], 0) + row["n"]
    return list(found.values())


def _class_rows(queryset: QuerySet, *fields: str) -> list[dict[str, Any]]:
    return list(
        queryset.order_by().values(*fields, "result_class").annotate(n=Count("pk")).order_by()
    )


def shares_by_department(queryset: QuerySet, link: Link, top: int = TOP_DEPARTMENTS) -> list[Split]:
    """Result classes per department (lead or co-handling, as the facet), largest first."""
    lead = _class_rows(
        queryset.filter(department__isnull=False), "department__slug", "department__name"
    )
    co = list(
        Reply.co_departments.through.objects.filter(reply__in=queryset.order_by().values("pk"))
        .exclude(department_id=F("reply__department_id"))
        .order_by()
        .values("department__slug", "department__name", result_class=F("reply__result_class"))
        .annotate(n=Count("reply_id"))
        .order_by()
    )
    splits = _splits(
        [*lead, *co],
        "department__slug",
        lambda r: r["department__name"],
        lambda slug: link(department=slug),
    )
    splits.sort(key=lambda s: (-s.total, s.label))
    return splits[:top]


def shares_by_session(queryset: QuerySet, link: Link) -> list[Split]:
    rows = _class_rows(queryset.filter(session__isnull=False), *SESSION_FIELDS)
    rows.sort(key=session_row_order)
    return _splits(rows, "session", session_row_label, lambda pk: link(session=str(pk)))


def league(queryset: QuerySet, link: Link) -> list[LeagueRow]:
    """Lead departments by session year: replies, share of A, median days from the session's
    opening to the reply (where both dates are known)."""
    rows = (
        queryset.filter(department__isnull=False)
        .order_by()
        .values("department__name", "department__slug", "session__year")
        .annotate(
            n=Count("pk"),
            a=Count("pk", filter=Q(result_class=ResultClass.A)),
            days=Median(
                Func(
                    F("reply_date"),
                    F("session__opened_on"),
                    template="(%(expressions)s)",
                    arg_joiner=" - ",
                    output_field=IntegerField(),
                ),
                filter=Q(reply_date__isnull=False, session__opened_on__isnull=False),
            ),
        )
        .order_by()
    )
    table = [
        LeagueRow(
            r["department__name"],
            r["department__slug"],
            r["session__year"],
            r["n"],
            round(100 * r["a"] / r["n"], 1),
            round(r["days"], 1) if r["days"] is not None else None,
            link(department=r["department__slug"], year=r["session__year"]),
        )
        for r in rows
    ]
    table.sort(key=lambda r: (-(r.year or 0), -r.count, -r.a_share, r.department))
    return table


def figures(queryset: QuerySet, link: Link) -> Figures:
    """Every figure of ``queryset`` (public replies, already filtered and searched)."""
    overall = {r["result_class"]: r["n"] for r in _class_rows(queryset)}
    split = Split("全部", link(), overall)
    found = facet_options(queryset, ("session", "department", "sector"))
    return Figures(
        total=split.total,
        charts=[
            _facet_chart(found["session"], "session", "各次会议的答复件数", link),
            _facet_chart(
                found["department"],
                "department",
                f"各单位的答复件数（前 {TOP_DEPARTMENTS} 个）",
                link,
                top=TOP_DEPARTMENTS,
                note="牵头承办或会办都计入，一件答复可计入多个单位。",
            ),
            _facet_chart(found["sector"], "sector", "各界别的答复件数", link),
            per_month(queryset, link),
        ],
        overall=split,
        by_department=shares_by_department(queryset, link),
        by_session=shares_by_session(queryset, link),
        league=league(queryset, link),
    )
