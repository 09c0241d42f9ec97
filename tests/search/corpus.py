"""A seeded generator of fictional reply texts for search tests and measurements.

Words are drawn from jieba's own dictionary in proportion to their frequency (a Zipf-like
mix), with domain phrases, Latin and digit tokens and Chinese punctuation mixed in.
Nothing here reads ../shared: tests must run on a fresh clone.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jieba

from replies.ingest.numerals import to_chinese

DOMAIN_PHRASES = [
    "城市更新",
    "老旧小区",
    "加装电梯",
    "上海硅巷",
    "科创街区",
    "高质量发展",
    "营商环境",
    "一网通办",
    "养老服务",
    "社区生活圈",
    "垃圾分类",
    "人工智能",
    "区块链",
    "数字化转型",
    "家庭医生",
    "托育服务",
    "停车难",
    "非遗保护",
    "滨江贯通",
    "口袋公园",
    "民生实事",
    "人才公寓",
    "智慧医疗",
    "长护险",
    "河道整治",
]
LATIN_TOKENS = ["AI", "5G", "2023年", "2024年", "GDP", "APP", "12345热线", "3.5万", "15分钟"]
COUNCILS = ["长宁区政协", "市政协", "湖北省政协", "枝江市政协"]
SECTORS = ["台胞台属", "经济", "教育", "医药卫生", "科学技术", "农业", "文化艺术", "社会福利"]


@cache
def _vocabulary(limit: int = 40_000) -> tuple[list[str], list[int]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    entries = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if 1 < len(word) <= 4 and int(freq) >= 50:
                entries.append((int(freq), word))
    entries.sort(reverse=True)
    entries = entries[:limit]
    words = [w for _, w in entries]
    cumulative = list(itertools.accumulate(f for f, _ in entries))
    return words, cumulative


@dataclass
class FakeReply:
    """The text fields of one generated reply."""

    council: str
    term: int
    session: int
    number: int
    title: str
    proposal_title: str
    proposer: str
    sector: str
    department: str
    date: datetime.date
    body: str
    sections: list[tuple[str, str]] = field(default_factory=list)


class Generator:
    """Seeded, deterministic text generator."""

    def __init__(self, seed: int = 0, departments: int = 40) -> None:
        self.rng = random.Random(seed)
        self.words, self.cumulative = _vocabulary()
        self.departments = [self._department(i) for i in range(departments)]

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.04:
            return self.rng.choice(DOMAIN_PHRASES)
        if r < 0.05:
            return self.rng.choice(LATIN_TOKENS)
        x = self.rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect(self.cumulative, x)]

    def sentence(self) -> str:
        parts = []
        for _ in range(self.rng.randint(2, 4)):
            parts.append("".join(self.word() for _ in range(self.rng.randint(3, 8))))
        return "，".join(parts) + self.rng.choice("。。。；")

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def _department(self, i: int) -> str:
        area = ["长宁区", "徐汇区", "枝江市", "上海市", "湖北省"][i % 5]
        base = ["科学技术委员会", "教育局", "民政局", "卫生健康委员会", "住房保障局"]
        base += ["财政局", "商务委员会", "文化旅游局", "生态环境局", "交通委员会"]
        suffix = "" if i < 50 else f"第{i // 50}分局"
        return area + base[(i // 5) % len(base)] + suffix

    def reply(self, number: int, length: tuple[int, int] = (1500, 6000)) -> FakeReply:
        rng = self.rng
        council = rng.choice(COUNCILS)
        term, session = rng.randint(12, 15), rng.randint(1, 5)
        topic = "".join(self.word() for _ in range(rng.randint(2, 4)))
        proposal_title = f"关于{topic}的建议"
        sector = rng.choice(SECTORS)
        target = rng.randint(*length)
        sections: list[tuple[str, str]] = []
        body_parts = [f"{sector}界别：", f"你们提出的关于“{topic}”的提案收悉，现答复如下："]
        size = sum(map(len, body_parts))
        k = 0
        while size < target:
            k += 1
            heading = "".join(self.word() for _ in range(rng.randint(2, 4)))
            text = "\n".join(self.paragraph() for _ in range(rng.randint(1, 3)))
            sections.append((heading, text))
            chunk = f"{to_chinese(k)}、{heading}\n{text}"
            body_parts.append(chunk)
            size += len(chunk)
        body_parts.append("感谢你们对我们工作的关心和支持。")
        return FakeReply(
            council=council,
            term=term,
            session=session,
            number=number,
            title=(
                f"对{council}第{to_chinese(term)}届{to_chinese(session)}次会议"
                f"第{number:03d}号提案的答复"
            ),
            proposal_title=proposal_title,
            proposer=f"{sector}界别",
            sector=sector,
            department=rng.choice(self.departments),
            date=datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randint(0, 6 * 365)),
            body="\n".join(body_parts),
            sections=sections,
        )
