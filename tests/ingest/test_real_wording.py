"""The wordings real replies use, one small fictional document per rule (no database).

Whole documents in these shapes are in ``real_shapes/`` (test_real_shapes.py); these tests
pin each rule on its own, so a failure names the rule.
"""

from __future__ import annotations

import datetime

import pytest

from replies.ingest.clean import Paragraph
from replies.ingest.fields import NotAReply, parse
from tests.ingest.test_fields import CLASSES, TITLE, doc, read

# Title wordings: title | council | term | session | number | kind (- for None).
COUNCIL_FORMS = """
青岚县教育局关于政协苍溪县第十一届委员会第四次会议第56号提案的答复|政协苍溪县|11|4|56|答复
关于中国人民政治协商会议松林县第十届委员会第一次会议第2021-24号提案的答复|中国人民政治协商会议松林县|10|1|2021-24|答复
云川市水务局关于政协第八届云川市委员会第四次会议第0024号提案的答复|政协云川市|8|4|0024|答复
白石区民政局关于区第十届政协第三次会议第88号提案的答复|区政协|10|3|88|答复
关于县政协十六届第一次会议第12号提案的答复|县政协|16|1|12|答复
云川市住建局关于市政协八届一次委员第094号提案的答复|市政协|8|1|094|答复
对县政协第十届二次会议046号提案的答复|县政协|10|2|046|答复
青岚县交通运输局关于政协青岚县第十一届委员会第四次会议第56号B类提案的答复|政协青岚县|11|4|56|答复
关于对建设公益性墓地的提案答复的函|-|-|-|-|答复函
关于区政协十届三次会议第12号提案的回复|区政协|10|3|12|答复
关于县政协十届二次会议第7号提案答复的函|县政协|10|2|7|答复函
关于市政协五届四次会议第0158号提案的复函|市政协|5|4|0158|答复函
关于县政协十届二次会议第9号提案协办意见的函|县政协|10|2|9|会办意见
关于县政协十届二次会议第9号提案的答复（A类）|县政协|10|2|9|答复
"""


@pytest.mark.parametrize("row", COUNCIL_FORMS.strip().splitlines())
def test_council_and_session_wordings(row):
    title, *expected = row.split("|")
    reply = read(title, "某某委员：")
    none = {"-": None}
    want = [none.get(v, v) for v in expected]
    want[1:3] = [int(v) if v else None for v in want[1:3]]
    assert reply.title == title
    got = [reply.council, reply.term, reply.session, reply.number, reply.doc_kind]
    assert got == want


def test_half_width_punctuation_is_read_and_kept_as_printed():
    reply = read(
        "关于县政协十届二次会议第7号提案的答复",
        "办理结果:解决或采纳　签发人:马某",
        "张某某委员:",
        opening="您提出的“关于加强乡村(社区)养老服务的建议”收悉,现答复如下:",
        tail=(
            "青岚县民政局",
            "2021年10月26日",
            "(此件公开发布)",
            "联系人:李某,联系电话:0839-5521234",
        ),
    )
    assert (reply.result, reply.result_class, reply.signer) == ("解决或采纳", "A", "马某")
    assert reply.proposer == "张某某委员"
    assert reply.proposal_title == "关于加强乡村(社区)养老服务的建议"  # as printed
    assert reply.paragraphs[0] == "您提出的“关于加强乡村(社区)养老服务的建议”收悉,现答复如下:"
    assert (reply.disclosure, reply.contact_name, reply.contact_phone) == (
        "公开发布",
        "李某",
        "0839-5521234",
    )


@pytest.mark.parametrize(
    ("head", "letter"),
    [
        (["类别:B"], "B"),
        (["类 别:B"], "B"),
        (["类别:(C)"], "C"),
        (["办复类别: B"], "B"),
        (["青教函〔2021〕18号A"], "A"),
        (["A类　云环函〔2023〕42号"], "A"),
        (["编号：B〔2017〕062号"], "B"),
        (["办理结果类别：C"], "C"),
    ],
)
def test_class_letter_printed_in_a_header(head, letter):
    reply = read(*head, TITLE, "某某委员：")
    assert (reply.result, reply.result_class, reply.title) == (None, letter, TITLE)


