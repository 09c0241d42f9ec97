"""Field rules on small documents written for the test (no database)."""

from __future__ import annotations

import datetime

import pytest

from replies.ingest.clean import Paragraph
from replies.ingest.fields import NotAReply, parse
from replies.ingest.pipeline import default_result_classes

CLASSES = default_result_classes()
OPENING = "你们提出的“关于加强社区养老服务的建议”收悉，现将办理情况答复如下："
BODY = [
    "我们高度重视，认真研究了提案内容，已将有关建议纳入年度工作计划。",
    "感谢你们的关心和支持。",
]


def doc(*head: str, body=None, tail=("某市民政局", "2024年5月6日"), opening=OPENING):
    lines = [*head, opening, *(BODY if body is None else body), *tail]
    return [Paragraph(x) for x in lines]


def read(*head: str, classes=CLASSES, **kwargs):
    return parse(doc(*head, **kwargs), classes)


# Title (lines split by |), council, term, session, number, doc kind.
TITLE_FORMS = """
对长宁区政协第十五届三次会议|第 005 号提案的答复 长宁区政协 15 3 005 答复
市交通运输局对市政协十四届二次会议第20230088号提案的答复 市政协 14 2 20230088 答复
关于湖南省政协十二届五次会议第20210133号提案的答复 湖南省政协 12 5 20210133 答复
对市政协十五届三次会议第0215号提案的答复 市政协 15 3 0215 答复
某市医疗保障局对市政协五届三次会议|第156号提案的答复函 市政协 5 3 156 答复函
关于省政协十三届一次会议第1045号提案的会办意见 省政协 13 1 1045 会办意见
某区民政局关于区政|协十五届二次会议第54号提案的答复 区政协 15 2 54 答复
某市商务局关于市政协五届四次会议第20230175号提案的答复函 市政协 5 4 20230175 答复函
某市农业农村局关于政协宜都市第十届二次会议第15号提案答复的函 政协宜都市 10 2 15 答复函
对湄潭县政协第十二届四|次会议第108号提案的答复 湄潭县政协 12 4 108 答复
关于对县政协九届三次会议第33号提案的答复 县政协 9 3 33 答复
对某市政协第十一届一次会议第7号提案的复函 某市政协 11 1 7 答复函
"""


@pytest.mark.parametrize("row", TITLE_FORMS.strip().splitlines())
def test_title_forms(row):
    title, council, term, session, number, kind = row.rsplit(maxsplit=5)
    lines = title.split("|")
    reply = read(*lines, "某某委员：")
    assert reply.title == "".join("".join(lines).split())
    got = (reply.council, reply.term, reply.session, reply.number, reply.doc_kind)
    assert got == (council, int(term), int(session), number, kind)


TITLE = "对某市政协第五届二次会议第12号提案的答复"


@pytest.mark.parametrize(
    ("head", "result", "cls"),
    [
        (["办理结果：解决或采纳 签发人：某某"], "解决或采纳", "A"),
        (["办理结果：已经解决或基本解决"], "已经解决或基本解决", "A"),
        (["办理结果：列入计划拟解决"], "列入计划拟解决", "B"),
        (["办理结果：正在解决"], "正在解决", "B"),
        (["办理结果：留作参考"], "留作参考", "C"),
        (["办理结果：因条件限制无法解决"], "因条件限制无法解决", "C"),
        (["办理结果：B"], None, "B"),
        (["C", "办理结果：留作参考"], "留作参考", "C"),
        (["办理结果：A类"], None, "A"),
        (["办理结果：采纳（A类）"], "采纳（A类）", "A"),
    ],
)
def test_result_label_and_class(head, result, cls):
    lines = [h for h in head if len(h) == 1] + [TITLE] + [h for h in head if len(h) > 1]
    reply = read(*lines, "某某委员：")
    assert (reply.result, reply.result_class) == (result, cls)


