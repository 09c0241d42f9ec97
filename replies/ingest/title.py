"""The reply's title: which header lines hold it, and what it says.

A title names the council, term, session and proposal number and the kind of document, in
many wordings: 对长宁区政协第十五届三次会议第005号提案的答复; 政协苍溪县第十一届委员会第四次会议
第56号B类提案; 中国人民政治协商会议青岚县第十届委员会第一次会议; 政协第八届云川市委员会第四次会议;
区第十届政协第三次会议; 县政协十六届第一次会议; 市政协八届一次委员第094号 (a slip for 会议);
…提案答复的函, 复函, 协办意见的函, 回复. Titles may lack the council and number altogether
(关于对建设公益性墓地的提案答复的函). All functions here read folded, whitespace-free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from replies.ingest.numerals import NUMBER_CHARS, to_int

_N = f"[{NUMBER_CHARS}]"
#: How a reply's title ends, once a trailing class mark such as （A类） is set aside.
TITLE_END = re.compile(
    r"(答复|答复函|答复的函|复函|会办意见|协办意见|会办意见的函|协办意见的函|答复意见|办理意见"
    r"|的函|回复|回复函|回复意见|办理情况|办理情况的报告)$"
)
_TRAILING_MARK = re.compile(r"(?:[（【\[]\s*[ABC]\s*类?\s*[）】\]]|[（【\[]?[ABC]类[）】\]]?)$")
#: 十五届三次会议, 第十一届委员会第四次会议, 十六届第一次会议, 八届一次委员 (slip).
SESSION = re.compile(
    rf"第?(?P<term>{_N}{{1,4}})届(?:全国)?(?:委员会)?(?:第?(?P<session>{_N}{{1,3}})次)"
    r"(?:全体)?(?:委员会议|会议|委员)"
)
#: 政协第八届云川市委员会第四次会议: the place between the term and 委员会.
_SESSION_PLACE_INSIDE = re.compile(
    rf"政协第?(?P<term>{_N}{{1,4}})届(?P<place>[^第届，。；、]{{2,16}}?)委员会"
    rf"第?(?P<session>{_N}{{1,3}})次(?:全体)?(?:会议|委员)"
)
#: 区第十届政协第三次会议: 政协 after the term.
_SESSION_COUNCIL_AFTER = re.compile(
    rf"(?P<place>[^第届，。；、对于]{{0,16}}?)第?(?P<term>{_N}{{1,4}})届(?P<council>政协|政治协商会议)"
    rf"(?:委员会)?第?(?P<session>{_N}{{1,3}})次(?:全体)?(?:会议|委员)"
)
_NUMBER_AFTER_SESSION = re.compile(
    r"^(?:提案)?(?:第)?(?P<number>[A-Za-z]?[0-9][0-9A-Za-z]*(?:-[0-9A-Za-z]+)?)号"
)
_NUMBER = re.compile(r"第(?P<number>[A-Za-z]?[0-9][0-9A-Za-z]*(?:-[0-9A-Za-z]+)?)号")
_CLASS_IN_TITLE = re.compile(r"(?<![A-Za-z])(?P<letter>[ABC])类(?:提案|建议|意见|答复)?")


@dataclass
class TitleFields:
    """What a title says; None where it does not say it."""

    council: str | None = None
    term: int | None = None
    session: int | None = None
    number: str | None = None
    doc_kind: str | None = None
    result_class: str | None = None


def strip_mark(title: str) -> str:
    """The title without a trailing class mark or full stop: …的答复（A类） → …的答复."""
    text = title.rstrip("。.")
    return _TRAILING_MARK.sub("", text).rstrip("。.")


def title_like(text: str) -> bool:
    """Does this (folded, flat) text read as a reply's title?"""
    if len(text) > 160 or "收悉" in text:
        return False
    core = strip_mark(text)
    if re.search(r"[。；！？]", core) or core.count("，") > 1:
        return False  # a sentence, not a title
    return bool(TITLE_END.search(core)) and ("提案" in core or "届" in core or "建议" in core)


