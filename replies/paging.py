"""Pages of a result list, within the result window (``SEARCH_RESULT_WINDOW``).

Like a search engine, the archive pages through at most the first window of results: a page
past it would cost a deep ``OFFSET`` for a reader who would narrow the query instead. The
count stays exact; the exports give every result.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

from replies.conf import archive_settings


def result_window() -> int:
    """How many results, at most, the pages reach."""
    return max(1, int(archive_settings.SEARCH_RESULT_WINDOW))


def window_notice(count: int) -> str:
    """What a listing says when its results pass the window (else "")."""
    window = result_window()
    if count <= window:
        return ""
    return (
        f"共 {count:,} 件答复，只能翻阅前 {window:,} 件；"
        "请加筛选条件或换更具体的关键词，或导出全部结果。"
    )


class WindowPaginator(Paginator):
    """A paginator whose last page ends at the result window."""

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, result_window())
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-shown // self.per_page))