def test_class_table_is_a_parameter():
    own = {"已采纳": "A", "部分采纳": "B"}
    assert read(TITLE, "办理结果：已采纳", classes=own).result_class == "A"
    reply = read(TITLE, "办理结果：已采纳", classes={})
    assert reply.result_class is None
    assert any("不在分类表中" in w for w in reply.warnings)


def test_printed_letter_wins_over_label_with_a_warning():
    reply = read("A", TITLE, "办理结果：留作参考")
    assert reply.result_class == "A"
    assert any("不一致" in w for w in reply.warnings)


def test_signer_with_spaced_label():
    assert read(TITLE, "办理结果：正在解决　　　签 发 人：张某某").signer == "张某某"


@pytest.mark.parametrize(
    ("addressee", "opening", "proposer", "sector"),
    [
        (
            "台胞台属界别：",
            "台胞台属界别提出的关于“关于科技创新的建议”的提案收悉。",
            "台胞台属界别",
            "台胞台属",
        ),
        ("社会福利和社会保障界别：", OPENING, "社会福利和社会保障界别", "社会福利和社会保障"),
        ("尊敬的张某某委员：", OPENING, "张某某委员", None),
        ("李某、王某等3位委员：", OPENING, "李某、王某等3位委员", None),
        (None, "市工商联提出的《关于优化营商环境的提案》收悉。", "市工商联", None),
        (
            None,
            "市工商联在市政协十五届三次会议上提出的《关于优化营商环境的提案》收悉。",
            "市工商联",
            None,
        ),
        (None, "您提出的《关于优化营商环境的提案》收悉。", None, None),
    ],
)
def test_proposer_and_sector(addressee, opening, proposer, sector):
    head = [TITLE] + ([addressee] if addressee else [])
    reply = read(*head, opening=opening)
    assert (reply.proposer, reply.sector) == (proposer, sector)


def test_co_opinion_proposer_from_body_and_lead_unit_as_co_department():
    reply = read(
        "关于省政协十三届一次会议第1045号提案的会办意见",
        "省教育厅：",
        opening="贵厅转来的陈某某委员提出的《关于深化产教融合的建议》（第1045号）收悉。",
    )
    assert reply.doc_kind == "会办意见"
    assert reply.proposer == "陈某某委员"
    assert reply.co_departments == ["省教育厅"]


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        ("你们提出的“关于推动乡村民宿发展的提案”收悉。", "关于推动乡村民宿发展的提案"),
        ("贵会提出的《关于完善寄递物流体系的提案》收悉。", "关于完善寄递物流体系的提案"),
        (
            "某界别提出的关于“关于加快“十五五”规划编制的建议”的提案收悉。",
            "关于加快“十五五”规划编制的建议",
        ),
        # Unquoted, as many real replies print it (and with the 提案之收悉 typo).
        ("您提出的关于改善交通的提案收悉。", "关于改善交通的提案"),
        ("你们提出的关于加强学校建设的提案之收悉，现答复如下：", "关于加强学校建设的提案"),
        ("您的提案收悉。", None),
    ],
)
def test_proposal_title_inside_quotes(opening, title):
    assert read(TITLE, "某某：", opening=opening).proposal_title == title


def test_co_departments_header_wins_and_splits_on_blanks():
    reply = read(TITLE, "会办单位：某区城管执法局 某公安分局交警支队", "某某：")
    assert reply.co_departments == ["某区城管执法局", "某公安分局交警支队"]


def test_co_departments_from_a_body_sentence_but_not_units_consulted():
    body = ["本提案由我局主办，区委组织部、区财政局会办。我局会同会办单位进行了认真研究。", *BODY]
    assert read(TITLE, "某某：", body=body).co_departments == ["区委组织部", "区财政局"]
    consulted = ["经与市财政局沟通，并会同市自然资源和规划局认真研究。", *BODY]
    assert read(TITLE, "某某：", body=consulted).co_departments == []