def read_title(title: str) -> TitleFields:
    """Council, term, session, number, kind and any class letter printed in a title."""
    fields = TitleFields()
    end = _read_session(title, fields)
    found = _NUMBER_AFTER_SESSION.match(title[end:]) if end else None
    if found is None:
        found = _NUMBER.search(title, end) or _NUMBER.search(title)
    if found is not None:
        fields.number = found.group("number")
    core = strip_mark(title)
    if re.search(r"(会办|协办)意见(的函)?$", core):
        fields.doc_kind = "会办意见"
    elif re.search(r"(答复|回复)?(函|的函)$", core) and re.search(r"答复|回复|复函", core):
        fields.doc_kind = "答复函"
    elif "答复" in core or "回复" in core:
        fields.doc_kind = "答复"
    mark = _CLASS_IN_TITLE.search(title)
    if mark:
        fields.result_class = mark.group("letter")
    return fields


#: How the name of a unit ends (局, 委员会, 人民政府, 中心 …).
ORG_WORD = re.compile(
    r"(局|委|厅|办|部|院|会|队|中心|公司|集团|所|处|站|政府|法院|检察院|分局|支队|单位|署|室|行|社|联|馆"
    r"|镇|乡|街道|办事处)$"
)


_TITLE_START = re.compile(
    r"^(?:关于|对)|^[^，。；：]{2,30}?(?:局|委|委员会|办|办公室|政府|中心|院)(?:关于|对)"
)


def _not_title_start(line: str, following: str) -> bool:
    """A line joined to a title only because it came first: a page heading, a site name.

    A title's first line names the council or starts it (关于, 对), or is the unit's name
    over a title that starts with 关于/对 (青岚县教育局 / 关于县政协…的答复).
    """
    unit = len(line) <= 30 and bool(ORG_WORD.search(line)) and not re.search(r"[，。；：、]", line)
    if unit and following.startswith(("关于", "对")):
        return False
    if _TITLE_START.match(following):
        return True  # the title proper starts on the next line: a heading above it
    return not any(w in line for w in ("关于", "对", "政协", "提案", "届", "答复"))


def _read_session(title: str, fields: TitleFields) -> int:
    """Fill council, term and session; return where the session's wording ends (0: none)."""
    m = _SESSION_PLACE_INSIDE.search(title)
    if m:
        fields.council = "政协" + m.group("place")
    else:
        m = _SESSION_COUNCIL_AFTER.search(title)
        if m:
            place = _council_head(m.group("place"))
            fields.council = place + "政协" if place is not None else "政协"
        else:
            m = SESSION.search(title)
            if m is None:
                return 0
            fields.council = _council_head(title[: m.start()]) or None
    fields.term = to_int(m.group("term"))
    fields.session = to_int(m.group("session"))
    return m.end()


def _council_head(head: str) -> str:
    """The council's name from the text before its term: 市住建局关于对市政协 → 市政协."""
    cut = max(head.rfind("对") + 1, head.rfind("关于") + 2 if "关于" in head else 0)
    return head[cut:].lstrip("对")


def find_titles(flats: list[str], limit: int, skip: re.Pattern[str] | None = None) -> list[range]:
    """Every run of up to four header lines (before ``limit``) that reads as a title.

    ``skip`` matches lines that are never part of a title (document numbers, labels,
    class marks); a title may start after them but never runs across one.
    """

    def skipped(k: int) -> bool:
        return bool(skip and skip.search(flats[k]))

    spans: list[range] = []
    start = 0
    while start < limit:
        if skipped(start):
            start += 1
            continue
        found = None
        joined = ""
        for end in range(start, min(start + 4, limit)):
            if end > start and skipped(end):
                break
            joined += flats[end]
            if title_like(joined):
                # A last short line may still belong to it (…的答复 / 函).
                while (
                    end + 1 < limit and not skipped(end + 1) and title_like(joined + flats[end + 1])
                ):
                    end += 1
                    joined += flats[end]
                found = range(start, end + 1)
                break
        if found is None:
            start += 1
            continue
        while len(found) > 1 and _not_title_start(flats[found.start], flats[found.start + 1]):
            found = range(found.start + 1, found.stop)
        spans.append(found)
        start = found.stop
    return spans
