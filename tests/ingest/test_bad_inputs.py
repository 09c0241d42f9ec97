"""Hostile, damaged and unsupported files are rejected with a reason; the batch goes on."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

import pytest

from replies.ingest.batch import ingest_paths
from replies.ingest.limits import LimitExceeded, run_limited
from replies.ingest.pipeline import Rejected, default_result_classes, parse_bytes
from tests.ingest.render import to_clean_text, to_docx, to_pdf
from tests.ingest.specs import DISTRICT

CLASSES = default_result_classes()


def rejected(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(Rejected) as info:
        parse_bytes(data, name, CLASSES, **kwargs)
    return str(info.value)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_empty_file():
    assert "为空" in rejected(b"", "empty.txt")


def test_file_over_the_size_limit():
    assert "过大" in rejected(b"x" * 2000, "big.txt", max_bytes=1000)


def test_random_bytes_named_pdf():
    assert "不是 PDF" in rejected(os.urandom(60_000), "random.pdf")


def test_truncated_pdf():
    data = to_pdf(DISTRICT)
    assert "不完整" in rejected(data[: len(data) * 2 // 5], "cut.pdf")


def test_pdf_with_a_broken_body_but_an_end_marker():
    data = to_pdf(DISTRICT)
    broken = data[:2000] + os.urandom(3000) + data[-200:]
    assert "PDF" in rejected(broken, "broken.pdf")


def test_pdf_without_a_text_layer():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 200, 200, fill=1)
    c.save()
    assert "文字层" in rejected(out.getvalue(), "scan.pdf")


def test_encrypted_pdf():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.save()
    assert "PDF" in rejected(out.getvalue(), "locked.pdf")


def test_zip_that_is_not_a_word_document():
    data = _zip({"readme.txt": b"hello", "data/blob.bin": os.urandom(4000)})
    assert "word/document.xml" in rejected(data, "junk.docx")


def test_zip_bomb():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (30 * 1024**2)})
    assert len(data) < 200_000
    assert "炸弹" in rejected(data, "bomb.docx")


def test_xml_entity_bomb():
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<w:document>&lol2;</w:document>"
    )
    real = zipfile.ZipFile(io.BytesIO(to_docx(DISTRICT)))
    members = {n: real.read(n) for n in real.namelist()}
    members["word/document.xml"] = lol
    assert "XML" in rejected(_zip(members), "lol.docx")


def test_word_document_with_garbage_xml():
    real = zipfile.ZipFile(io.BytesIO(to_docx(DISTRICT)))
    members = {n: real.read(n) for n in real.namelist()}
    members["word/document.xml"] = b"<not really xml"
    assert "Word" in rejected(_zip(members), "garbage.docx")


def test_extraction_time_limit():
    assert "超时" in rejected(to_pdf(DISTRICT), "slow.pdf", timeout=0.001)
    with pytest.raises(LimitExceeded):
        run_limited(time.sleep, 5, timeout=0.5)


def test_binary_file_named_txt():
    assert "文本" in rejected(b"\x00\x01\x02\x03" * 500, "blob.txt")
    assert "编码" in rejected(b"\x00\xff\x13\x9c" * 500, "blob.txt")


def test_a_news_report_is_rejected():
    news = (
        "市政协召开2024年度提案交办会\n\n本报讯 3月21日上午，市政协、市政府联合召开提案交办会，"
        "将市政协十五届三次会议立案的提案交由各承办单位办理，主办单位要主动牵头，"
        "会办单位要积极配合，在规定时限内办理答复。\n"
    )
    assert "不是提案答复" in rejected(news.encode(), "news.txt")


def test_bad_files_do_not_stop_the_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.pdf").write_bytes(os.urandom(5000))
    (folder / "good.txt").write_text(to_clean_text(DISTRICT), encoding="utf-8")
    (folder / "good.docx").write_bytes(to_docx(DISTRICT))
    out = tmp_path / "json"
    summary = ingest_paths([folder], dry_run=True, json_dir=out, result_classes=CLASSES)
    assert summary.parsed == 2 and len(summary.rejected) == 2
    assert "error" in json.loads((out / "empty.txt.json").read_text(encoding="utf-8"))
    assert json.loads((out / "good.docx.json").read_text(encoding="utf-8"))["number"] == "027"