def test_signature_date_disclosure_and_contacts():
    tail = (
        "某市住房和城乡建设局",
        "二〇二四年七月十五日",
        "（此件依申请公开）",
        "联系人：孙某明，联系电话：0574-89186213",
        "通讯地址：某市某区某路2001号，邮编：315066",
        "抄送：市政协提案委员会。",
    )
    reply = read(TITLE, "某某：", tail=tail)
    assert reply.department == "某市住房和城乡建设局"
    assert reply.date == datetime.date(2024, 7, 15)
    assert reply.disclosure == "依申请公开"
    assert (reply.contact_name, reply.contact_phone) == ("孙某明", "0574-89186213")
    assert (reply.address, reply.postcode) == ("某市某区某路2001号", "315066")
    assert reply.paragraphs[-1] == BODY[-1]


@pytest.mark.parametrize(
    ("footer", "name", "phone"),
    [
        ("联系人姓名：王某 联系电话：52388272", "王某", "52388272"),
        ("联系人：覃某　　联系电话：（0717）3212706", "覃某", "（0717）3212706"),
        ("联系单位及电话：市住房城乡建设局住房保障处，0531-66608012", None, "0531-66608012"),
        ("联系人及电话：刘某，023-63765108", "刘某", "023-63765108"),
    ],
)
def test_contact_forms(footer, name, phone):
    reply = read(TITLE, "某某：", tail=("某局", "2024年1月2日", footer))
    assert (reply.contact_name, reply.contact_phone) == (name, phone)


def test_sections_numbered_parts_only():
    body = [
        "一、基本情况",
        "（一）设施建设。我们新建了一批设施。",
        "一是加强领导。二是完善制度。",
        "二、关于加强规划引导。我们编制了专项规划，推动协调发展。",
        "1.强化保障。落实资金。",
        "三、下一步工作：",
        "继续推进。",
        "感谢你们的关心和支持。",
    ]
    reply = read(TITLE, "某某：", body=body)
    assert [(s.number, s.heading) for s in reply.sections] == [
        (1, "基本情况"),
        (2, "关于加强规划引导"),
        (3, "下一步工作"),
    ]
    assert reply.sections[1].text.startswith("我们编制了专项规划")


def test_body_runs_from_opening_through_closing_formula():
    tail = ("某市民政局", "2024年5月6日", "（此件公开发布）")
    reply = read("B", "某函〔2024〕3号", TITLE, "办理结果：正在解决", "某某：", tail=tail)
    assert reply.paragraphs == [OPENING, *BODY]


def test_missing_fields_stay_empty_with_warnings():
    reply = parse([Paragraph(TITLE), Paragraph(OPENING), *map(Paragraph, BODY)], CLASSES)
    assert reply.date is None and reply.department is None and reply.signer is None
    for name in ("答复日期", "承办单位", "签发人", "公开属性", "联系人"):
        assert any(name in w for w in reply.warnings), name


def test_a_news_report_is_not_a_reply():
    news = [
        "市政协召开2024年度提案交办会",
        "3月21日上午，市政协、市政府联合召开提案交办会，将市政协十五届三次会议立案的提案"
        "交由各承办单位办理，要求在规定时限内办理答复。",
        "会议强调，主办单位要主动牵头，会办单位要积极配合。",
    ]
    with pytest.raises(NotAReply):
        parse([Paragraph(x) for x in news], CLASSES)


def test_postcode_in_brackets_after_the_address():
    tail = ("某局", "2024年1月2日", "通讯地址：某市某路1号（邮编：443000）")
    reply = read(TITLE, "某某：", tail=tail)
    assert (reply.address, reply.postcode) == ("某市某路1号", "443000")


@pytest.mark.parametrize(
    "sentence",
    [
        "本提案由我局主办，市财政局、市税务局会办。",
        "本提案由我局主办，市财政局和市税务局共同会办。",
        "该提案由我局牵头办理，市财政局、市税务局参与会办。",
        "市财政局、市税务局为本提案会办单位。",
        "本提案的会办单位为市财政局、市税务局。",
    ],
)
def test_co_department_sentence_forms(sentence):
    body = [sentence + "经认真研究，现答复如下。", *BODY]
    assert read(TITLE, "某某：", body=body).co_departments == ["市财政局", "市税务局"]
