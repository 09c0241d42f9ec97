"""The admin import preview of scans: page images (a staff-only view), confidence marks,
and the reading kept from the preview for saving.

No OCR runs here (the browser test tests/browser/test_scan_import.py reads a scan end to
end): the pages are rendered from scans made by tests/ingest/scan.py, and the preview's
marks are checked on pages with given confidences.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from replies import admin_import
from replies.ingest.extract import ExtractionError
from replies.ingest.extract.base import OcrPage
from replies.ingest.page_image import WIDTH, page_jpeg
from replies.ingest.parsed import ParsedReply, Section
from replies.ingest.pipeline import OCR_REVIEW
from replies.models import Reply
from tests.ingest.scan import to_scanned_pdf
from tests.ingest.specs import COUNTY

JPEG = b"\xff\xd8\xff"


@pytest.fixture(scope="module")
def scan() -> bytes:
    """A one-page scanned reply (image-only PDF, 150 dpi)."""
    return to_scanned_pdf(COUNTY, dpi=150, seed=3)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"


def size(jpeg: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(jpeg)).size


def test_a_scanned_pdf_page_renders_as_a_small_jpeg(scan):
    image = page_jpeg(scan, 1)
    assert image.startswith(JPEG)
    width, height = size(image)
    assert width == WIDTH and 1.35 < height / width < 1.48  # an A4 page
    with pytest.raises(ExtractionError, match="PDF 没有第 2 页"):
        page_jpeg(scan, 2)


def test_each_frame_of_a_tiff_renders_and_other_files_are_refused():
    from PIL import Image

    big = Image.new("RGB", (1240, 1754), (250, 250, 250))
    small = Image.new("RGB", (300, 400), (20, 20, 20))
    out = io.BytesIO()
    big.save(out, "TIFF", save_all=True, append_images=[small])
    tiff = out.getvalue()
    assert size(page_jpeg(tiff, 1)) == (WIDTH, 990)
    assert size(page_jpeg(tiff, 2)) == (300, 400)  # never enlarged
    with pytest.raises(ExtractionError, match="图像文件没有第 3 页"):
        page_jpeg(tiff, 3)
    with pytest.raises(ExtractionError, match="没有页面图像"):
        page_jpeg("答复正文".encode(), 1)


@pytest.mark.django_db
def test_the_page_view_is_only_for_staff_who_may_import(scan, client, admin_client):
    token = admin_import._store([("scan.pdf", scan)])
    url = reverse("admin:replies_reply_import_page", args=(token, 0, 1))
    got = admin_client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got.content.startswith(JPEG) and size(got.content)[0] == WIDTH
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(User.objects.create_user("reader", is_staff=True))
    assert client.get(url).status_code == 403  # staff without the import permission
    for args in ((token, 0, 2), (token, 1, 1), ("x" * 32, 0, 1)):
        got = admin_client.get(reverse("admin:replies_reply_import_page", args=args))
        assert got.status_code == 404, args
    assert Reply.objects.count() == 0


@pytest.mark.django_db
def test_the_preview_shows_each_page_and_marks_the_doubtful_ones(admin_user):
    parsed = ParsedReply(
        title="关于某某的答复（示例数据）",
        source_format="pdf-ocr",
        source_meta={"ocr_confidence": "0.9512"},
        ocr_pages=[
            OcrPage(1, "第一页读到的<文字>", 0.987, 0.91, 20),
            OcrPage(2, "模糊的一页", 0.62, 0.31, 4),
            OcrPage(3, "", 0.0, 0.0, 0),
        ],
    )
    item = admin_import.Item(0, "scan.pdf", parsed)
    item.pages = admin_import.scan_pages("t" * 32, item)
    assert [p.low for p in item.pages] == [False, True, True]
    request = RequestFactory().get("/")
    request.user = admin_user
    html = render_to_string(
        "admin/replies/reply/import.html",
        {"step": "preview", "token": "t" * 32, "items": [item], "opts": Reply._meta},
        request=request,
    )
    assert '全文文字识别可信度 <span class="ocr-overall">95.1%</span>' in html
    assert "第 1 页 · 识别可信度：平均 98.7%，最低 91.0%" in html
    assert "第一页读到的&lt;文字&gt;" in html  # document text is escaped
    assert html.count('class="ocr-page ocr-low"') == 2
    assert "可信度低，请重点核对" in html and "本页没有识别出文字" in html
    for n in (1, 2, 3):
        url = reverse("admin:replies_reply_import_page", args=("t" * 32, 0, n))
        assert f'src="{url}"' in html
    assert "style=" not in html.split('id="content-main"')[1]


def fictional_scan_reading() -> ParsedReply:
    """What OCR might have read from a scan (示例数据), with every kind of field set."""
    return ParsedReply(
        title="对某某县政协第十二届四次会议第901号提案的答复（示例数据）",
        council="某某县政协",
        term=12,
        session=4,
        number="901",
        date=datetime.date(2022, 7, 11),
        department="某某县交通运输局",
        sections=[Section(1, "关于停车", start=1, text="第一段。")],
        paragraphs=["尊敬的某某委员：", "一、关于停车", "第一段。"],
        source_format="pdf-ocr",
        source_meta={"ocr_engine": "rapidocr", "ocr_confidence": "0.990"},
        read_from={"title": "标题"},
        needs_review_reasons=[OCR_REVIEW],
        ocr_pages=[OcrPage(1, "尊敬的某某委员：\n第一段。", 0.99, 0.95, 2)],
    )


def test_a_reading_survives_its_round_trip_through_json():
    parsed = fictional_scan_reading()
    state = json.loads(json.dumps(parsed.to_state()))
    assert ParsedReply.from_state(state) == parsed


def test_a_kept_reading_that_cannot_be_read_back_is_ignored():
    token = admin_import._store([("scan.pdf", b"%PDF-1.4")])
    admin_import._keep(token, 0, fictional_scan_reading())
    assert admin_import._kept(token, 0) == fictional_scan_reading()
    kept = admin_import.pending_dir() / token / "0.parsed.json"
    for junk in ("{", '{"title": "x"}', '{"unknown": 1}'):
        kept.write_text(junk, encoding="utf-8")
        assert admin_import._kept(token, 0) is None, junk


@pytest.mark.django_db
def test_saving_a_previewed_scan_uses_the_reading_kept_from_the_preview(scan, admin_client):
    """Confirming does not OCR the scan again: the reply is what the preview showed."""
    token = admin_import._store([("scan.pdf", scan)])
    admin_import._keep(token, 0, fictional_scan_reading())
    page = admin_client.post(reverse("admin:replies_reply_import"), {"token": token})
    assert page.status_code == 302
    reply = Reply.objects.get()
    assert reply.number == "901" and reply.title.endswith("（示例数据）")
    assert reply.needs_review and reply.source_format == "pdf-ocr"
    assert admin_import._load(token) is None  # the pending file and its reading are gone
