"""Screenshots of the home page, a filtered search and a reply page.

They go to a temporary folder; with SAVE_SCREENSHOTS=1 to docs/screenshots/ (for the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browse.corpus import build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshots(live_server, page, console_errors, tmp_path):
    corpus = build_corpus()
    target = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.screenshot(path=target / "home.png", full_page=True)
    page.goto(live_server.url + "/?q=电梯&council=长宁区政协&result=A")
    page.screenshot(path=target / "search-filtered.png", full_page=True)
    reply = corpus.public[0]
    page.goto(f"{live_server.url}/replies/{reply.pk}/?q=电梯")
    page.screenshot(path=target / "reply.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/?q=电梯")
    page.screenshot(path=target / "home-375.png", full_page=True)
    page.goto(f"{live_server.url}/replies/{reply.pk}/")
    page.screenshot(path=target / "reply-375.png", full_page=True)
    assert console_errors == []
