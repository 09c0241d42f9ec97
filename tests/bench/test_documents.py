"""The document renderer: every format carries every paragraph, deterministically."""

from __future__ import annotations

import copy
import re

import pytest

from bench.documents import (
    EXTENSIONS,
    file_name,
    make_rng,
    render,
    render_text,
    stray_blanks,
    text_units,
    wrap,
)
from bench.specs import FORMATS, derive_sections
from tests.bench.extracted import flat_text, missing_paragraphs, squeeze, text_of

PARAGRAPHS = [
    "王某某委员提出的《关于加强政务网站安全防护的建议》收悉，现将办理情况答复如下：",
    "一、基本情况",
    "2023年，全市政务网站共拦截攻击1.2万次，其中在留言栏插入<script>标签的跨站脚本攻击"
    "占37%，我们已对输入内容统一转义，对“&”“<”“>”等字符逐一过滤。",
    "（一）推进5G和AI应用。全年建成5G基站１２６个，AI辅助巡检覆盖率达到95.5%。",
    "二、下一步工作",
    "一是加强防护。古人云：“防患於未然，見微而知著。”我们将持续完善制度，"
    "建立健全网络安全责任体系，定期开展攻防演练和应急处置，确保政务网站安全稳定运行。" * 3,
    "感谢您对我市网络安全工作的关心和支持！",
]
SPEC = {
    "id": "unit",
    "format": "txt-pdf-extract",
    "title": "对测试市政协十四届二次会议第018号提案的答复",
    "council": "测试市政协",
    "term": 14,
    "session": 2,
    "number": "018",
    "doc_kind": "答复",
    "result": None,
    "result_class": "A",
    "signer": "李某某",
    "proposer": "王某某委员",
    "sector": None,
    "proposal_title": "关于加强政务网站安全防护的建议",
    "department": "测试市大数据管理局",
    "co_departments": [],
    "date": "2023-06-30",
    "disclosure": "公开发布",
    "contact_name": "赵某",
    "contact_phone": "0765-82000000",
    "address": "测试市人民路1号",
    "postcode": "418000",
    "sections": derive_sections(PARAGRAPHS),
    "paragraphs": PARAGRAPHS,
}
CASES = [
    ("txt-pdf-extract", "utf-8"),
    ("txt-pdf-extract", "gb18030"),
    ("txt-clean", "utf-8"),
    ("txt-clean", "gb18030"),
    ("docx", None),
    ("pdf", None),
    ("html", "utf-8"),
    ("html", "gbk"),
]


@pytest.mark.parametrize(("fmt", "encoding"), CASES)
def test_every_rendering_keeps_every_paragraph_in_order(fmt, encoding):
    for seed in range(3 if fmt.startswith("txt") else 1):
        data = render(SPEC, fmt, encoding=encoding, seed=seed)
        text = text_of(data, fmt, encoding)
        assert missing_paragraphs(PARAGRAPHS, text, fmt) == []
        flat = flat_text(text, fmt)
        for printed in (
            "测试市政协",
            "第018号提案",
            "李某某",
            "测试市大数据管理局",
            "（此件公开发布）",
        ):
            assert printed in flat, (fmt, printed)


@pytest.mark.parametrize(("fmt", "encoding"), CASES)
def test_rendering_is_deterministic(fmt, encoding):
    assert render(SPEC, fmt, encoding=encoding, seed=5) == render(
        SPEC, fmt, encoding=encoding, seed=5
    )


def test_seed_changes_the_text_layout():
    outputs = {render_text(SPEC, "txt-pdf-extract", seed=s) for s in range(6)}
    assert len(outputs) > 1


def test_render_does_not_modify_the_spec():
    before = copy.deepcopy(SPEC)
    for fmt in FORMATS:
        render(SPEC, fmt)
    assert before == SPEC


