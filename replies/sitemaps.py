"""sitemap.xml (django.contrib.sitemaps): every public reply, proposal, department, sector and
session page, with the last change of the public replies it shows as ``lastmod``.

Items come from ``Reply.objects.public()`` only, so a draft or 不予公开 reply, and a page
that only such replies would fill, is never listed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max
from django.urls import reverse

from replies.browse import permalink
from replies.models import Reply


def _public():
    return Reply.objects.public().order_by()


class ReplySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            _public()
            .select_related("session", "department")
            .only("pk", "number", "doc_kind", "updated_at", "session", "department")
            .order_by("pk")
        )

    def location(self, item: Reply) -> str:
        return permalink(item)

    def lastmod(self, item: Reply):
        return item.updated_at


class _GroupedSitemap(Sitemap):
    """Pages named by a GROUP BY over public replies; ``lastmod`` is the newest change."""

    changefreq = "weekly"
    fields: tuple[str, ...] = ()
    route = ""

    def rows(self):
        return _public().values(*self.fields)

    def items(self) -> list[dict[str, Any]]:
        return list(self.rows().annotate(last=Max("updated_at")).order_by(*self.fields))

    def kwargs(self, row: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def location(self, item: dict[str, Any]) -> str:
        return reverse(self.route, kwargs=self.kwargs(item))

    def lastmod(self, item: dict[str, Any]):
        return item["last"]


class ProposalSitemap(_GroupedSitemap):
    route = "replies:proposal"
    fields = ("session__council_slug", "session__term", "session__number", "number")

    def rows(self):
        return (
            _public()
            .filter(session__isnull=False)
            .exclude(number="")
            .exclude(number__contains="/")
            .values(*self.fields)
        )

    def kwargs(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "council": row["session__council_slug"],
            "term": row["session__term"],
            "session": row["session__number"],
            "number": row["number"],
        }


class SessionSitemap(_GroupedSitemap):
    route = "replies:session"
    fields = ("session__council_slug", "session__term", "session__number")

    def rows(self):
        return _public().filter(session__isnull=False).values(*self.fields)

    def kwargs(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "council": row["session__council_slug"],
            "term": row["session__term"],
            "number": row["session__number"],
        }


class SectorSitemap(_GroupedSitemap):
    route = "replies:sector"
    fields = ("sector__slug",)

    def rows(self):
        return _public().filter(sector__isnull=False).values(*self.fields)

    def kwargs(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"slug": row["sector__slug"]}


class DepartmentSitemap(_GroupedSitemap):
    """Departments that lead or co-handle a public reply (as their page counts them)."""

    route = "replies:department"

    def items(self) -> list[dict[str, Any]]:
        found: dict[str, Any] = {}
        lead = (
            _public()
            .filter(department__isnull=False)
            .values(slug=F("department__slug"))
            .annotate(last=Max("updated_at"))
        )
        co = (
            Reply.co_departments.through.objects.filter(reply__in=_public().values("pk"))
            .values(slug=F("department__slug"))
            .annotate(last=Max("reply__updated_at"))
            .order_by()
        )
        for row in [*lead, *co]:
            if row["slug"] not in found or found[row["slug"]] < row["last"]:
                found[row["slug"]] = row["last"]
        return [{"slug": slug, "last": last} for slug, last in sorted(found.items())]

    def kwargs(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"slug": row["slug"]}


SITEMAPS = {
    "replies": ReplySitemap,
    "proposals": ProposalSitemap,
    "departments": DepartmentSitemap,
    "sectors": SectorSitemap,
    "sessions": SessionSitemap,
}
