"""Scanned replies read by OCR: scans made here (tests/ingest/scan.py) of fictional replies.

OCR is slow (seconds per page on a shared machine): each scan is read once per module and
the documents are small (one to three pages).
"""

from __future__ import annotations

import dataclasses
import io
import time
from unittest import mock

import pytest

from replies.ingest import pipeline
from replies.ingest.batch import ingest_paths
from replies.ingest.extract import ExtractionError, extract_bytes, ocr, sniff
from replies.ingest.pipeline import OCR_REVIEW, Rejected, default_result_classes, parse_bytes
from replies.models import Reply, Status
from tests.ingest.render import to_clean_text, to_pdf
from tests.ingest.scan import char_accuracy, rasterise, to_image, to_scanned_pdf
from tests.ingest.specs import COUNTY, COUNTY_FIELDS, DISTRICT, DISTRICT_FIELDS

pytestmark = pytest.mark.skipif(
    not any(ocr.installed(e) for e in ocr.ENGINES), reason="no OCR engine installed"
)

HEADER = ("title", "number", "council", "term", "session", "department", "date")

#: DISTRICT with more of its paragraphs: three printed pages.
LONG = dataclasses.replace(
    DISTRICT,
    paragraphs=[
        *DISTRICT.paragraphs[:-1],
        "四、加强社区商业服务监管",
        "我们将会同区市场监督管理局加强对社区商业网点的日常监管，开展食品安全和价格专项检查，"
        "督促经营者落实主体责任，全年检查社区商业网点410家次，整改问题68个。",
        "同时，我们推动建立居民意见反馈机制，在各街道设立社区商业服务评议点，定期收集居民"
        "对网点布局、服务质量和价格水平的意见，作为年度考核的重要依据。",
        "五、完善社区商业发展保障",
        "区财政每年安排社区商业发展专项资金1200万元，用于标准化菜市场改造、便民服务点建设和"
        "社区食堂运营补贴；对吸纳本区就业困难人员的网点给予岗位补贴。",
        "我们还将加强与各街道的协同，把社区商业网点建设纳入街道年度工作目标，实行季度通报、"
        "年度评估，确保各项措施落到实处，让居民在家门口享受便利。",
        "对您提出的在老旧小区周边增设生鲜便利店的建议，我们已会同规划资源部门梳理可利用的"
        "存量用房37处，计划分两批引入品牌连锁企业，第一批12处将于年内开业。",
        DISTRICT.paragraphs[-1],
    ],
)


def source_text(spec) -> str:
    return to_clean_text(spec)


def read(data: bytes, name: str):
    """(Extracted, ParsedReply) of one file, read once through the real pipeline."""
    seen = []

    def spy(*args, **kwargs):
        seen.append(extract_bytes(*args, **kwargs))
        return seen[-1]

    with mock.patch.object(pipeline, "extract_bytes", spy):
        reply = parse_bytes(data, name, default_result_classes())
    return seen[0], reply


def value(reply, field: str):
    got = getattr(reply, field)
    return got.isoformat() if hasattr(got, "isoformat") else got


def assert_read_well(extracted, reply, spec, fields) -> None:
    text = "".join(line.text for line in extracted.lines)
    accuracy = char_accuracy(text, source_text(spec))
    assert accuracy >= 0.98, (accuracy, text)
    assert {f: value(reply, f) for f in HEADER} == {f: fields[f] for f in HEADER}
    assert reply.needs_review and OCR_REVIEW in reply.review_reasons
    assert float(reply.source_meta["ocr_confidence"]) > 0.9
    assert_pages_carry_their_confidence(extracted, reply)


