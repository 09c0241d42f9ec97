"""The browse filters (django-filter) and their facet counts.

One ``ReplyFilter`` serves the search page, the department/sector/session pages and the API.
Facet counts are disjunctive: each facet's options are counted with every *other* active
filter applied, so an option's count is exactly what choosing it would give. All facets of a
page are counted by one statement (``GROUPING SETS``, one count column per facet), whatever
the data size.

A filter naming a record (council, session, department, sector) accepts only records that
public replies have: any other value, a record only hidden replies have included, is an
invalid filter (ignored by the pages, a 400 in the API), so no page ever names it. Checking
costs the one look-up a given value needs anyway; an absent filter costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import NullIf
from django.http import HttpRequest

from replies.conf import archive_settings
from replies.ingest.numerals import parse_number_input
from replies.models import Department, DocKind, Reply, ResultClass, Sector, Session
from replies.search.models import ReplySearch

#: GET parameter names of the facet filters, in display order.
FACETS = ("council", "session", "year", "department", "sector", "proposer", "result", "kind")
#: The other filters (form inputs, no counts).
RANGE_FILTERS = ("date_from", "date_to", "number")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_param(value: str) -> str:
    """A GET value without control characters (PostgreSQL rejects NUL in text)."""
    return _CONTROL.sub("", str(value))


def public_sessions(request: HttpRequest | None = None) -> QuerySet:
    """Sessions that at least one public reply belongs to."""
    return Session.objects.filter(Exists(Reply.objects.public().filter(session=OuterRef("pk"))))


def public_departments(request: HttpRequest | None = None) -> QuerySet:
    """Departments that lead or co-handle at least one public reply."""
    public = Reply.objects.public()
    return Department.objects.filter(
        Exists(public.filter(department=OuterRef("pk")))
        | Exists(public.filter(co_departments=OuterRef("pk")))
    )


def public_sectors(request: HttpRequest | None = None) -> QuerySet:
    """Sectors that at least one public reply belongs to."""
    return Sector.objects.filter(Exists(Reply.objects.public().filter(sector=OuterRef("pk"))))


class Council(str):
    """A council slug that public replies have, with the council's name (its label)."""

    name: str

    def __new__(cls, slug: str, name: str) -> Council:
        value = super().__new__(cls, slug)
        value.name = name
        return value


class CouncilField(forms.CharField):
    """A council slug, valid only when a session with public replies has it."""

    default_error_messages = {"invalid_choice": "没有这个政协的公开答复。"}

    def clean(self, value: Any) -> Council | str:
        slug = super().clean(value)
        if slug in self.empty_values:
            return slug
        name = public_sessions().filter(council_slug=slug).values_list("council", flat=True)[:1]
        found = list(name)
        if not found:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return Council(slug, found[0])


class CouncilFilter(django_filters.CharFilter):
    field_class = CouncilField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return super().filter(qs, str(value) if value else value)


