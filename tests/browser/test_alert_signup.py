"""Subscribing by email from a result page, in chromium: the form carries the query and the
filters, the confirmation link from the email confirms, no console (CSP) errors."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from replies.alerts.models import Subscription
from tests.alerts.conftest import link
from tests.browse.corpus import build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_from_a_result_page(live_server, page: Page, console_errors, mailoutbox):
    build_corpus(count=12, hidden=2)
    page.goto(live_server.url + "/?q=提案&council=长宁区政协&sort=oldest")
    form = page.get_by_role("region", name="邮件订阅")
    expect(form).to_be_visible()
    form.get_by_label("邮箱").fill("Reader@Example.com")
    form.get_by_role("button", name="订阅这些答复的更新").click()
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("reader@example.com")
    assert not Subscription.objects.exists()

    (message,) = mailoutbox
    assert message.to == ["reader@example.com"]
    assert "“提案”" in message.body and "长宁区政协" in message.body
    page.goto(live_server.url + link(message.body, "confirm"))
    expect(page.get_by_text("订阅内容：“提案”")).to_be_visible()
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("heading", name="订阅已确认")).to_be_visible()

    subscription = Subscription.objects.get()
    assert subscription.email == "reader@example.com"
    assert subscription.params == {"q": "提案", "council": "长宁区政协"}  # no sort or page
    page.get_by_role("link", name="查看和取消这个地址的全部订阅").click()
    assert urlsplit(page.url).path.startswith("/alerts/manage/")
    expect(page.locator(".alert-list li")).to_contain_text("“提案”，政协：长宁区政协")
    assert console_errors == []
