"""Atom feeds of the newest public replies for any search (the listing's GET parameters)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from replies.browse import FeedData, FeedEntry, build_feed


class ReplyFeed(Feed):
    """``/feed/?q=…&department=…``: the same query and filters as ``/``, newest first."""

    feed_type = Atom1Feed
    language = "zh-CN"

    def get_object(self, request: HttpRequest) -> FeedData:
        return build_feed(request.GET)

    def title(self, obj: FeedData) -> str:
        return obj.title

    def subtitle(self, obj: FeedData) -> str:
        return obj.subtitle

    def link(self, obj: FeedData) -> str:
        return obj.link

    def feed_url(self, obj: FeedData) -> str:
        return obj.url

    def items(self, obj: FeedData) -> list[FeedEntry]:
        return obj.entries

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_description(self, item: FeedEntry) -> str:
        return item.summary

    def item_author_name(self, item: FeedEntry) -> str | None:
        return item.reply.department.name if item.reply.department else None

    def item_pubdate(self, item: FeedEntry) -> datetime.datetime | None:
        """The reply's date, at the start of that day in the archive's time zone."""
        day = item.reply.reply_date
        if day is None:
            return None
        return datetime.datetime.combine(day, datetime.time(), ZoneInfo(settings.TIME_ZONE))

    def item_updateddate(self, item: FeedEntry) -> datetime.datetime:
        return timezone.localtime(item.reply.updated_at)

    def item_categories(self, item: FeedEntry) -> list[str]:
        reply = item.reply
        return [c for c in (reply.doc_kind, reply.get_result_class_display()) if c]