class ReplyFilter(django_filters.FilterSet):
    """Structured filters over replies; always give it a ``Reply.objects.public()`` queryset."""

    council = CouncilFilter(field_name="session__council_slug", label="政协")
    session = django_filters.ModelChoiceFilter(queryset=public_sessions, label="会议")
    year = django_filters.NumberFilter(field_name="session__year", label="年份")
    department = django_filters.ModelChoiceFilter(
        queryset=public_departments,
        to_field_name="slug",
        method="filter_department",
        label="承办或会办单位",
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=public_sectors, to_field_name="slug", label="界别"
    )
    proposer = django_filters.CharFilter(field_name="proposer", label="提案人")
    result = django_filters.ChoiceFilter(
        field_name="result_class", choices=ResultClass.choices, label="办理结果"
    )
    kind = django_filters.ChoiceFilter(field_name="doc_kind", choices=DocKind.choices, label="文种")
    date_from = django_filters.DateFilter(
        field_name="reply_date", lookup_expr="gte", label="答复日期起"
    )
    date_to = django_filters.DateFilter(
        field_name="reply_date", lookup_expr="lte", label="答复日期止"
    )
    number = django_filters.CharFilter(method="filter_number", label="提案号")

    class Meta:
        model = Reply
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            data = {key: clean_param(value) for key, value in data.items()}
        super().__init__(data, *args, **kwargs)

    def filter_department(self, queryset: QuerySet, name: str, value: Department) -> QuerySet:
        """Replies the department leads or co-handles."""
        co = Reply.co_departments.through.objects.filter(department=value).values("reply_id")
        return queryset.filter(Q(department=value) | Q(pk__in=co))

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        number = parse_number_input(value)
        if number is not None:
            return queryset.filter(number_int=number)
        return queryset.filter(number=value.strip())

    def active(self) -> dict[str, Any]:
        """The valid, non-empty filter values (invalid ones are ignored)."""
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in (None, "")}

    def filter_except(self, queryset: QuerySet, skip: str | None = None) -> QuerySet:
        """Apply every active filter but ``skip`` (the facet being counted)."""
        for name, value in self.active().items():
            if name != skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)
    #: Options with replies that are not listed (past ``ARCHIVE_FACET_OPTIONS``).
    unlisted: int = 0

    @property
    def selected(self) -> FacetOption | None:
        return next((o for o in self.options if o.selected), None)


def _council_options(rows: list[dict[str, Any]]) -> list[FacetOption]:
    rows.sort(key=lambda r: (-r["n"], r["session__council"]))
    return [FacetOption(r["session__council_slug"], r["session__council"], r["n"]) for r in rows]


#: The values a per-session GROUP BY reads, and how its rows are named and ordered.
SESSION_FIELDS = ("session", "session__council", "session__term", "session__number")


def session_row_label(row: dict[str, Any]) -> str:
    return str(
        Session(
            council=row["session__council"],
            term=row["session__term"],
            number=row["session__number"],
        )
    )


def session_row_order(row: dict[str, Any]) -> tuple:
    return (row["session__council"], -row["session__term"], -row["session__number"])


def _session_options(rows: list[dict[str, Any]]) -> list[FacetOption]:
    rows.sort(key=lambda r: (r["session"].council, -r["session"].term, -r["session"].number))
    return [FacetOption(str(r["session"].pk), str(r["session"]), r["n"]) for r in rows]


def _year_options(rows: list[dict[str, Any]]) -> list[FacetOption]:
    rows.sort(key=lambda r: -r["session__year"])
    return [FacetOption(str(r["session__year"]), f"{r['session__year']}年", r["n"]) for r in rows]


def _unit_options(rows: list[dict[str, Any]], field_name: str) -> list[FacetOption]:
    """Departments or sectors, largest first."""
    options = [FacetOption(r[field_name].slug, r[field_name].name, r["n"]) for r in rows]
    options.sort(key=lambda o: (-o.count, o.label))
    return options


def _proposer_options(rows: list[dict[str, Any]]) -> list[FacetOption]:
    rows.sort(key=lambda r: (-r["n"], r["proposer"]))
    return [FacetOption(r["proposer"], r["proposer"], r["n"]) for r in rows]


def _choice_options(rows: list[dict[str, Any]], field_name: str, choices: Any) -> list[FacetOption]:
    counts = {r[field_name]: r["n"] for r in rows}
    return [
        FacetOption(value, label, counts[value]) for value, label in choices if counts.get(value)
    ]


@dataclass(frozen=True)
class _FacetSpec:
    """One facet's grouping set: the search-row fields it reads (the first is its key: a group
    whose key is NULL is no option) and how its rows become options."""

    fields: tuple[str, ...]
    build: Callable[[list[dict[str, Any]]], list[FacetOption]]
    #: An empty key is no option either (the proposer of a reply that names none).
    blank_is_none: bool = False
    #: The key is this model's id: rows carry an instance with ``labels`` instead (the
    #: statement reads them for the listed options only).
    model: type | None = None
    labels: tuple[str, ...] = ()