def assert_pages_carry_their_confidence(extracted, reply) -> None:
    """Each page read: its text, the mean (by characters) and lowest line confidence."""
    pages = extracted.ocr_pages
    assert reply.ocr_pages == pages
    assert [p.number for p in pages] == list(range(1, int(reply.source_meta["ocr_pages"]) + 1))
    for page in pages:
        assert 0 < page.lowest <= page.confidence <= 1 and page.lines > 3
    assert "".join(p.text for p in pages).replace("\n", "") == "".join(
        line.text for line in extracted.lines
    )
    overall = float(reply.source_meta["ocr_confidence"])
    assert min(p.confidence for p in pages) <= overall + 0.0005
    assert max(p.confidence for p in pages) >= overall - 0.0005
    lowest = float(reply.source_meta["ocr_lowest_page_confidence"])
    assert lowest == round(min(p.confidence for p in pages), 3)


@pytest.fixture(scope="module")
def one_page():
    data = to_scanned_pdf(COUNTY, dpi=300, seed=3)
    assert len(rasterise(to_pdf(COUNTY), 10)) == 1
    return read(data, "scan.pdf")


@pytest.fixture(scope="module")
def three_pages():
    assert len(rasterise(to_pdf(LONG), 10)) == 3
    return read(to_scanned_pdf(LONG, dpi=150, seed=4), "scan3.pdf")


def test_a_one_page_scan_at_300_dpi_is_read(one_page):
    extracted, reply = one_page
    assert extracted.format == "pdf-ocr" and reply.source_format == "pdf-ocr"
    assert_read_well(extracted, reply, COUNTY, COUNTY_FIELDS)
    assert reply.source_meta["ocr_pages"] == "1"


def test_a_three_page_scan_at_150_dpi_is_read(three_pages):
    extracted, reply = three_pages
    assert_read_well(extracted, reply, LONG, DISTRICT_FIELDS)
    assert reply.source_meta["ocr_pages"] == "3"
    assert [s.heading for s in reply.sections][-2:] == [
        "加强社区商业服务监管",
        "完善社区商业发展保障",
    ]
    assert not any(p.text.startswith("—") for p in reply.sections)  # page marks dropped


def test_image_files_are_sniffed_by_their_magic_bytes():
    from PIL import Image

    for fmt, kind in (("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff")):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(out, fmt)
        assert sniff(out.getvalue(), "x.bin") == kind


@pytest.mark.django_db
def test_an_image_file_is_saved_as_a_flagged_draft_even_with_publish(tmp_path, settings):
    """A two-frame TIFF (the reply, then a blank back side) read up to the page cap."""
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    settings.ARCHIVE_OCR_MAX_PAGES = 1
    page = Image.open(io.BytesIO(to_image(COUNTY, "JPEG", dpi=150, seed=5)))
    back = Image.new("RGB", page.size, (240, 240, 240))
    out = io.BytesIO()
    page.save(out, "TIFF", save_all=True, append_images=[back], compression="tiff_deflate",
              dpi=(150, 150))  # fmt: skip
    path = tmp_path / "scan.tif"
    path.write_bytes(out.getvalue())
    summary = ingest_paths([path], publish=True)
    assert (summary.created, summary.rejected, summary.needs_review) == (1, [], 1)
    assert OCR_REVIEW in summary.results[0].reason
    reply = Reply.objects.get()
    assert reply.needs_review and reply.status == Status.DRAFT
    assert reply.source_format == "image-ocr"
    assert float(reply.source_meta["ocr_confidence"]) > 0.9
    assert reply.source_meta["ocr_engine"] in ocr.ENGINES
    assert "扫描件共 2 页，只识别了前 1 页（ARCHIVE_OCR_MAX_PAGES）" in reply.warnings
    got = {
        "title": reply.title,
        "number": reply.number,
        "council": reply.session.council,
        "term": reply.session.term,
        "session": reply.session.number,
        "department": reply.department.name,
        "date": reply.reply_date.isoformat(),
    }
    assert got == {f: COUNTY_FIELDS[f] for f in HEADER}
    assert char_accuracy(reply.body, "".join(COUNTY.paragraphs)) >= 0.98, reply.body


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(150, 150))
    return out.getvalue()


