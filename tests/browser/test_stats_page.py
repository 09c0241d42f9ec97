"""/stats/ in a browser: readable at 375 px, and complete without JavaScript (SVG bars, data
tables and links are plain HTML; following a bar is an ordinary link)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, expect

from tests.browse.corpus import build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_stats_at_375_px_with_and_without_javascript(live_server, browser: Browser, javascript):
    build_corpus(count=30, hidden=3)
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=javascript, locale="zh-CN"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(live_server.url + "/stats/?council=长宁区政协")
        expect(page.get_by_role("heading", name="答复统计")).to_be_visible()
        bars = page.locator("svg.bars")
        assert bars.count() >= 4
        for i in range(bars.count()):
            box = bars.nth(i).bounding_box()
            assert box and box["width"] > 100 and box["x"] + box["width"] <= 375 + 1
        expect(page.locator(".data-table").first).to_be_visible()
        if javascript:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # a sector bar is a link to the search with its filter added
        page.locator('figure[aria-labelledby="chart-sector"] svg a rect').first.click()
        query = parse_qs(urlparse(page.url).query)
        assert query["council"] == ["长宁区政协"] and "sector" in query
        expect(page.locator(".result-count")).to_be_visible()
    finally:
        context.close()
    assert errors == []