_OPTIONS: dict[str, _FacetSpec] = {
    "council": _FacetSpec(("session__council_slug", "session__council"), _council_options),
    "session": _FacetSpec(
        ("session",), _session_options, model=Session, labels=("council", "term", "number")
    ),
    "year": _FacetSpec(("session__year",), _year_options),
    # The lead department and the other co-handling ones (see _one_pass).
    "department": _FacetSpec(
        ("department",),
        lambda rows: _unit_options(rows, "department"),
        model=Department,
        labels=("slug", "name"),
    ),
    "sector": _FacetSpec(
        ("sector",),
        lambda rows: _unit_options(rows, "sector"),
        model=Sector,
        labels=("slug", "name"),
    ),
    "proposer": _FacetSpec(("proposer",), _proposer_options, blank_is_none=True),
    "result": _FacetSpec(
        ("result_class",), lambda rows: _choice_options(rows, "result_class", ResultClass.choices)
    ),
    "kind": _FacetSpec(
        ("doc_kind",), lambda rows: _choice_options(rows, "doc_kind", DocKind.choices)
    ),
}


@dataclass
class _Counted:
    """One facet's counted options (at most the limit) and how many it has in all."""

    options: list[FacetOption]
    total: int


def search_rows(queryset: QuerySet) -> QuerySet:
    """The search rows (``ReplySearch``: one per public reply) of a Reply queryset."""
    return ReplySearch.objects.filter(pk__in=queryset.order_by().values("pk"))


