"""What a subscription is owed, and the digest email listing it.

Matching goes through ``browse.matching``: the listing's own filterset and
``replies.search.narrow``, on public replies only, so an alert holds exactly what the result page
would show for the same conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict

from replies import browse
from replies.alerts.models import AlertSent, Subscription
from replies.models import Reply


def conditions(params: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The listing state kept from ``params`` (posted or stored) and its description in words."""
    state, filterset, _ = browse.matching(QueryDict(urlencode(params)))
    return state, "，".join(browse.describe(state, filterset)) or "全部新答复"


def pending(subscription: Subscription) -> QuerySet:
    """Public replies matching the subscription, made public after it was confirmed and not
    yet sent to it, oldest first."""
    _, _, found = browse.matching(QueryDict(urlencode(subscription.params)))
    sent = AlertSent.objects.filter(subscription=subscription).values("reply_id")
    return (
        found.filter(public_since__gt=subscription.confirmed_at)
        .exclude(pk__in=sent)
        .select_related("session", "department")
        .defer("body")
        .order_by("public_since", "pk")
    )


@dataclass
class Item:
    """One reply of a digest, as plain strings (templates escape them)."""

    title: str
    meta: str
    url: str
    sample: bool


def item(reply: Reply, site: str) -> Item:
    return Item(
        title=reply.proposal_title or reply.display_title,
        meta=" · ".join(browse.reply_meta(reply)),
        url=site + browse.permalink(reply),
        sample=reply.is_sample,
    )


def search_link(subscription: Subscription, site: str) -> str:
    """The result page of the subscription's conditions, newest first."""
    return site + browse.search_url(subscription.params, sort="newest")
