"""Every format, end to end: a rendered reply parses to the fields it was written with."""

from __future__ import annotations

import random

import pytest

from replies.ingest.pipeline import default_result_classes, parse_bytes
from tests.ingest.render import to_clean_text, to_docx, to_html, to_pdf, to_pdf_extract_text
from tests.ingest.specs import CASES, comparable

CLASSES = default_result_classes()


def _flat(items: list[str]) -> list[str]:
    return ["".join(x.split()) for x in items]


def check(case: str, data: bytes, name: str) -> None:
    spec, expected = CASES[case]
    reply = parse_bytes(data, name, CLASSES)
    assert comparable(reply.to_json()) == expected
    assert _flat(reply.paragraphs) == _flat(spec.paragraphs)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_clean_text(case: str, encoding: str) -> None:
    spec, _ = CASES[case]
    check(case, to_clean_text(spec).encode(encoding), "reply.txt")


@pytest.mark.parametrize("case", CASES)
def test_clean_text_variants(case: str) -> None:
    spec, _ = CASES[case]
    text = to_clean_text(spec, indent="    ", blank=True, newline="\r\n")
    check(case, text.encode("utf-8"), "reply.txt")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", range(4))
def test_pdf_extracted_text(case: str, seed: int) -> None:
    spec, _ = CASES[case]
    rng = random.Random(seed)
    style = ["dash", "hyphen", "of", "bare"][seed]
    text = to_pdf_extract_text(spec, rng, full=24 + seed + (case == "county"), page_numbers=style)
    check(case, text.encode("gb18030" if seed % 2 else "utf-8"), "reply.txt")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    ("mark_in", "table"), [("paragraph", False), ("header", True), ("textbox", False)]
)
def test_docx(case: str, mark_in: str, table: bool) -> None:
    spec, _ = CASES[case]
    check(case, to_docx(spec, header_table=table, mark_in=mark_in), "reply.docx")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("justify", "numbers"), [(True, "dash"), (False, "of")])
def test_pdf(case: str, justify: bool, numbers: str) -> None:
    spec, _ = CASES[case]
    check(case, to_pdf(spec, justify=justify, page_numbers=numbers), "reply.pdf")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("style", "charset"), [("p", "utf-8"), ("br", "gbk"), ("mso", "gb2312")])
def test_html(case: str, style: str, charset: str) -> None:
    spec, _ = CASES[case]
    check(case, to_html(spec, style=style, charset=charset), "reply.html")


def test_format_is_sniffed_from_content_not_name() -> None:
    spec, _ = CASES["district"]
    check("district", to_pdf(spec), "reply.txt")
    check("district", to_docx(spec), "reply.bin")
    check("district", to_html(spec), "page")