def _one_pass(
    core: QuerySet,
    toggles: dict[str, QuerySet],
    names: tuple[str, ...],
    limit: int | None = None,
    keep: dict[str, str] | None = None,
) -> dict[str, _Counted]:
    """The options of every facet in ``names``, counted in one statement.

    ``core`` (search rows) holds the rows every count sees; ``toggles`` maps an active facet
    filter to the search rows it keeps. Facet ``x`` counts, by ``GROUPING SETS``, the rows of
    ``core`` that pass every toggle but ``x``'s; the statement reads only the rows failing at
    most one toggle, and nothing but the narrow search rows (and the sessions, for councils
    and years). Each row stands for its lead department, and for each other co-handling
    department a copy of it does (``unnest`` of the row's ids): the copies count for the
    department facet only. With ``limit``, each facet returns only its ``limit`` largest
    options, plus the option whose key is ``keep[x]`` (the selected one), and the number of
    all its options. Sessions, departments and sectors are counted by id and read after.
    """
    if not names:
        return {}
    qn = connections[core.db].ops.quote_name
    columns = {
        f"f{i}_{j}": NullIf(F(path), Value(""))
        if _OPTIONS[name].blank_is_none and j == 0
        else F(path)
        for i, name in enumerate(names)
        for j, path in enumerate(_OPTIONS[name].fields)
        if name != "department"
    }
    flags = {
        f"p_{name}": ExpressionWrapper(Q(pk__in=ids.order_by().values("pk")), BooleanField())
        for name, ids in toggles.items()
    }
    units = (
        {"lead_id": F("department_id"), "co_ids": F("co_department_ids")}
        if "department" in names
        else {}
    )
    inner = core.order_by().annotate(**flags).values(*flags, **units, **columns)
    inner_sql, params = inner.query.sql_with_params()
    keys = {name: [f"r.{qn(f'f{i}_0')}"] for i, name in enumerate(names)}
    if "department" in names:
        # Set-returning functions in the select list run in step: the first copy is the lead.
        rows = (
            f"SELECT r.*, unnest(ARRAY[r.{qn('lead_id')}] || r.{qn('co_ids')}) AS unit,"
            f" generate_series(0, cardinality(r.{qn('co_ids')})) = 0 AS lead"
            f" FROM ({inner_sql}) AS r"
        )
        keys["department"] = ["r.unit"]
        lead = "r.lead"
    else:
        rows = inner_sql
        lead = "TRUE"
    for i, name in enumerate(names):
        keys[name] += [f"r.{qn(f'f{i}_{j}')}" for j in range(1, len(_OPTIONS[name].fields))]

    def passes(skip: str | None) -> str:
        kept = [f"r.{qn('p_' + t)}" for t in toggles if t != skip]
        return " AND ".join(kept) if kept else "TRUE"

    # A row counts for every facet as its lead copy, and as every copy for departments.
    conditions = [
        f"{passes(name)}" if name == "department" else f"{lead} AND {passes(name)}"
        for name in names
    ]
    count_columns = list(dict.fromkeys(conditions))
    counts = [f"count(*) FILTER (WHERE {c})" for c in count_columns]
    column_of = [count_columns.index(c) for c in conditions]
    failing = " + ".join(f"(NOT r.{qn('p_' + t)})::int" for t in toggles)
    sql = (
        f"SELECT GROUPING({', '.join(keys[n][0] for n in names)}),"
        f" {', '.join(c for n in names for c in keys[n])}, {', '.join(counts)}"
        f" FROM ({rows}) AS r"
        + (f" WHERE {failing} <= 1" if len(toggles) > 1 else "")
        + f" GROUP BY GROUPING SETS ({', '.join('(' + ', '.join(keys[n]) + ')' for n in names)})"
    )
    everything = (1 << len(names)) - 1
    # GROUPING(...) has a 0 bit for the key of the set a row belongs to.
    masks = [everything ^ (1 << (len(names) - 1 - i)) for i in range(len(names))]
    width = sum(len(keys[n]) for n in names)
    starts = [sum(len(keys[n]) for n in names[:i]) for i in range(len(names))]
    # Each row's own option: its set's key and count (a NULL key or a 0 count is none).
    own_key = (
        "CASE g "
        + " ".join(f"WHEN {m} THEN c{s}::text" for m, s in zip(masks, starts, strict=True))
        + " END"
    )
    own_n = (
        "CASE g " + " ".join(f"WHEN {m} THEN n{column_of[i]}" for i, m in enumerate(masks)) + " END"
    )
    aliases = ", ".join(
        ["g", *(f"c{j}" for j in range(width)), *(f"n{k}" for k in range(len(counts)))]
    )
    listed = f"{own_key} IS NOT NULL AND {own_n} > 0"
    if limit is None:
        # Every option is listed: no window ranks or counts them (the total is the rows').
        sql = f"SELECT * FROM ({sql}) AS t({aliases}) WHERE {listed}"
    else:
        sql = (
            f"SELECT * FROM (SELECT t.*, count(*) OVER w AS options,"
            # Ties are broken bytewise: on 36,755 options (100,000 replies) ordering by the
            # text took 950 ms, by its bytes 30 ms (even COLLATE "C" was as slow).
            f" row_number() OVER (w ORDER BY {own_n} DESC, convert_to({own_key}, 'UTF8'))"
            " AS place"
            f" FROM ({sql}) AS t({aliases}) WHERE {listed}"
            f" WINDOW w AS (PARTITION BY g)) AS ranked"
        )
        kept = [(masks[names.index(name)], value) for name, value in (keep or {}).items()]
        sql += " WHERE place <= %s" + "".join(f" OR (g = {m} AND {own_key} = %s)" for m, _ in kept)
        params = (*params, limit, *(value for _, value in kept))
    # The labels of the listed sessions, departments and sectors, joined to their rows.
    labelled = [(i, _OPTIONS[n]) for i, n in enumerate(names) if _OPTIONS[n].model is not None]
    sql = (
        "SELECT o.*"
        + "".join(f", l{i}.{qn(label)}" for i, spec in labelled for label in spec.labels)
        + f" FROM ({sql}) AS o"
        + "".join(
            f" LEFT JOIN {qn(spec.model._meta.db_table)} AS l{i}"
            f" ON o.g = {masks[i]} AND l{i}.{qn(spec.model._meta.pk.column)} = o.c{starts[i]}"
            for i, spec in labelled
        )
    )
    rows_of: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    totals = dict.fromkeys(names, 0)
    with connections[core.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    extra = width + len(counts) + (0 if limit is None else 2)
    label_starts = {}
    for i, spec in labelled:
        label_starts[i] = extra
        extra += len(spec.labels)
    for grouping, *rest in fetched:
        values, ns = rest[:width], rest[width : width + len(counts)]
        i = masks.index(grouping)
        spec = _OPTIONS[names[i]]
        named = dict(
            zip(spec.fields, values[starts[i] : starts[i] + len(spec.fields)], strict=True)
        )
        if spec.model is not None:
            own = rest[label_starts[i] : label_starts[i] + len(spec.labels)]
            if own[0] is None:
                continue  # a record deleted since the row was written
            key = spec.fields[0]
            named[key] = spec.model(pk=named[key], **dict(zip(spec.labels, own, strict=True)))
        rows_of[names[i]].append({**named, "n": ns[column_of[i]]})
        totals[names[i]] = len(rows_of[names[i]]) if limit is None else rest[width + len(counts)]
    return {name: _Counted(_OPTIONS[name].build(rows_of[name]), totals[name]) for name in names}


def facet_options(queryset: QuerySet, names: tuple[str, ...]) -> dict[str, list[FacetOption]]:
    """The options (value, label, count) of each facet in ``names`` over ``queryset``, all
    from one statement; largest first for councils, departments, sectors and proposers."""
    counted = _one_pass(search_rows(queryset), {}, names)
    return {name: c.options for name, c in counted.items()}


def selected_value(name: str, value: Any) -> str:
    """The GET-parameter form of a cleaned filter value."""
    if isinstance(value, Department | Sector):
        return value.slug
    if isinstance(value, Session):
        return str(value.pk)
    if isinstance(value, Decimal | float) and value == int(value):
        return str(int(value))
    return str(value)


def _key_value(value: Any) -> str:
    """A filter value as the facet statement keys it (records by id)."""
    if isinstance(value, Department | Sector | Session):
        return str(value.pk)
    return selected_value("", value)


def facet_counts(
    filterset: ReplyFilter,
    narrow: Callable[[QuerySet], QuerySet] = lambda qs: qs,
    names: tuple[str, ...] = FACETS,
    every: bool = False,
) -> list[Facet]:
    """Count each facet's options over the public replies under the other active filters,
    in one statement over the search rows.

    ``narrow`` applies the search query's WHERE clause, so counts match the result list.
    Each facet lists its ``ARCHIVE_FACET_OPTIONS`` largest options and the selected one, or
    with ``every`` all.
    """
    limit = None if every else archive_settings.ARCHIVE_FACET_OPTIONS
    active = filterset.active()
    core = ReplySearch.objects.all()
    toggles = {}
    chosen = {name: selected_value(name, active[name]) for name in names if name in active}
    keys = {name: _key_value(active[name]) for name in names if name in active}
    for name, value in active.items():
        if name in names:
            toggles[name] = filterset.filters[name].filter(ReplySearch.objects.all(), value)
        else:
            core = filterset.filters[name].filter(core, value)
    counted = _one_pass(narrow(core), toggles, names, limit, keys)
    facets = []
    for name in names:
        options, total = counted[name].options, counted[name].total
        if name in chosen:
            for option in options:
                option.selected = option.value == chosen[name]
            if not any(o.selected for o in options):
                options.insert(0, FacetOption(chosen[name], label_for(name, active[name]), 0, True))
        unlisted = total - sum(1 for o in options if o.count)
        facets.append(Facet(name, str(filterset.filters[name].label), options, unlisted))
    return facets


def label_for(name: str, value: Any) -> str:
    """A human label for an active filter value (for chips and zero-count options)."""
    if name == "council":
        return value.name if isinstance(value, Council) else str(value)
    if name == "year":
        return f"{selected_value(name, value)}年"
    if name == "result":
        return str(ResultClass(value).label)
    if name == "number":
        number = parse_number_input(value)
        return f"第{number:03d}号" if number is not None else value
    if name in ("date_from", "date_to"):
        return f"{value:%Y-%m-%d}"
    return str(value)
