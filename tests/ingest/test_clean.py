"""Each cleaning rule on small texts written for the test."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from replies.ingest.clean import clean, looks_wrapped, tidy, unwrap
from replies.ingest.extract import Extracted, text_lines
from replies.ingest.extract.pdf_layout import layout_lines
from tests.ingest.render import wrap

PARAS = [
    "区民政局提出的关于“关于加强社区养老服务设施建设的建议”的提案收悉，现将办理情况答复如下：",
    "近年来，我区持续推进社区养老服务设施建设，新建社区综合为老服务中心六家，"
    "改造老年人日间照护机构十二家，基本形成覆盖城乡的社区养老服务网络。",
    "一、关于完善设施布局",
    "我们将结合城市更新，在新建住宅小区同步配建养老服务用房，对存量设施开展评估，"
    "推动闲置公房优先用于养老服务，力争三年内实现街镇全覆盖。",
    "感谢贵委对我区民政工作的关心和支持。",
]


def wrapped_text(paras: list[str], full: int, seed: int = 0, blank: bool = True) -> str:
    rng = random.Random(seed)
    lines = [line for p in paras for line in wrap(p, full - 2, full, rng)]
    return ("\n\n" if blank else "\n").join(lines) + "\n"


def paragraphs(text: str) -> list[str]:
    return [p.text for p in clean(Extracted("txt", text_lines(text), wrapped=None))]


def flat(items: list[str]) -> list[str]:
    return ["".join(x.split()) for x in items]


def test_hard_wrapped_lines_are_rejoined_into_paragraphs():
    for full in (24, 26, 29):
        assert flat(paragraphs(wrapped_text(PARAS, full))) == flat(PARAS)


def test_blank_lines_after_every_line_are_not_paragraph_breaks():
    assert paragraphs(wrapped_text(PARAS, 25, blank=True)) == paragraphs(
        wrapped_text(PARAS, 25, blank=False)
    )


def test_page_start_space_and_page_number_lines_inside_a_paragraph():
    for mark in ("— 2 —", "- 2 -", "第 2 页 共 3 页", "2", "第2页"):
        lines = wrapped_text(PARAS, 25, blank=False).splitlines()
        lines[5:5] = [mark]
        lines[6] = " " + lines[6]  # a page's first line starts with one space
        assert flat(paragraphs("\n".join(lines))) == flat(PARAS), mark


def test_numbers_broken_by_spaces_are_joined():
    assert tidy("第 005 号提案") == "第005号提案"
    assert tidy("2024年 4月 30日") == "2024年4月30日"
    assert tidy("实现综合税收约 310 亿元，同比增长约 18%") == "实现综合税收约310亿元，同比增长约18%"
    assert tidy("与 JP Morgan 合作") == "与JP Morgan合作"


def test_quoted_proposal_title_split_across_lines_is_rejoined():
    text = (
        "民盟某区委：\n\n"
        "贵委提出的关于“关于加快发展社区嵌入式养老服务的\n\n"
        "建议”的提案收悉，经会同区卫生健康委员会、区财政局认\n\n"
        "真研究，现将办理情况答复如下：\n\n"
        "贵委在提案中分析了我区人口老龄化程度深、高龄独居\n\n"
        "老人比例高、中心城区养老服务设施用地紧张等突出问题，\n\n"
        "对我区进一步完善养老服务具有很强的参考价值。\n"
    )
    out = paragraphs(text)
    assert out[1].startswith("贵委提出的关于“关于加快发展社区嵌入式养老服务的建议”的提案收悉")
    assert out[1].endswith("答复如下：")
    assert len(out) == 3


def test_title_lines_and_header_fields_stay_separate():
    text = (
        " 对某区政协第十五届三次会议\n\n第 005 号提案的答复\n\n"
        "办理结果：解决或采纳 签发人：某某\n\n"
        "会办单位：某区财政局 某区市场监督管理局\n\n某区工商联：\n\n" + wrapped_text(PARAS, 26)
    )
    out = paragraphs(text)
    assert out[:5] == [
        "对某区政协第十五届三次会议",
        "第 005 号提案的答复",
        "办理结果：解决或采纳 签发人：某某",
        "会办单位：某区财政局 某区市场监督管理局",
        "某区工商联：",
    ]


def test_clean_text_keeps_one_paragraph_per_line():
    text = "\r\n".join("\u3000\u3000" + p for p in PARAS) + "\r\n"
    assert not looks_wrapped(text_lines(text))
    assert paragraphs(text) == PARAS


def test_full_width_and_indent_come_from_pdf_geometry():
    # (page, top, bottom, x0, x1, size, text): body from x=80 to x=520, 16pt characters.
    rows = [
        (0, 800, 784, 150, 450, 22, "对某区政协第十五届三次会议第5号提案的答复"),
        (0, 760, 744, 80, 240, 16, "办理结果：解决或采纳"),
        (0, 760, 744, 400, 520, 16, "签发人：某某"),
        (0, 720, 704, 112, 520, 16, "第一段第一行，缩进两个字，写到右边"),
        (0, 692, 676, 80, 300, 16, "第一段结束。"),
        (0, 664, 648, 112, 520, 16, "第二段第一行，一直写到右边界为止"),
        (0, 40, 28, 280, 320, 14, "— 1 —"),
        (1, 800, 784, 80, 520, 16, "跨页继续的第二段，仍然写满一行"),
        (1, 772, 756, 80, 200, 16, "第二段结束。"),
        (1, 700, 684, 380, 520, 16, "某区民政局"),
        (1, 40, 28, 280, 320, 14, "— 2 —"),
    ]
    lines = layout_lines(rows)
    texts = [line.text for line in lines]
    assert "— 1 —" not in texts and "— 2 —" not in texts
    assert lines[0].align == "center"
    assert lines[1].text == "办理结果：解决或采纳 签发人：某某" and lines[1].full is False
    paras = [p.text for p in unwrap(lines, geometry=True)]
    assert paras[2:] == [
        "第一段第一行，缩进两个字，写到右边第一段结束。",
        "第二段第一行，一直写到右边界为止跨页继续的第二段，仍然写满一行第二段结束。",
        "某区民政局",
    ]


def test_ocr_lines_are_unwrapped_by_their_geometry_even_with_a_character_missed():
    """OCR missed a character of a full line: counted, the line looks short; its box is full."""
    size, left, cells = 16, 80, 27  # 16pt characters, 27 to a full line
    paras = [PARAS[1], PARAS[3]]
    rows, top = [], 800
    for para in paras:
        pieces = [para[:25], *(para[k : k + cells] for k in range(25, len(para), cells))]
        for n, piece in enumerate(pieces):
            x0 = left + (2 * size if n == 0 else 0)
            x1 = x0 + len(piece) * size
            rows.append((0, top, top - size, x0, x1, size, piece))
            top -= 28
    missed = list(rows[1])
    missed[6] = missed[6][:10] + missed[6][11:]  # same box, one character fewer
    rows[1] = tuple(missed)
    expected = [paras[0][:35] + paras[0][36:], paras[1]]
    for fmt in ("pdf", "pdf-ocr", "image-ocr"):
        got = [p.text for p in clean(Extracted(fmt, layout_lines(rows), wrapped=True))]
        assert got == expected, fmt
    by_count = [p.text for p in unwrap(layout_lines(rows), geometry=False)]
    assert len(by_count) == 3  # what counting characters made of it: a false break


_CJK = st.sampled_from(
    list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
    )
)
_PUNCT = st.sampled_from(list("，、；：“”（）《》"))


@st.composite
def _paragraph(draw):
    pieces = draw(
        st.lists(
            st.one_of(_CJK, _CJK, _CJK, _PUNCT, st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
            min_size=8,
            max_size=160,
        )
    )
    return "".join(pieces).lstrip("，、；：”）》") + "。"


@settings(max_examples=60, deadline=None)
@given(st.lists(_paragraph(), min_size=3, max_size=8), st.integers(24, 29), st.integers(0, 9))
def test_cleaning_never_loses_or_duplicates_a_character(paras, full, seed):
    text = wrapped_text(paras, full, seed)
    out = paragraphs(text)
    assert "".join(flat(out)) == "".join(flat(paras))


def test_look_alike_code_points_from_pdf_converters_become_ideographs():
    # Kangxi radicals ⾼ (U+2FBC) and ⾏ (U+2F8F) and the compatibility ideograph 﨎 (U+FA0E,
    # which has no NFKC mapping, so it stays) as some converters emit them.
    text = "我局\u2fbc度重视，认真执\u2f8f相关政策\ufa0e。\n"
    paragraphs = clean(Extracted("txt", text_lines(text), wrapped=False))
    assert paragraphs[0].text == "我局高度重视，认真执行相关政策\ufa0e。"


def test_header_lines_end_their_paragraph_but_cited_document_numbers_do_not():
    from replies.ingest.clean import HEADER_LINE

    for header in [
        "青住建函〔2021〕45号　签发人:马某",
        "青教函〔2021〕18号A",
        "类 别:B",
        "签发人：王某",
    ]:
        assert HEADER_LINE.search(header), header
    for body in ["青发〔2021〕45号）要求各地开展专项整治", "按照《通知》（青发〔2021〕45号）要求"]:
        assert not HEADER_LINE.search(body), body
