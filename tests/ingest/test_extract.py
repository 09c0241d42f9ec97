"""Extraction per format: encodings, sniffing, web pages, Word parts, legacy formats."""

from __future__ import annotations

import dataclasses
import io
import stat
import zipfile
from pathlib import Path

import pytest

from replies.ingest.extract import ExtractionError, decode_text, extract_bytes, legacy, sniff
from replies.ingest.pipeline import default_result_classes, parse_bytes
from tests.ingest.render import to_docx, to_html, to_pdf
from tests.ingest.specs import CASES, DISTRICT

CLASSES = default_result_classes()
SHORT = "提案收悉，现答复如下。"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_text_encodings(encoding):
    text, _ = decode_text(SHORT.encode(encoding))
    assert text.lstrip("\ufeff") == SHORT


def test_short_gb18030_is_not_mistaken_for_another_encoding():
    for n in (2, 4, 8):
        assert decode_text(SHORT[:n].encode("gb18030"))[0] == SHORT[:n]


def test_undecodable_bytes_are_rejected():
    with pytest.raises(ExtractionError, match="编码"):
        decode_text(bytes(range(128, 256)) * 3 + b"\x00\x01\x02" * 50)


def test_sniffing_by_content():
    docx = to_docx(DISTRICT)
    assert sniff(to_pdf(DISTRICT), "a.txt") == "pdf"
    assert sniff(docx, "a.pdf") == "docx"
    assert sniff(to_html(DISTRICT), "a.txt") == "html"
    assert sniff("对某市政协提案的答复".encode(), "a.html") == "text"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a.doc") == "ole"
    assert sniff(b"{\\rtf1\\ansi hello}", "a.doc") == "rtf"
    junk = io.BytesIO()
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert sniff(junk.getvalue(), "a.docx") == "zip"


def _fields(data: bytes, name: str) -> dict:
    return parse_bytes(data, name, CLASSES).to_json()


def _all_text(data: dict) -> str:
    return str(data)


def test_html_drops_chrome_and_reads_metadata():
    reply = parse_bytes(to_html(DISTRICT, charset="gbk"), "page.html", CLASSES)
    text = _all_text(reply.to_json())
    for chrome in ("首页", "政务公开", "ICP", "打印本页", "分享到", "广告", "来源"):
        assert chrome not in text, chrome
    assert reply.source_meta["索引号"] == "000014349/2024-00001"
    assert reply.source_meta["发布机构"] == "静安区商务委员会"
    assert reply.source_format == "html"


HOSTILE = (
    '<p style="display:none">隐藏的推广文字</p>'
    '<div class="hide-me">样式表隐藏的文字</div>'
    "<p hidden>属性隐藏的文字</p>"
    '<script>alert("xss")</script><style>p{color:red}</style>'
    '<img src="x" onerror="alert(2)"><iframe src="javascript:alert(3)"></iframe>'
    "<noscript>请启用脚本</noscript><!-- 注释里的文字 -->"
)


def test_html_never_carries_markup_or_script_into_a_field():
    spec, expected = CASES["district"]
    page = to_html(spec, extra_body=HOSTILE)
    data = _fields(page, "page.html")
    text = _all_text(data)
    for bad in ("隐藏", "alert", "xss", "onerror", "<", "color:red", "请启用脚本", "注释"):
        assert bad not in text, bad
    assert data["department"] == expected["department"]


def _with_paragraph(spec, index: int, text: str):
    paragraphs = list(spec.paragraphs)
    paragraphs[index] = text
    return dataclasses.replace(spec, paragraphs=paragraphs)


def test_html_escaped_script_blocks_are_removed_with_a_warning():
    spec, _ = CASES["district"]
    injected = spec.paragraphs[1] + "<script>alert(1)</script><img src=x onerror='x()'>"
    data = _fields(to_html(_with_paragraph(spec, 1, injected)), "page.html")
    assert "alert" not in _all_text(data) and "onerror" not in _all_text(data)
    assert data["paragraphs"][1] == spec.paragraphs[1]
    assert any("脚本" in w for w in data["warnings"])


def test_html_prose_that_mentions_a_tag_is_kept():
    spec, _ = CASES["district"]
    prose = "留言栏曾被插入<script>标签，我们已对“<”“>”等字符统一转义。"
    data = _fields(to_html(_with_paragraph(spec, 1, prose)), "page.html")
    assert data["paragraphs"][1] == prose


def test_docx_text_box_letter_is_read_once():
    spec, _ = CASES["county_letter"]
    result = extract_bytes(to_docx(spec, mark_in="textbox"), "a.docx")
    assert [line.text for line in result.lines].count("B") == 1
    assert any(line.part == "textbox" for line in result.lines)


def test_docx_page_header_and_table_are_read():
    spec, _ = CASES["district"]
    result = extract_bytes(to_docx(spec, header_table=True), "a.docx")
    texts = [line.text for line in result.lines]
    assert any("办理结果" in t and "解决或采纳" in t and "签发人" in t for t in texts)
    spec2, _ = CASES["county_letter"]
    result2 = extract_bytes(to_docx(spec2, mark_in="header"), "a.docx")
    assert result2.lines[0].text == "B" and result2.lines[0].part == "header"


def test_legacy_word_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(legacy, "libreoffice", lambda: None)
    with pytest.raises(ExtractionError, match="LibreOffice"):
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "old.doc")


def test_legacy_word_is_converted_with_libreoffice(monkeypatch, tmp_path):
    # A stand-in for soffice: "converts" by writing a prepared .docx into --outdir.
    spec, expected = CASES["district"]
    docx_file = tmp_path / "converted.docx"
    docx_file.write_bytes(to_docx(spec))
    script = tmp_path / "soffice"
    script.write_text(
        f'#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\ncp {docx_file} "$2/input.docx"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(legacy, "libreoffice", lambda: str(script))
    reply = parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "old.wps", CLASSES)
    assert reply.title == expected["title"] and reply.source_format == "wps"


def test_fixture_seed_reply_parses(tmp_path):
    seed = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "000_fa60406ec82d6d85.txt"
    reply = parse_bytes(seed.read_bytes(), seed.name, CLASSES)
    assert (reply.council, reply.number, reply.result_class) == ("长宁区政协", "005", "A")
    assert reply.department == "长宁区科学技术委员会" and len(reply.sections) == 6
