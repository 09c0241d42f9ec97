"""A small, deterministic, fictional corpus for browse tests (public, draft and withheld)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from replies.ingest.numerals import to_chinese
from replies.models import (
    Department,
    Disclosure,
    DocKind,
    Reply,
    ReplySection,
    Sector,
    Session,
    Status,
)

TOPICS = [
    ("老旧小区加装电梯", ["加快审批流程", "完善资金补贴", "加强后续管理"]),
    ("社区嵌入式养老服务", ["扩大服务供给", "培育专业队伍", "完善保障机制"]),
    ("中小学课后服务", ["丰富服务内容", "保障师资力量"]),
    ("口袋公园建设", ["优化空间布局", "提升管养水平", "鼓励公众参与"]),
    ("缓解停车难问题", ["挖掘停车资源", "推进错时共享"]),
    ("科技创新引领高质量发展", ["激发创新活力", "聚焦产业转型", "强化人才服务"]),
    ("垃圾分类长效机制", ["完善收运体系", "加强宣传引导"]),
    ("非物质文化遗产保护", ["加强传承人培养", "推动活态传承"]),
    ("河道水环境治理", ["实施截污纳管", "开展生态修复"]),
    ("菜市场标准化改造", ["改善经营环境", "规范市场管理"]),
]
COUNCILS = [("长宁区政协", 15, [(2, 2023), (3, 2024)]), ("测试市政协", 5, [(1, 2023), (2, 2024)])]
DEPARTMENTS = [
    "长宁区科学技术委员会",
    "长宁区住房保障和房屋管理局",
    "长宁区民政局",
    "长宁区教育局",
    "长宁区绿化和市容管理局",
    "长宁区建设和管理委员会",
    "测试市生态环境局",
    "测试市文化和旅游局",
]
SECTORS = ["台胞台属", "经济", "教育", "科学技术", "社会福利和社会保障", "中国民主建国会"]
CLASSES = ["A", "B", "C"]
LABELS = {"A": "解决或采纳", "B": "列入计划拟解决", "C": "留作参考"}
NUMERALS = "一二三四五六七八九"


@dataclass
class Corpus:
    public: list[Reply]
    hidden: list[Reply]
    sessions: list[Session]
    departments: list[Department]
    sectors: list[Sector]


def body_for(topic: str, headings: list[str], department: str) -> str:
    lines = [f"您提出的关于{topic}的提案收悉，现将办理情况答复如下："]
    lines.append(f"近年来，{department}高度重视{topic}工作，结合实际稳步推进。")
    for i, heading in enumerate(headings):
        lines.append(f"{NUMERALS[i]}、{heading}")
        lines.append(
            f"围绕{heading}，我们会同相关部门制定工作方案，明确责任分工，"
            f"推动{topic}相关举措落地见效，群众满意度持续提升。"
        )
        lines.append("下一步，我们将继续加强统筹协调，认真研究吸纳您的意见建议。")
    lines.append("感谢您对我区工作的关心和支持。")
    return "\n".join(lines)


def build_corpus(count: int = 45, hidden: int = 6) -> Corpus:
    """``count`` public replies spread over 2 councils, 4 sessions, 8 departments, 6 sectors.

    Every 5th proposal also gets a 会办意见 from another department; ``hidden`` more replies
    are drafts or 不予公开 and carry the marker word 隐藏 in their title.
    """
    sessions = []
    for council, term, numbers in COUNCILS:
        for number, year in numbers:
            sessions.append(
                Session.objects.get_or_create(
                    council=council, term=term, number=number, defaults={"year": year}
                )[0]
            )
    departments = [Department.match_or_create(name) for name in DEPARTMENTS]
    sectors = [Sector.objects.get_or_create(name=name)[0] for name in SECTORS]
    public: list[Reply] = []
    hidden_replies: list[Reply] = []
    total = count + hidden
    i = 0
    while len(public) + len(hidden_replies) < total:
        topic, headings = TOPICS[i % len(TOPICS)]
        session = sessions[i % len(sessions)]
        department = departments[i % len(departments)]
        cls = CLASSES[i % 3]
        is_hidden = len(hidden_replies) < hidden and i % 7 == 6
        kind = DocKind.CO_OPINION if (i % 5 == 4 and i > 0 and not is_hidden) else DocKind.REPLY
        number = i + 1
        if kind == DocKind.CO_OPINION:
            # the same proposal as the previous reply, from another department
            number, session = i, sessions[(i - 1) % len(sessions)]
            department = departments[(i + 3) % len(departments)]
        cn_session = f"第{to_chinese(session.term)}届{to_chinese(session.number)}次会议"
        reply = Reply.objects.create(
            session=session,
            number=f"{number:03d}",
            number_int=number,
            doc_kind=kind,
            title=(
                f"{'隐藏' if is_hidden else ''}对{session.council}{cn_session}"
                f"第{number:03d}号提案的{'会办意见' if kind == DocKind.CO_OPINION else '答复'}"
            ),
            proposal_title=f"关于推进{topic}的建议",
            proposer=f"{sectors[i % len(sectors)].name}界别",
            sector=sectors[i % len(sectors)],
            department=department,
            result_label=LABELS[cls],
            result_class=cls,
            signer="张三",
            reply_date=datetime.date(session.year, 3 + i % 9, 1 + i % 27),
            disclosure=Disclosure.WITHHELD if is_hidden and i % 2 else Disclosure.PUBLIC,
            status=Status.DRAFT if is_hidden and not i % 2 else Status.PUBLISHED,
            contact_name="李四",
            contact_phone="52388272",
            body=body_for(topic, headings, department.name),
            is_sample=i % 4 != 0,
        )
        if i % 6 == 1:
            reply.co_departments.add(departments[(i + 1) % len(departments)])
        ReplySection.objects.bulk_create(
            ReplySection(reply=reply, order=n, number=n + 1, heading=h, text="")
            for n, h in enumerate(headings)
        )
        (hidden_replies if is_hidden else public).append(reply)
        i += 1
    return Corpus(public, hidden_replies, sessions, departments, sectors)