def test_class_letter_inside_the_title():
    reply = read("关于县政协十届二次会议第56号B类提案的答复", "某某委员：")
    assert (reply.number, reply.result_class) == ("56", "B")


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        (
            "李某委员提出的《关于加快农村公路建设的提案》交我局研究办理,现答复如下:",
            "关于加快农村公路建设的提案",
        ),
        (
            "民建云川市委会提出的《关于加强历史文化街区保护的提案》已转由我局协办，"
            "现将协办意见函告如下：",
            "关于加强历史文化街区保护的提案",
        ),
        ("您提出的关于发展普惠托育服务的提案之收悉，现答复如下：", "关于发展普惠托育服务的提案"),
    ],
)
def test_openings_without_shou_xi(opening, title):
    reply = read(TITLE, "某某委员：", opening=opening)
    assert reply.proposal_title == title
    assert reply.paragraphs[0] == opening


@pytest.mark.parametrize(
    ("line", "proposer"),
    [
        ("张某某代表：", "张某某代表"),
        ("****委员：", "****委员"),
        ("陈某某委员", "陈某某委员"),
        ("凤溪镇委员小组：", "凤溪镇委员小组"),
        ("县政协第三联络组：", "县政协第三联络组"),
        ("文史工作组：", "文史工作组"),
        ("尊敬的刘某某委员：", "刘某某委员"),
        (
            "王某某、李某、何某某、赵某、钱某某、孙某、周某某、吴某、郑某某、冯某、陈某某、"
            "褚某、卫某某、蒋某、沈某某、韩某委员：",
            "王某某、李某、何某某、赵某、钱某某、孙某、周某某、吴某、郑某某、冯某、陈某某、"
            "褚某、卫某某、蒋某、沈某某、韩某委员",
        ),
    ],
)
def test_addressees(line, proposer):
    assert read(TITLE, line).proposer == proposer


def test_addressee_run_into_the_opening():
    opening = "张某某委员：您提出的《关于加强社区养老服务的建议》收悉，现答复如下："
    reply = read(TITLE, opening=opening)
    assert reply.proposer == "张某某委员"
    assert reply.paragraphs[0] == opening.split("：", 1)[1]


@pytest.mark.parametrize(
    ("extra", "signer"),
    [
        (("此复函已经唐某某局长审签。",), "唐某某"),
        (("签发人：敖镇长",), "敖镇长"),
        (("签批人：罗某",), "罗某"),
    ],
)
def test_signers(extra, signer):
    labels = [e for e in extra if "：" in e]  # header lines; sentences go under the date
    sentences = [e for e in extra if "：" not in e]
    reply = read(TITLE, *labels, "某某委员：", tail=("某市民政局", "2024年5月6日", *sentences))
    assert reply.signer == signer


@pytest.mark.parametrize(
    ("footer", "name", "phone"),
    [
        (["（联系人及电话：王某，0839-5521234）"], "王某", "0839-5521234"),
        (["承办负责人：刘某某　承办人：陈某　联系电话：0826-2561078"], "陈某", "0826-2561078"),
        (["主管领导：何某某", "经办人：何某　电话：(0833)2212345"], "何某", "(0833)2212345"),
        (["分管领导：罗某", "联系人：丁某", "联系电话：0839—5532207", "抄报：县政协提案委"],
         "丁某", "0839—5532207"),
        (["联系电话：0817-2234567　联系人：赵某"], "赵某", "0817-2234567"),
        (["联系人：孙某，手机：13800001234"], "孙某", "13800001234"),
    ],
)  # fmt: skip
def test_contact_footers(footer, name, phone):
    reply = read(TITLE, "某某委员：", tail=("某市民政局", "2024年5月6日", *footer))
    assert (reply.contact_name, reply.contact_phone) == (name, phone)
    assert reply.department == "某市民政局"
    assert not any(f in p for p in reply.paragraphs for f in footer)


@pytest.mark.parametrize(
    "date",
    [
        "二〇二一年十月二十六日",
        "二0二一年十月二十六日",
        "二○二一年十月二十六日",
        "2021年10月26日",
        "2021.10.26",
        "2021-10-26",
        "2021/10/26",
    ],
)
def test_date_forms(date):
    reply = read(TITLE, "某某委员：", tail=("某市民政局", date))
    assert reply.date == datetime.date(2021, 10, 26)


def test_no_signing_unit_no_closing_formula():
    body = ["我们已将有关建议纳入明年的工作计划，将逐步推进实施。"]
    reply = read(TITLE, "某某委员：", body=body, tail=("2024年5月6日",))
    assert reply.department is None
    assert reply.date == datetime.date(2024, 5, 6)
    assert reply.paragraphs[-1] == body[-1]


