"""Screenshots of the home page, a filtered search, a reply, /stats/ and a proposal page, from
the sample data.

They go to a temporary folder; with SAVE_SCREENSHOTS=1 to docs/screenshots/ (for the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from replies.browse import permalink, proposal_url
from replies.models import Reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def most_handled(replies):
    """A reply of the proposal with the most public replies and co-handling units."""
    return max(
        replies.select_related("session", "department").exclude(number=""),
        key=lambda r: (
            replies.filter(session_id=r.session_id, number=r.number).count(),
            r.co_departments.count(),
        ),
    )


def test_screenshots(live_server, page, console_errors, tmp_path):
    call_command("load_samples", verbosity=0)
    replies = Reply.objects.public()
    assert replies.exists()
    target = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.screenshot(path=target / "home.png", full_page=True)

    # a search narrowed by the most common council and result class
    page.locator('section[aria-labelledby="facet-council"] a.option').first.click()
    page.locator('section[aria-labelledby="facet-result"] a.option').first.click()
    page.get_by_label("检索答复").fill("建议")
    page.get_by_label("检索答复").press("Enter")
    page.screenshot(path=target / "search-filtered.png", full_page=True)

    reply = max(replies.select_related("session", "department"), key=lambda r: r.sections.count())
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(f"{live_server.url}{permalink(reply)}?q={reply.sections.first().heading[:4]}")
    page.screenshot(path=target / "reply.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/stats/")
    page.screenshot(path=target / "stats.png", full_page=True)
    page.goto(live_server.url + proposal_url(most_handled(replies)))
    page.screenshot(path=target / "proposal.png")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/stats/")
    page.screenshot(path=target / "stats-375.png")
    page.goto(live_server.url + "/")
    page.screenshot(path=target / "home-375.png")
    page.goto(f"{live_server.url}{permalink(reply)}")
    page.screenshot(path=target / "reply-375.png")
    assert console_errors == []
