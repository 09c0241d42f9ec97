"""The admin import of a scanned reply, in a browser: the preview shows the page image beside
the text read and the OCR confidence, flagged 文字识别 · 需核对; confirmed, it is a draft.

The scan is made here (tests/ingest/scan.py: a fictional reply printed, sealed, tilted and
noisy, as an image-only PDF) and read by the real OCR engine, twice (preview and save).
The screenshot goes to a temporary folder; with SAVE_SCREENSHOTS=1 to docs/screenshots/.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from replies.ingest.extract import ocr
from replies.ingest.page_image import WIDTH
from replies.ingest.pipeline import OCR_REVIEW
from replies.models import Reply, Status
from tests.browser.test_curation_flow import DOCS, log_in, staff
from tests.ingest.scan import to_scanned_pdf
from tests.ingest.specs import COUNTY, COUNTY_FIELDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not any(ocr.installed(e) for e in ocr.ENGINES), reason="no OCR engine installed"
    ),
]


def test_a_scanned_reply_is_previewed_with_its_page_image_and_saved_as_a_flagged_draft(
    live_server, page: Page, console_errors, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    target = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(to_scanned_pdf(COUNTY, dpi=150, seed=3))
    staff("luru", "录入")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(120_000)  # OCR takes tens of seconds on a loaded machine
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    log_in(page, base, "luru")
    page.goto(base + "/admin/replies/reply/import/")
    expect(page.locator(".help")).to_contain_text("png/jpeg/tiff 图片经文字识别读取")
    page.set_input_files("input[name=document]", str(scan))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("tr.import-row[data-verdict=需要核对]")).to_contain_text("扫描件.pdf")
    expect(page.locator(".import-file .errornote")).to_contain_text(OCR_REVIEW)
    expect(page.locator(".ocr-overall")).to_have_text(re.compile(r"^(9\d|100)\.\d%$"))
    pages = page.locator(".ocr-page")
    expect(pages).to_have_count(1)
    expect(pages.locator("h4")).to_contain_text(
        re.compile(r"第 1 页 · 识别可信度：平均 (9\d|100)\.\d%，最低 \d+\.\d%")
    )
    expect(page.locator(".ocr-low")).to_have_count(0)  # a clean scan: no page marked
    expect(pages.locator(".ocr-read")).to_contain_text(COUNTY_FIELDS["department"])
    image = pages.locator("img")
    image.scroll_into_view_if_needed()
    expect(image).to_have_attribute("alt", "扫描件.pdf 第 1 页扫描图像")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == WIDTH
    box = image.bounding_box()
    text = pages.locator(".ocr-read").bounding_box()
    assert box and text and box["x"] + box["width"] <= text["x"]  # side by side
    expect(page.locator("input[name=publish][value='1']")).to_have_count(0)  # 录入: drafts
    page.screenshot(path=target / "admin-import-scan.png", full_page=True)

    page.locator("input[value=保存所选文件]").click()
    expect(page.locator(".messagelist")).to_contain_text(OCR_REVIEW)
    expect(page.locator(".messagelist")).to_contain_text("已存为草稿")
    reply = Reply.objects.get()
    expect(page).to_have_url(re.compile(rf"/admin/replies/reply/{reply.pk}/change/$"))
    assert reply.status == Status.DRAFT and reply.needs_review
    assert reply.source_format == "pdf-ocr" and reply.number == COUNTY_FIELDS["number"]
    assert float(reply.source_meta["ocr_confidence"]) > 0.9
    # No Content-Security-Policy violation; the only failed load is the admin's favicon.
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    assert {url.rsplit("/", 1)[-1] for url in failed} <= {"favicon.ico"}, failed
