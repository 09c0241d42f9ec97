"""Search, narrow with two facets, remove a chip, paginate, read a reply, come back.

Runs on a desktop and a 375-px-wide viewport against the live server, with no console errors.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from replies.models import Reply
from tests.browse.corpus import build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def total(page: Page) -> int:
    return int(page.locator(".result-count strong").inner_text())


def option(page: Page, facet: str, label: str):
    return page.locator(f'section[aria-labelledby="facet-{facet}"] a.option', has_text=label)


def option_count(page: Page, facet: str, label: str) -> int:
    return int(option(page, facet, label).locator(".option-count").inner_text().split()[0])


def state(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_filter_paginate_read_and_come_back(
    live_server, page: Page, console_errors, viewport
):
    build_corpus(count=60)
    public = Reply.objects.public()
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("政协提案答复库"))

    # search with the keyboard
    page.get_by_label("检索答复").fill("提案")
    page.get_by_label("检索答复").press("Enter")
    expect(page.locator(".chip", has_text="关键词：提案")).to_be_visible()
    assert total(page) == public.filter(body__contains="提案").count() == 60

    # first facet: its count is what choosing it gives
    expected = option_count(page, "council", "测试市政协")
    assert expected == public.filter(session__council="测试市政协").count()
    if viewport == "phone":
        page.get_by_role("link", name=re.compile("^筛选条件")).click()
        expect(page).to_have_url(re.compile(r"#filters$"))
    option(page, "council", "测试市政协").click()
    assert total(page) == expected
    assert state(page)["council"] == ["测试市政协"]

    # second facet
    expected = option_count(page, "result", "A类")
    assert expected == public.filter(session__council="测试市政协", result_class="A").count()
    option(page, "result", "A类").click()
    assert total(page) == expected
    metas = page.locator(".result .meta").all_inner_texts()
    assert metas and all("测试市政协" in m for m in metas)
    assert page.locator(".result .badge-a").count() == len(metas)
    expect(option(page, "result", "A类")).to_have_attribute("aria-current", "true")

    # remove a chip: back to the council only, which spans two pages
    page.locator(".chip", has_text="办理结果").click()
    assert "result" not in state(page)
    assert total(page) == public.filter(session__council="测试市政协").count() > 20
    expect(page.locator(".chip", has_text="政协：测试市政协")).to_be_visible()

    # paginate
    page.get_by_role("navigation", name="分页").get_by_role("link", name="下一页").click()
    assert state(page)["page"] == ["2"]
    expect(page.locator(".result-count")).to_contain_text("当前第 21–")
    listing_url = page.url
    first = page.locator(".result-title a").first
    title = first.inner_text()

    # open a reply: query hits marked, TOC anchor works
    first.click()
    expect(page.locator("h1")).to_be_visible()
    assert "/replies/测试市政协/" in page.url or "/replies/%E6%B5%8B" in page.url
    expect(page.locator(".subtitle")).to_contain_text(title)
    assert page.locator(".reply-body mark").count() >= 1
    toc_link = page.locator(".toc a").nth(1)
    target = toc_link.get_attribute("href")
    toc_link.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    heading = page.locator(target)
    expect(heading).to_be_in_viewport()

    # back (past the anchor) to the same listing state
    page.go_back()
    page.go_back()
    assert page.url == listing_url
    expect(page.get_by_label("检索答复")).to_have_value("提案")
    expect(page.locator('.pagination a[aria-current="page"]')).to_contain_text("2")
    expect(page.locator(".chip", has_text="政协：测试市政协")).to_be_visible()

    # nothing overflows sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert console_errors == []


def test_works_without_javascript(live_server, browser, console_errors):
    build_corpus(count=25)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("检索答复").fill("养老")
    page.get_by_role("button", name="搜索").click()
    option(page, "kind", "答复").click()
    assert state(page) == {"q": ["养老"], "kind": ["答复"]}
    page.get_by_label("提案号").fill("第2号")
    page.get_by_role("button", name="应用条件").click()
    assert state(page)["number"] == ["第2号"] and state(page)["q"] == ["养老"]
    expect(page.locator(".chip", has_text="提案号：第002号")).to_be_visible()
    context.close()


def test_keyboard_skip_link_and_focus(live_server, page: Page, console_errors):
    build_corpus(count=5, hidden=0)
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    # the focus ring is visible on links
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert console_errors == []


def test_print_layout_is_one_clean_column(live_server, page: Page, console_errors):
    corpus = build_corpus(count=5, hidden=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/replies/{corpus.public[0].pk}/")
    assert page.evaluate("getComputedStyle(document.querySelector('.reply-layout')).display") == (
        "grid"
    )
    page.emulate_media(media="print")
    layout = page.evaluate("getComputedStyle(document.querySelector('.reply-layout')).display")
    assert layout == "block"
    for hidden in (".site-header", ".site-footer", ".toc", ".breadcrumb", ".related"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".reply-body")).to_be_visible()
    expect(page.locator(".meta-table")).to_be_visible()
    assert console_errors == []