def test_a_whole_reply_on_one_line():
    line = (
        f"{TITLE} 某某委员： 你们提出的“关于加强社区养老服务的建议”收悉，现将办理情况答复如下："
        "我们高度重视，认真研究了提案内容，已将有关建议纳入年度工作计划。"
        "感谢你们的关心和支持。 某市民政局 2024年5月6日"
    )
    reply = parse([Paragraph(line)], CLASSES)
    assert (reply.title, reply.proposer, reply.department) == (TITLE, "某某委员", "某市民政局")
    assert reply.date == datetime.date(2024, 5, 6)
    assert len(reply.paragraphs) == 1 and reply.paragraphs[0].endswith("关心和支持。")


def test_web_page_chrome_is_dropped():
    chrome = [
        "当前位置: 首页 > 政务公开 > 建议提案办理",
        "发布时间:2022-08-15 10:21:33　信息来源:青岚县教育局　文字大小:[大 中 小]　背景色:",
    ]
    after = ["【打印本页】【关闭窗口】", "分享到:微信 微博 QQ空间", "上一篇：关于第12号提案的答复"]
    lines = [*chrome, TITLE, "某某委员：", *[p.text for p in doc()[1:]], *after]
    reply = parse([Paragraph(x) for x in lines], CLASSES)
    assert reply.title == TITLE
    assert reply.date == datetime.date(2024, 5, 6)  # the reply's date, not 发布时间
    assert reply.source_meta["信息来源"] == "青岚县教育局"
    assert not any("分享" in p or "首页" in p for p in reply.paragraphs)


def test_title_only_in_a_metadata_table():
    meta = "索引号:11510000/2022-00031||发布机构:青岚县教育局||标题:" + TITLE + "||"
    reply = parse([Paragraph(x) for x in [meta, "某某委员：", *[p.text for p in doc()]]], CLASSES)
    assert (reply.title, reply.number) == (TITLE, "12")


def test_headers_are_never_part_of_the_title():
    reply = read(
        "青岚县教育局文件",
        "青教函〔2019〕245号　　签发人：王某",
        "青岚县教育局",
        "关于县政协十届二次会议第7号提案的答复",
        "某某委员：",
    )
    assert reply.title == "青岚县教育局关于县政协十届二次会议第7号提案的答复"
    assert reply.signer == "王某"


def test_title_printed_twice_and_a_page_heading():
    reply = read(
        "青岚县政协十届二次会议提案办理结果公开",
        "关于县政协十届二次会议第7号提案的答复",
        "关于县政协十届二次会议第7号提案的答复",
        "某某委员：",
    )
    assert reply.title == "关于县政协十届二次会议第7号提案的答复"


def test_a_news_report_with_an_opening_word_is_still_refused():
    lines = [
        "县政协召开提案办理协商会",
        "会议指出，各承办单位要把提案交我局等单位研究办理的情况及时反馈。",
    ]
    with pytest.raises(NotAReply):
        parse([Paragraph(x) for x in lines], CLASSES)


def test_each_field_says_where_it_was_read_from():
    reply = read(
        "青岚县教育局",
        "关于县政协十届二次会议第7号提案的答复",
        "办理结果：解决或采纳　签发人：马某",
        "某某委员：",
        tail=(
            "青岚县教育局",
            "2024年5月6日",
            "（此件公开发布）",
            "联系人：李某　联系电话：0839-5521234",
        ),
    )
    assert reply.read_from == {
        "title": "标题", "council": "标题", "term": "标题", "session": "标题", "number": "标题",
        "doc_kind": "标题", "result": "“办理结果”栏", "result_class": "由办理结果判定",
        "signer": "“签发人”栏", "proposer": "称呼行", "proposal_title": "开头语",
        "department": "落款", "date": "落款", "disclosure": "公开属性标记",
        "contact_name": "“联系人”栏", "contact_phone": "“联系电话”栏",
    }  # fmt: skip
    assert "sector" not in reply.read_from  # not found, so not there; a warning says so
    meta = parse(
        [Paragraph(x) for x in ["标题:" + TITLE + "||发布机构:某局||", *[p.text for p in doc()]]],
        CLASSES,
    )
    assert meta.read_from["title"] == "网页元数据“标题”"


def test_a_reply_without_title_whose_opening_names_no_proposal():
    opening = "经认真研究，现将有关情况答复如下："
    reply = parse(
        [Paragraph(x) for x in ["某某委员：", opening, *[p.text for p in doc()[1:]]]], CLASSES
    )
    assert (reply.title, reply.proposer, reply.paragraphs[0]) == (None, "某某委员", opening)
    assert reply.needs_review and "缺少标题" in reply.warnings
