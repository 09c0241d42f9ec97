"""Damaged and hostile files are rejected with the real cause, built byte by byte here."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from lxml import etree

from replies.ingest.extract import ExtractionError, docx, html, ocr, pdf
from replies.ingest.extract.base import run_parser
from replies.ingest.pipeline import default_result_classes, parse_bytes
from tests.ingest.render import to_docx, to_html, to_pdf
from tests.ingest.specs import DISTRICT, DISTRICT_FIELDS
from tests.ingest.test_bad_inputs import _zip, rejected

CLASSES = default_result_classes()

#: Nine levels of ten: a billion "lol"s if a parser expanded it.
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    '<!ENTITY lol{} "{}">'.format(i, f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10)
    for i in range(1, 10)
)


def _docx_members() -> dict[str, bytes]:
    real = zipfile.ZipFile(io.BytesIO(to_docx(DISTRICT)))
    return {n: real.read(n) for n in real.namelist()}


def _xref_table(data: bytes) -> tuple[int, int]:
    """(start, end) of the entries of the PDF's classic cross-reference table."""
    m = re.search(rb"\nxref\s+0 (\d+)\s+", data)
    assert m, "reportlab writes a classic xref table"
    return m.end(), m.end() + 20 * int(m.group(1))


# --------------------------------------------------------------------------- PDF


def test_pdf_whose_xref_offsets_are_garbage_is_damaged_not_scanned():
    data = to_pdf(DISTRICT)
    start, end = _xref_table(data)
    entries = re.sub(rb"\d{10} 00000 n", b"0000000009 00000 n", data[start:end])
    reason = rejected(data[:start] + entries + data[end:], "xref.pdf")
    assert reason.startswith(pdf.BROKEN_XREF)
    assert "文字层" not in reason


def test_pdf_whose_xref_is_truncated_is_recovered_by_scanning():
    data = to_pdf(DISTRICT)
    start, end = _xref_table(data)
    cut = data[: start + (end - start) // 2] + b"\n" + data[data.index(b"trailer", end) :]
    assert b"%%EOF" in cut[-100:]
    assert parse_bytes(cut, "cut-xref.pdf", CLASSES).title == DISTRICT_FIELDS["title"]


def test_pdf_without_a_document_catalog():
    data = to_pdf(DISTRICT).replace(b"/Root", b"/Xoot")
    assert rejected(data, "noroot.pdf").startswith(pdf.NO_ROOT)
    assert rejected(b"%PDF-1.4\n" + b"\x8f" * 4000 + b"\n%%EOF\n", "junk.pdf").startswith(
        pdf.NO_ROOT
    )


def test_pdf_with_only_a_blank_image_is_a_scan_without_text():
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawImage(ImageReader(Image.new("L", (60, 80), 200)), 50, 50, 300, 400)
    c.save()
    assert rejected(out.getvalue(), "scan.pdf") == ocr.BLANK


def test_pdf_with_only_vector_graphics_has_no_text_layer():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 200, 200, fill=1)
    c.save()
    assert rejected(out.getvalue(), "shapes.pdf") == pdf.NO_TEXT


# --------------------------------------------------------------------------- XML entities


@pytest.mark.parametrize("name", ["reply.xhtml", "reply.html", "reply"])
def test_xhtml_page_with_an_entity_bomb(name):
    body = to_html(DISTRICT).split(b"<body", 1)[1].split(b">", 1)[1]
    page = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [' + LAUGHS.encode() + b"]>\n"
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
        b"<body><p>&lol9;</p>" + body
    )
    assert rejected(page, name) == html.DTD_IN_PAGE


def test_plain_xhtml_page_with_an_xml_declaration_is_read_as_a_page():
    page = to_html(DISTRICT).replace(b"<!DOCTYPE html>", b'<?xml version="1.0"?>\n<!DOCTYPE html>')
    assert parse_bytes(page, "reply", CLASSES).title == DISTRICT_FIELDS["title"]


def _bomb_document(members: dict[str, bytes], prefix: bytes) -> bytes:
    decl, rest = members["word/document.xml"].split(b"?>", 1)
    rest = rest.replace(b"</w:body>", b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>")
    return decl + b"?>" + prefix + b"<!DOCTYPE w:document [" + LAUGHS.encode() + b"]>" + rest


def test_docx_entity_bomb_after_a_long_comment():
    members = _docx_members()
    members["word/document.xml"] = _bomb_document(members, b"<!--" + b"x" * 10_000 + b"-->")
    reason = rejected(_zip(members), "late.docx")
    assert reason == docx.XML_BOMB.format(part="word/document.xml")


def test_docx_entity_bomb_in_utf16():
    members = _docx_members()
    xml = _bomb_document(members, b"").replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    members["word/styles.xml"] = xml.decode("utf-8").encode("utf-16")
    assert rejected(_zip(members), "u16.docx") == docx.XML_BOMB.format(part="word/styles.xml")


def test_docx_svg_image_with_a_doctype_is_not_a_bomb():
    members = _docx_members()
    members["word/media/logo.svg"] = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    )
    assert parse_bytes(_zip(members), "svg.docx", CLASSES).title == DISTRICT_FIELDS["title"]


def test_docx_entity_bomb_that_reaches_the_parser_is_named():
    # The child's own check, for a bomb the zip scan did not see.
    members = _docx_members()
    members["word/document.xml"] = _bomb_document(members, b"")
    with pytest.raises(ExtractionError) as info:
        docx._docx_lines(_zip(members))
    assert str(info.value) == docx.XML_BOMB.format(part="XML 部件")


def test_docx_with_malformed_xml_says_so():
    members = _docx_members()
    members["word/document.xml"] = b"<not really xml"
    assert rejected(_zip(members), "garbage.docx").startswith(
        "Word 文档已损坏（内部 XML 格式错误）"
    )


# --------------------------------------------------------------------------- child limits


def test_child_out_of_memory_names_the_memory_limit():
    with pytest.raises(ExtractionError) as info:
        run_parser(bytes, 10**12, 30, "PDF 文件")
    assert str(info.value).startswith("PDF 文件解析时内存超出上限（2048 MB）")


def test_child_time_limit_names_the_time():
    with pytest.raises(ExtractionError) as info:
        run_parser(time.sleep, 5, 0.5, "网页")
    assert str(info.value).startswith("网页解析失败：处理超时（超过 0.5 秒）")


def test_unpicklable_child_error_keeps_its_type_name():
    with pytest.raises(ExtractionError) as info:
        run_parser(etree.fromstring, b"<not xml", 30, "Word 文档")
    assert str(info.value).startswith("Word 文档已损坏或无法解析（XMLSyntaxError）")
    assert "RuntimeError" not in str(info.value)