def test_pdf_extract_looks_like_pdf_text():
    for seed in range(8):
        text = render_text(SPEC, "txt-pdf-extract", seed=seed)
        lines = text.split("\n")
        assert lines[0].startswith(" ") and not lines[0].startswith("  ")
        for index, line in enumerate(lines[:-1]):
            following = lines[index + 1]
            if not line or following == "" or following.startswith(" "):
                continue  # a blank after the line, or a new page starts
            assert squeeze(line + following) == SPEC["title"], line  # the title's two lines
        body = [ln.strip() for ln in lines if ln.strip()]
        assert not any(ln[0] in "，。、；：？！）》”" for ln in body)
        assert max(text_units(ln) for ln in body if "联系" not in ln and "地址" not in ln) <= 31


def test_pdf_extract_page_starts_with_one_space():
    text = render_text({**SPEC, "hints": {"page_lines": 10, "page_numbers": None}}, seed=1)
    starts = [ln for ln in text.split("\n") if ln.startswith(" ")]
    assert len(starts) >= 3
    for index, line in enumerate(text.split("\n")):
        if line.startswith(" ") and index:
            assert text.split("\n")[index - 1] != ""


def test_wrap_keeps_latin_runs_whole_and_respects_width():
    text = "全市建成5G基站3260个，AI应用场景覆盖率达到95.5%，数据中心PUE值降至1.25以下。" * 2
    lines = wrap(text, 20, 18)
    assert "".join(lines) == text
    assert all(text_units(line) <= 21 for line in lines)
    assert not any(line[0] in "，。、" for line in lines)
    assert all("PUE" in line for line in lines if "PU" in line)


def test_stray_blanks_touch_only_cjk_boundaries():
    rng = make_rng(SPEC, "x")
    out = stray_blanks("约310亿元（2021年）增长18%，", rng, 1.0)
    assert squeeze(out) == "约310亿元（2021年）增长18%，"
    assert "（ " not in out and " ，" not in out


def test_clean_text_has_one_paragraph_per_line():
    hints = {"indent": "　　", "blank_lines": False, "crlf": True, "title_lines": 1}
    text = render({**SPEC, "hints": hints}, "txt-clean").decode()
    lines = text.split("\r\n")
    for paragraph in PARAGRAPHS:
        assert "　　" + paragraph in lines


def test_gbk_html_declares_its_charset_and_escapes_text():
    data = render(SPEC, "html", encoding="gbk")
    head = data[:1024].decode("ascii", errors="replace").lower()
    assert re.search(r"charset=gbk", head)
    page = data.decode("gbk")
    assert "<script>标签" not in page
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    assert all("标签" not in (tag.string or "") for tag in soup("script"))
    assert "<script>标签" in squeeze(text_of(data, "html"))
    utf8 = render(SPEC, "html", encoding="utf-8")
    assert b'<meta charset="utf-8">' in utf8[:1024]


def test_html_has_disclosure_page_chrome():
    page = render(SPEC, "html").decode()
    for part in ("索引号", "发布机构", "成文日期", "发布日期", "<h1", "当前位置", "ICP备案号"):
        assert part in page
    assert "text-indent" in page


def test_pdf_text_layer_reads_back_with_pdfminer():
    import io

    from pdfminer.high_level import extract_text

    text = extract_text(io.BytesIO(render(SPEC, "pdf")))
    assert missing_paragraphs(PARAGRAPHS, text, "pdf") == []


def test_docx_header_table_and_class_in_page_header():
    hints = {
        "header_table": True,
        "docx_corner": "header",
        "co_line": "会办单位",
        "corner_mark": True,
    }
    spec = {**SPEC, "result": "解决或采纳", "hints": hints, "co_departments": ["测试市财政局"]}
    import io

    import docx

    document = docx.Document(io.BytesIO(render(spec, "docx")))
    assert document.sections[0].header.paragraphs[0].text == "A"
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "办理结果：解决或采纳" in cells and "签发人：李某某" in cells
    assert "会办单位：测试市财政局" in cells


def test_file_names_follow_the_format():
    assert file_name(SPEC) == "unit.txt"
    assert {file_name(SPEC, f).rsplit(".", 1)[1] for f in FORMATS} == set(EXTENSIONS.values())