def test_a_blank_scan_and_a_noise_only_scan_are_rejected_with_the_reason():
    import numpy as np
    from PIL import Image

    blank = Image.new("L", (620, 877), 245)
    rng = np.random.default_rng(0)
    speckle = np.where(rng.random((877, 620)) < 0.03, 0, 240).astype(np.uint8)
    grain = rng.normal(200, 40, (877, 620)).clip(0, 255).astype(np.uint8)
    for image in (blank, Image.fromarray(speckle), Image.fromarray(grain)):
        with pytest.raises(Rejected) as info:
            parse_bytes(_png(image), "blank.png", default_result_classes())
        assert str(info.value) == ocr.BLANK or "可信度过低" in str(info.value)


def test_the_page_time_limit_stops_a_pathological_page(settings):
    import numpy as np
    from PIL import Image, ImageDraw

    # A page dense with tiny text-like marks: thousands of boxes for the detector.
    rng = np.random.default_rng(1)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for _ in range(20000):
        x, y = int(rng.integers(0, 2470)), int(rng.integers(0, 3500))
        draw.text((x, y), "口", fill=0)
    settings.ARCHIVE_OCR_PAGE_TIMEOUT = 1.5
    start = time.monotonic()
    with pytest.raises(ExtractionError, match=r"第 1 页.*超时"):
        extract_bytes(_png(image), "dense.png")
    assert time.monotonic() - start < 20


def test_without_an_ocr_engine_the_rejection_says_what_to_install(settings):
    from PIL import Image

    page = _png(Image.new("L", (50, 50)))
    with mock.patch.object(ocr, "installed", return_value=False), pytest.raises(Rejected) as info:
        parse_bytes(page, "a.png", {})
    assert "pip install rapidocr-onnxruntime" in str(info.value)
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in str(info.value)
    settings.ARCHIVE_OCR_ENGINE = "tesseract"
    with mock.patch.object(ocr, "installed", return_value=False), pytest.raises(Rejected) as info:
        parse_bytes(page, "a.png", {})
    assert "tesseract-ocr-chi-sim" in str(info.value)


def test_the_file_time_limit_is_shared_by_its_pages(settings):
    from PIL import Image

    settings.ARCHIVE_OCR_FILE_TIMEOUT = 0.001
    with pytest.raises(ExtractionError, match="全文件上限"):
        extract_bytes(_png(Image.new("L", (50, 50), 255)), "a.png")


def test_a_text_layer_of_codes_is_garbage_and_real_text_is_not():
    from replies.ingest.extract.pdf import garbage_text

    def rows(*texts):
        return [
            (0, 800.0 - 20 * k, 780.0 - 20 * k, 80.0, 500.0, 16.0, t) for k, t in enumerate(texts)
        ]

    assert garbage_text(rows("(cid:12)(cid:345)(cid:9)", "(cid:77)(cid:78)"))
    assert garbage_text(rows("\ue000\ue001\ue002\ue003\ue004", "\x01\x02\x03"))
    assert not garbage_text(
        rows("对静安区政协第十四届三次会议第027号提案的答复", "联系电话：62531234")
    )


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(settings):
    from PIL import Image

    settings.ARCHIVE_OCR_MAX_PIXELS = 100 * 100
    with pytest.raises(ExtractionError, match="图像过大"):
        extract_bytes(_png(Image.new("L", (150, 150), 255)), "big.png")
    with pytest.raises(ExtractionError, match="图像过大"):
        extract_bytes(_png(Image.new("L", (300, 300), 255)), "bomb.png")


def test_stream_limited_gives_items_as_they_come_and_kills_a_late_one():
    from replies.ingest.limits import LimitExceeded, stream_limited
    from tests.ingest.scan import slow_second_item

    assert list(stream_limited(slow_second_item, 0, each=lambda k: 10)) == ["first", "second"]
    got = []
    start = time.monotonic()
    with pytest.raises(LimitExceeded, match="超时"):
        got.extend(stream_limited(slow_second_item, 30, each=lambda k: 10 if k == 0 else 0.5))
    assert got == ["first"] and time.monotonic() - start < 10
