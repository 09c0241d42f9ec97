"""Clean paragraphs → ParsedReply: title parts, header and footer fields, body and sections.

A reply reads, top to bottom: optional red header, class mark and document number, the
title, header fields (办理结果/签发人/会办单位), the addressee line, the body from the opening
formula (…收悉… / …交我局研究办理，现答复如下) to the closing formula, the signing unit, the
date, the disclosure marker and the contact footer. Real documents drop, move or reword any
of these, so each is looked for on its own. The parser reads a width-folded copy of the text
(``replies.ingest.width``) and maps every value back to the characters as printed. Fields
the document does not print stay None and produce a warning; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from replies.ingest.chrome import is_chrome, page_meta
from replies.ingest.clean import (
    CLASS_MARK,
    DISCLOSURE_MARK,
    FORMULA_END,
    LABEL_START,
    LABELS,
    Paragraph,
    ends_sentence,
    tidy,
)
from replies.ingest.numerals import find_date, is_date_line, to_int
from replies.ingest.parsed import ParsedReply, Section
from replies.ingest.title import ORG_WORD, SESSION, find_titles, read_title, title_like
from replies.ingest.width import Printed, flat, fold


class NotAReply(Exception):
    """The text is not a reply to a proposal; the message says why (in Chinese)."""


DOC_NUMBER = re.compile(r"[〔\[［（【]\d{4}[〕\]］）】](第)?\d+号")
#: Lines of a red-header document that are never part of the title.
RED_HEADER = re.compile(r"^[^，。；：]{2,30}文件$|^[^，。；：]{0,20}(?:签发人|签发)：")
OPENING = re.compile(
    r"收悉|收到|已悉|答复如下|函复如下|答复如后|意见如下|函告如下|回复如下|报告如下"
    r"|(?:交|转|转交|转由|交由)我(?:局|委|办|院|部|厅|中心|单位|会|司|所|镇|乡|街道|公司|队)"
    r"|由我(?:局|委|办|院|部|厅|中心|单位|会|镇|乡)(?:主办|承办|办理|协办|会办|牵头)"
)


def _spaced(label: str) -> str:
    """A label pattern that tolerates spaces between its characters (签 发 人)."""
    return r"\s*".join(re.escape(c) for c in label)


_LABEL_ALTERNATIVES = "|".join(_spaced(name) for name in LABELS)
LABEL = re.compile(
    rf"(?:^|(?<=[\s，,；;。、（(]))(?P<label>{_LABEL_ALTERNATIVES})\s*(?:[：:]|\u3000+(?=\S))\s*"
)
PHONE = re.compile(
    r"(?:[（(]0\d{2,3}[）)]\s*|0\d{2,3}\s*[-－—–]{1,2}\s*)?\d{7,8}(?:\s*(?:转|-)\s*\d{1,5})?"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)"
)
POSTCODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
DISCLOSURES = {
    "公开发布": "公开发布", "主动公开": "公开发布", "公开": "公开发布",
    "依申请公开": "依申请公开", "依申请": "依申请公开",
    "不予公开": "不予公开", "不公开": "不予公开", "不宜公开": "不予公开",
}  # fmt: skip
PRONOUN = re.compile(r"^(贵|您|你|我)")
SECTION_HEAD = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.*)$", re.S)
MISSING_NAMES = {
    "title": "标题", "council": "政协名称", "term": "届次", "session": "会议次数",
    "number": "提案号", "doc_kind": "文种", "result_class": "办理结果类别", "signer": "签发人",
    "proposer": "提案人", "proposal_title": "提案标题", "department": "承办单位（落款）",
    "date": "答复日期", "disclosure": "公开属性", "contact_name": "联系人",
    "contact_phone": "联系电话",
}  # fmt: skip


@dataclass
class _Labels:
    values: dict[str, str]

    def get(self, *names: str) -> str | None:
        for name in names:
            if self.values.get(name):
                return self.values[name]
        return None


def parse(
    paragraphs: list[Paragraph],
    result_classes: Mapping[str, str],
    meta: Mapping[str, str] | None = None,
) -> ParsedReply:
    """Read a reply's fields from its cleaned paragraphs.

    result_classes maps a result label as printed (解决或采纳) to its class (A/B/C); it is
    data staff can edit, passed in so this function needs no database.
    """
    meta = dict(meta or {})
    paragraphs = _split_run_together(_strip_chrome(paragraphs, meta))
    printed = Printed([p.text for p in paragraphs])
    originals = paragraphs
    # Everything below reads the folded text; values are mapped back with printed.restore.
    paragraphs = [Paragraph(fold(p.text), p.align, p.part) for p in originals]
    texts = [p.text for p in paragraphs]
    flats = [flat(t) for t in texts]
    reply = ParsedReply()

    opening = _find_opening(flats)
    limit = opening if opening is not None else min(len(flats), 12)
    titles = _find_titles(flats, limit)
    title_span = titles[-1] if titles else None
    if title_span is not None:
        reply.title = "".join(flats[k] for k in title_span)
    else:
        reply.title = _meta_title(meta)
    if opening is None:
        if reply.title is None or not title_like(reply.title):
            raise NotAReply("不是提案答复：找不到答复标题（…第N号提案的答复）和开头语（…收悉…）")
        opening = _first_body_after_header(paragraphs, title_span)
        reply.warnings.append("未找到开头语（…收悉…），正文从称呼行之后开始")
    body_end = _find_body_end(paragraphs, opening)
    if body_end <= opening:
        raise NotAReply("找不到答复正文")

    pre = [i for i in range(opening) if title_span is None or i not in title_span]
    post = list(range(body_end, len(paragraphs)))
    labels = _read_labels(paragraphs, pre + post)
    _read_title(reply, ["".join(flats[k] for k in span) for span in titles[:-1]], meta)
    _read_result(reply, paragraphs, pre, labels, result_classes)
    reply.signer = _signer(labels, texts[opening:])
    reply.number = reply.number or _labelled_number(labels)
    addressee, opening_text = _addressee(paragraphs, pre, title_span, texts[opening])
    _read_people(reply, opening_text, addressee, labels)
    body = [tidy(p.text) for p in originals[opening:body_end]]
    if opening_text != texts[opening]:
        body[0] = tidy(originals[opening].text[len(texts[opening]) - len(opening_text) :])
    while body and LABEL_START.match(fold(body[-1])) and len(body) > 1:
        body.pop()
    reply.paragraphs = body
    _read_co_departments(reply, [fold(b) for b in body], labels, addressee)
    reply.sections = _sections(body)
    _read_signature(reply, paragraphs, body_end)
    _read_footer(reply, paragraphs, pre + post, labels)
    regions = [
        ("标题" if title_span is not None else "网页元数据“标题”", reply.title or ""),
        *(("另一处标题", "".join(flats[k] for k in span)) for span in titles[:-1]),
        *((f"网页元数据“{k}”", fold(flat(v))) for k, v in meta.items() if isinstance(v, str)),
        *((f"“{name}”栏", fold(flat(value))) for name, value in labels.values.items()),
        ("称呼行", addressee or ""),
        ("开头语", flat(opening_text)),
        ("正文", "".join(fold(flat(b)) for b in body)),
        ("落款", "".join(flats[body_end:])),
    ]
    reply.read_from = _read_from(reply, regions)
    _restore(reply, printed)
    if not _recognisable(reply, addressee):
        raise NotAReply("不是提案答复：有开头语，但没有标题、称呼或落款日期")
    reply.source_meta = meta
    _warn_missing(reply)
    return reply


_PRINTED_FIELDS = (
    "title", "council", "number", "result", "signer", "proposer", "sector", "proposal_title",
    "department", "contact_name", "contact_phone", "address", "postcode",
)  # fmt: skip


def _restore(reply: ParsedReply, printed: Printed) -> None:
    """Give every field read from the folded text the characters the document printed."""
    for name in _PRINTED_FIELDS:
        setattr(reply, name, printed.restore(getattr(reply, name)))
    reply.co_departments = [printed.restore(u) or u for u in reply.co_departments]


#: Where the parser reads each field, in the order it looks (region names as in parse).
_READ_IN = {
    "title": ("标题", "网页元数据"),
    "council": ("标题", "另一处标题", "网页元数据"),
    "number": ("标题", "另一处标题", "网页元数据", "栏"),
    "doc_kind": ("标题", "另一处标题", "网页元数据"),
    "result": ("栏",),
    "signer": ("栏", "正文", "落款"),
    "proposer": ("称呼行", "开头语"),
    "sector": ("称呼行", "开头语"),
    "proposal_title": ("开头语",),
    "department": ("落款",),
    "co_departments": ("栏", "称呼行", "正文"),
    "contact_name": ("栏",),
    "contact_phone": ("栏",),
    "address": ("栏",),
    "postcode": ("栏",),
}


def _read_from(reply: ParsedReply, regions: list[tuple[str, str]]) -> dict[str, str]:
    """For each field read, the part of the document it was read from."""
    found: dict[str, str] = {}
    for name, kinds in _READ_IN.items():
        value = getattr(reply, name)
        value = value[0] if isinstance(value, list) and value else value
        if not value or not isinstance(value, str):
            continue
        place = next(
            (where for where, text in regions if value in text and any(k in where for k in kinds)),
            None,
        )
        if place:
            found[name] = place
    for name in ("term", "session"):
        if getattr(reply, name) is not None and "council" in found:
            found[name] = found["council"]
    if reply.result_class:
        mapped = reply.result and not re.search(r"[ABC]", reply.result)
        found["result_class"] = "由办理结果判定" if mapped else "印出的类别"
    if reply.date:
        found["date"] = "落款"
    if reply.disclosure:
        found["disclosure"] = "公开属性标记"
    return found


def _recognisable(reply: ParsedReply, addressee: str | None) -> bool:
    """A reply names itself (its title), its addressee, or signs and dates the text."""
    return bool(reply.title or addressee or reply.date or reply.signer)


def _strip_chrome(paragraphs: list[Paragraph], meta: dict[str, str]) -> list[Paragraph]:
    """The paragraphs without the web page's chrome; its metadata goes into meta."""
    kept = []
    for p in paragraphs:
        if is_chrome(p.text):
            for key, value in page_meta(p.text).items():
                meta.setdefault(key, value)
        else:
            kept.append(p)
    return kept


def _split_run_together(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A whole reply printed as one line (title, addressee, body, signature, date) split
    into its parts at the blanks between them; the body stays one paragraph."""
    if len(paragraphs) > 3:
        return paragraphs
    out: list[Paragraph] = []
    for p in paragraphs:
        pieces = p.text.split()
        if len(p.text) < 60 or len(pieces) < 4:
            out.append(p)
            continue
        folded = [fold(x) for x in pieces]
        start = 0
        for k in range(1, min(4, len(pieces))):
            if title_like("".join(folded[:k])):
                start = k
                break
        if start and folded[start].endswith("："):
            start += 1
        end = len(pieces)
        while end - 1 > start and _tail_piece(folded[end - 1]):
            end -= 1
        if start == 0 and end == len(pieces):
            out.append(p)
            continue
        parts = [*pieces[:start], " ".join(pieces[start:end]), *pieces[end:]]
        out.extend(Paragraph(part, p.align, p.part) for part in parts)
    return out


def _tail_piece(text: str) -> bool:
    """A piece of the end of a run-together reply: signing unit, date, marker or label."""
    return bool(
        is_date_line(text)
        or DISCLOSURE_MARK.match(text)
        or LABEL_START.match(text)
        or (len(text) <= 30 and ORG_WORD.search(text) and not ends_sentence(text))
    )


def _meta_title(meta: Mapping[str, str]) -> str | None:
    """A title printed only in the page's metadata (<title>, 标题：…||)."""
    for key in ("标题", "ArticleTitle", "page_title", "docx_title"):
        value = meta.get(key)
        if not value:
            continue
        value = re.split(r"[_|｜]|\s[-–—]\s", value)[0]
        if title_like(fold(flat(value))):
            return flat(value)
    return None


# --------------------------------------------------------------------------- regions


def _find_opening(flats: list[str]) -> int | None:
    for i, text in enumerate(flats):
        if "收悉" in text and len(text) > 8 and not title_like(text):
            return i
    for i, text in enumerate(flats):
        if (
            OPENING.search(text)
            and ("提" in text or "建议" in text)
            and len(text) > 8
            and not title_like(text)
            and not LABEL_START.match(text)
        ):
            return i
    for i, text in enumerate(flats):
        # A formula that names no proposal (经认真研究，现将有关情况答复如下：) after an addressee.
        if FORMULA_END.search(text) and i and flats[i - 1].endswith("："):
            return i
    return None


def _find_titles(flats: list[str], limit: int) -> list[range]:
    """The runs of header lines that read as a title; the last one is the reply's own."""
    spans = find_titles(flats, limit, _HEADER_LINE)
    if spans:
        return spans
    for start in range(limit):
        text = flats[start]
        if (
            SESSION.search(text)
            and "提案" in text
            and len(text) <= 80
            and not ends_sentence(text)
            and not _HEADER_LINE.search(text)
        ):
            return [range(start, start + 1)]
    return []


#: Header lines that are never part of a title: class marks, document numbers, labels.
_HEADER_LINE = re.compile(
    "|".join(
        [
            CLASS_MARK.pattern,
            DOC_NUMBER.pattern,
            RED_HEADER.pattern,
            r"^\s*(?:{})\s*[：:]".format("|".join(LABELS)),
            r"[：:]$",
            DISCLOSURE_MARK.pattern,
        ]
    )
)


def _first_body_after_header(paragraphs: list[Paragraph], title: range | None) -> int:
    start = title.stop if title else 0
    for i in range(start, len(paragraphs)):
        text = flat(paragraphs[i].text)
        if LABEL_START.match(text) or CLASS_MARK.match(text):
            continue
        if text.endswith(("：", ":")) and len(text) < 60:
            return i + 1
        return i
    return start


def _find_body_end(paragraphs: list[Paragraph], opening: int) -> int:
    """Index of the first paragraph after the body (the signing unit, date or footer)."""
    n = len(paragraphs)
    stop = n
    for i in range(opening + 1, n):
        text = flat(paragraphs[i].text)
        if (
            is_date_line(text)
            or DISCLOSURE_MARK.match(text)
            or _is_footer_label(text)
            or _unit_and_date(text) is not None
        ):
            stop = i
            break
    if stop < n and _unit_and_date(flat(paragraphs[stop].text)) is not None:
        return stop
    start = stop
    while start - 1 > opening and stop - start < 3 and _signature_unit(paragraphs[start - 1]):
        start -= 1
    return start


_FOOTER_LABELS = re.compile(
    r"^[（(]?(联系人|联系电话|联系方式|联系单位|通讯地址|承办单位通讯地址|联系地址|邮政编码|邮编|抄送"
    r"|抄报|承办负责人|承办人|经办人|办理人|主管领导|分管领导|责任领导|办公电话)"
)


def _is_footer_label(text: str) -> bool:
    return bool(_FOOTER_LABELS.match(text))


#: Closing formulas, printed with or without their full stop: 此复, 特此函复, 专此函复.
CLOSING = re.compile(r"^(?:此复|特此|专此|谨此|以上意见|感谢|再次感谢)")


def _signature_unit(p: Paragraph) -> bool:
    text = flat(p.text)
    return (
        0 < len(text) <= 40
        and not ends_sentence(text)
        and not CLOSING.match(text)
        and not text.endswith(("，", ","))
        and not SECTION_HEAD.match(text)
        and not LABEL_START.match(text)
    )


def _unit_and_date(text: str) -> tuple[str, object] | None:
    """A signing unit and the date printed on one line: '长宁区科委2024年4月30日'."""
    found = find_date(text)
    if not found:
        return None
    date, m = found
    head = flat(text[: m.start()]) if m.string == text else None
    if head is None:
        flat_text = flat(text)
        dm = find_date(flat_text)
        if not dm:
            return None
        head, tail = flat_text[: dm[1].start()], flat_text[dm[1].end() :]
    else:
        tail = flat(text[m.end() :])
    if head and not tail and len(head) <= 40 and not ends_sentence(head) and ORG_WORD.search(head):
        return head, date
    return None


# --------------------------------------------------------------------------- labels


def _read_labels(paragraphs: list[Paragraph], indices: list[int]) -> _Labels:
    values: dict[str, str] = {}
    for i in indices:
        text = paragraphs[i].text.strip()
        matches = list(LABEL.finditer(text))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value = text[m.end() : end].strip(" \t\u3000，,；;。").rstrip("（(").rstrip()
            values.setdefault(flat(m.group("label")), value)
    return _Labels(values)


def _value(text: str | None) -> str | None:
    if text is None:
        return None
    text = flat(text).strip("，,；;。：:")
    if text.endswith("）") and text.count("（") < text.count("）"):
        text = text[:-1].rstrip("，；。")  # the end of a bracketed footer: （联系人：王某）
    return text or None


# --------------------------------------------------------------------------- fields


_SHARED = ("council", "term", "session", "number")


def _read_title(reply: ParsedReply, other_titles: list[str], meta: Mapping[str, str]) -> None:
    """Fields the title prints; what it lacks, from another printing of the title."""
    sources = [reply.title or "", *reversed(other_titles)]
    extra = _meta_title(meta)
    if extra:
        sources.append(fold(extra))
    for k, source in enumerate(sources):
        if not source:
            continue
        found = read_title(source)
        for name in ("council", "term", "session", "number", "doc_kind"):
            value = getattr(found, name)
            if (
                getattr(reply, name) is None
                and value is not None
                and (k == 0 or name != "doc_kind")
            ):
                setattr(reply, name, value)
        if k == 0 and found.result_class:
            reply.result_class = found.result_class


#: A class letter printed in a header line: 类别:B, 类 别:B, 类别:(C), 办复类别: B, A类 before
#: the document number or glued after it, the letter of 编号 B〔2017〕062号.
_HEADER_CLASS = (
    re.compile(r"类别：?[（【\[]?(?P<letter>[ABC])类?[）】\]]?(?![A-Za-z])"),
    re.compile(r"^(?P<letter>[ABC])类(?![A-Za-z])"),
    re.compile(r"[〔\[【]\d{4}[〕\]】](?:第)?\d+号(?P<letter>[ABC])类?$"),
    re.compile(r"^(?:编号：?)?(?P<letter>[ABC])[〔\[【]\d{4}[〕\]】]"),
    re.compile(r"(?<![A-Za-z])(?P<letter>[ABC])类$"),
)
_RESULT_LETTER = re.compile(
    r"^[（【\[]?(?P<a>[ABC])类?[）】\]]?[：、，]?|[（【\[](?P<b>[ABC])类?[）】\]]$"
)


def _read_result(
    reply: ParsedReply,
    paragraphs: list[Paragraph],
    pre: list[int],
    labels: _Labels,
    result_classes: Mapping[str, str],
) -> None:
    printed = reply.result_class  # a letter in the title (第56号B类提案)
    for i in pre:
        text = flat(paragraphs[i].text)
        if printed:
            break
        if CLASS_MARK.match(text):
            printed = _letter(text)
            break
        for pattern in _HEADER_CLASS:
            m = pattern.search(text)
            if m:
                printed = m.group("letter")
                break
    result = _value(labels.get("办理结果"))
    if result:
        m = _RESULT_LETTER.search(result)
        if m and (m.group("a") or m.group("b")):
            printed = printed or m.group("a") or m.group("b")
            if m.group(0) == result:
                result = None  # only the letter is printed: 办理结果：A类
    kind = _value(labels.get("办理类别", "答复类别", "办复类别", "类别"))
    if kind and CLASS_MARK.match(kind):
        printed = printed or _letter(kind)
    reply.result = result
    mapped = _lookup_class(result, result_classes) if result else None
    if result and mapped is None:
        reply.warnings.append(f"办理结果“{result}”不在分类表中，无法判定 A/B/C 类")
    if printed and mapped and printed != mapped:
        reply.warnings.append(
            f"印出的类别 {printed} 与办理结果“{result}”对应的类别 {mapped} 不一致，采用印出的类别"
        )
    reply.result_class = printed or mapped


def _letter(text: str) -> str:
    for c in text:
        if c in "ABCＡＢＣ":
            return {"Ａ": "A", "Ｂ": "B", "Ｃ": "C"}.get(c, c)
    return ""


def _lookup_class(label: str, table: Mapping[str, str]) -> str | None:
    """The class of a label as printed; a trailing (A类) or （…） is ignored for the lookup."""
    if label in table:
        return table[label]
    normal = {flat(k).strip("。.，,"): v for k, v in table.items()}
    key = flat(label).strip("。.，,")
    if key in normal:
        return normal[key]
    bare = re.sub(r"[（(][^）)]*[）)]$", "", key)
    return normal.get(bare)


#: How an addressee line without its colon ends: 委员, 代表, 界别, 小组, 联络组, 民盟XX委 …
_ADDRESSEE_END = re.compile(
    r"(委员|代表|界别|小组|联络组|工作组|同志|先生|女士|主席|委员会|支部|总支|党委|委|会|工商联|支社|社"
    r"|民建|民盟|民进|农工党|致公党|九三学社|台盟|民革)$"
)
_NOT_NAME = re.compile(r"[，。；：！？]|答复|收悉|如下|提出|办理|研究")


def _addressee(
    paragraphs: list[Paragraph], pre: list[int], title: range | None, opening_text: str
) -> tuple[str | None, str]:
    """The addressee (尊敬的 and the colon removed) and the opening paragraph without it.

    The addressee is the header line ending in a colon nearest the opening; or a name line
    without its colon right before it (张某某委员); or a name run into the opening paragraph
    (张某某委员：您提出的…).
    """
    for i in reversed(pre):
        if title is not None and i < title.start:
            break
        text = flat(paragraphs[i].text)
        limit = 300 if "、" in text else 60
        if LABEL_START.match(text) or len(text) > limit or _HEADER_LINE.search(text[:-1]):
            continue
        if text.endswith("：") and len(text) > 2:
            return _addressee_name(text[:-1]), opening_text
        if i == pre[-1] and _ADDRESSEE_END.search(text) and not _NOT_NAME.search(text):
            return _addressee_name(text), opening_text
    colon = opening_text.find("：")
    head = flat(opening_text[:colon]) if colon > 0 else ""
    limit = 300 if "、" in head else 40
    if 1 < len(head) <= limit and not _NOT_NAME.search(head) and OPENING.search(opening_text):
        return _addressee_name(head), opening_text[colon + 1 :]
    return None, opening_text


def _addressee_name(text: str) -> str | None:
    return re.sub(r"^尊敬的", "", text) or None


def _formula_proposer(opening: str) -> str | None:
    text = flat(opening)
    m = re.search(r"提出的", text)
    if not m:
        return None
    head = re.split(r"[，,。；;：:]", text[: m.start()])[-1]
    head = head.split("的")[-1]
    head = re.sub(r"^(由|经)", "", head)
    head = re.sub(r"在.*(上|期间|中)$", "", head)
    head = re.sub(r"(领衔|联名|共同)$", "", head)
    if not head or PRONOUN.match(head):
        return None
    return head


def _unquoted_title(head: str) -> str | None:
    """A proposal title printed without quotes: 您提出的关于加快农村公路养护的提案（收悉）."""
    m = re.search(r"提出的(关于[^，。；：“”《》]{2,100}?(?:提案|建议|议案))之?$", head)
    return m.group(1) if m else None


def _quoted(text: str) -> str | None:
    """The content of the first balanced “…”/《…》 pair (nested quotes kept)."""
    pairs = {"“": "”", "《": "》", "「": "」", "『": "』"}
    for start, c in enumerate(text):
        if c in pairs:
            close, depth = pairs[c], 0
            for end in range(start, len(text)):
                if text[end] == c:
                    depth += 1
                elif text[end] == close:
                    depth -= 1
                    if depth == 0:
                        return text[start + 1 : end] or None
            return None
        if c == '"':
            end = text.find('"', start + 1)
            return text[start + 1 : end] if end > start + 1 else None
    return None


#: Where the opening formula turns from the proposal to what was done with it.
_FORMULA_CUT = re.compile(
    r"收悉|已收悉|收到|已悉|(?:已|现)?(?:交|转|转交|转由|交由)我|由我|现答复|现将"
)


def _read_people(reply: ParsedReply, opening: str, addressee: str | None, labels: _Labels) -> None:
    text = flat(opening)
    # The first cut after the proposal is named (收到您提出的“…”后 starts with one).
    cut = next((m for m in _FORMULA_CUT.finditer(text) if m.start() > 2), None)
    head = text[: cut.start()] if cut else text
    reply.proposal_title = _quoted(head) or _unquoted_title(head)
    from_formula = _formula_proposer(text)
    if reply.doc_kind == "会办意见":
        reply.proposer = from_formula
    else:
        reply.proposer = addressee or from_formula
    if reply.proposer and reply.proposer.endswith("界别") and len(reply.proposer) > 2:
        reply.sector = reply.proposer[: -len("界别")]


def _labelled_number(labels: _Labels) -> str | None:
    """The proposal number from a header label (提案号：第56号) when the title lacks it."""
    m = re.match(
        r"^第?([A-Za-z]?\d[\dA-Za-z-]*)号?$", _value(labels.get("提案号", "提案编号")) or ""
    )
    return m.group(1) if m else None


def _signer(labels: _Labels, texts: list[str]) -> str | None:
    """The name after 签发人 (签批人 …), or the one a sentence says signed the reply."""
    return _value(labels.get("签发人", "签批人", "签发领导", "审签人")) or _signer_in_text(texts)


_SIGNED_BY = re.compile(
    r"(?:已?经|由)(?P<name>[\u4e00-\u9fff*＊]{1,4}?)(?:同志)?"
    r"(?:常务副|副)?(?:局长|主任|县长|区长|市长|镇长|乡长|书记|部长|厅长|院长|主席|社长|行长|处长"
    r"|所长|站长|校长|经理|队长|理事长)?(?:审签|签发|审定签发|审核签发|签批)"
)


def _signer_in_text(texts: list[str]) -> str | None:
    """The signer named in a sentence: 此复函已经唐某某局长审签."""
    for text in reversed(texts):
        m = _SIGNED_BY.search(flat(text))
        if m:
            return m.group("name")
    return None


def _split_units(text: str) -> list[str]:
    parts = re.split(r"[、，,；;/]|\s+|\u3000+", text.strip())
    units: list[str] = []
    for part in parts:
        units.extend(_split_conjoined(flat(part).strip("。：:")))
    return [u for u in units if u]


def _split_conjoined(text: str) -> list[str]:
    """Split "甲局和乙局" at 和/及/与, but keep names such as 住房和城乡建设局 whole."""
    for m in re.finditer(r"[和及与]", text):
        left, right = text[: m.start()], text[m.end() :]
        if ORG_WORD.search(left) and ORG_WORD.search(right):
            return [left, *_split_conjoined(right)]
    return [text]


_CO_SENTENCE = re.compile(
    r"(?:^|[，,；;：:])(?:并)?(?:由)?([^，,。；;：:]{2,120}?)(?:共同|参与|联合)?(?:会办|协办)"
    r"(?=[。，,；;]|$)"
)
_CO_NAMED = re.compile(r"(?:会办|协办)单位(?:为|是|有)[：:]?([^。；;]{2,120})")
_CO_NAMED_AFTER = re.compile(
    r"(?:^|[，,；;：:])([^，,。；;：:]{2,120}?)(?:为|是|作为)(?:本提案的?|该提案的?)?(?:会办|协办)单位"
)


def _unit_name(text: str) -> bool:
    """A unit's name, not a clause (…提出的《…》已转由我局) nor 我局/本局/贵局."""
    return (
        bool(ORG_WORD.search(text))
        and len(text) <= 40
        and not PRONOUN.match(text)
        and not re.match(r"^(本|该|各|其)", text)
        and not re.search(r"[《》“”]|提出|转由|交由", text)
    )


def _read_co_departments(
    reply: ParsedReply, body: list[str], labels: _Labels, addressee: str | None
) -> None:
    units: list[str] = []
    header = labels.get("会办单位", "协办单位")
    if header:
        units = _split_units(header)
    else:
        for para in body:
            text = flat(para)
            for m in [*_CO_NAMED.finditer(text), *_CO_NAMED_AFTER.finditer(text)]:
                units.extend(u for u in _split_units(m.group(1)) if _unit_name(u))
            for sentence in re.split(r"[。]", text):
                for m in _CO_SENTENCE.finditer(sentence):
                    found = _split_units(m.group(1))
                    if found and all(_unit_name(u) for u in found):
                        units.extend(found)
    if reply.doc_kind == "会办意见" and addressee:
        units.insert(0, addressee)
    seen: list[str] = []
    for unit in units:
        if unit not in seen:
            seen.append(unit)
    reply.co_departments = seen


def _sections(body: list[str]) -> list[Section]:
    sections: list[Section] = []
    for index, para in enumerate(body):
        printed = flat(para)
        m = SECTION_HEAD.match(fold(printed))
        if not m:
            continue
        number = to_int(m.group(1))
        if number != len(sections) + 1:
            continue
        rest = printed[m.start(2) :]
        heading, _, after = rest.partition("。") if "。" in rest else (rest, "", "")
        heading = heading.rstrip("：:")
        if not heading:
            continue
        sections.append(Section(number, heading, start=index, text=after))
    for k, section in enumerate(sections):
        end = sections[k + 1].start if k + 1 < len(sections) else len(body)
        parts = ([section.text] if section.text else []) + body[section.start + 1 : end]
        section.text = "\n".join(parts)
    return sections


def _read_signature(reply: ParsedReply, paragraphs: list[Paragraph], body_end: int) -> None:
    """The signing unit(s) and the date under them."""
    date_at = None
    for i in range(body_end, len(paragraphs)):
        text = flat(paragraphs[i].text)
        combined = _unit_and_date(text)
        if combined:
            reply.department, reply.date = combined[0], combined[1]  # type: ignore[assignment]
            return
        found = find_date(text) if is_date_line(text) else None
        if found:
            date_at, reply.date = i, found[0]
            break

    def unit(i: int) -> bool:
        text = flat(paragraphs[i].text)
        return (
            _signature_unit(paragraphs[i])
            and not DISCLOSURE_MARK.match(text)
            and not _is_footer_label(text)
            and not CLASS_MARK.match(text)
        )

    units: list[str] = []
    if date_at is not None:
        i = date_at - 1
        while i >= body_end and unit(i) and len(units) < 3:
            units[:0] = _units_on_line(paragraphs[i].text)
            i -= 1
    else:
        i = body_end
        while i < len(paragraphs) and unit(i) and len(units) < 3:
            units.extend(_units_on_line(paragraphs[i].text))
            i += 1
    if units:
        reply.department = units[0]
        for extra in units[1:]:
            reply.warnings.append(f"落款有多个单位，“{extra}”未作为主办单位")


def _units_on_line(text: str) -> list[str]:
    """The signing units on one line: two joint units may share it, set apart by blanks."""
    pieces = text.split()
    if len(pieces) > 1 and all(ORG_WORD.search(p) and len(p) >= 4 for p in pieces):
        return pieces
    return [flat(text)]


def _read_footer(
    reply: ParsedReply, paragraphs: list[Paragraph], indices: list[int], labels: _Labels
) -> None:
    printed = None
    for i in indices:
        if DISCLOSURE_MARK.match(paragraphs[i].text):
            printed = re.sub(r"^[（(]?[此本]件|[）)]$", "", flat(paragraphs[i].text))
            break
    printed = printed or _value(labels.get("公开属性", "公开方式", "公开类型"))
    if printed:
        reply.disclosure = DISCLOSURES.get(printed)
        if reply.disclosure is None:
            reply.warnings.append(f"无法识别的公开属性“{printed}”")
    person = labels.get("联系人姓名", "联系人", "承办人", "经办人", "办理人")
    both = labels.get("联系人及电话", "联系人及联系电话", "联系人及联系方式", "联系人和电话")
    name, phone_with_name = _name_and_phone(person or both)
    reply.contact_name = name
    phone_text = labels.get("联系电话", "电话", "联系方式", "办公电话", "联系单位及电话", "手机")
    reply.contact_phone = _phone(phone_text) or phone_with_name
    reply.address = _value(
        labels.get(
            "承办单位通讯地址",
            "承办单位地址",
            "通讯地址",
            "通信地址",
            "联系地址",
            "单位地址",
            "地址",
        )
    )
    code = labels.get("邮政编码", "邮编")
    if code:
        m = POSTCODE.search(flat(code))
        reply.postcode = m.group(0) if m else None


def _name_and_phone(text: str | None) -> tuple[str | None, str | None]:
    """A contact printed with its phone, in either order (王某，0839-5521234 / 0736-…，雷某)."""
    if not text:
        return None, None
    found = PHONE.search(text)
    phone = flat(found.group(0)) if found else None
    rest = text[: found.start()] + " " + text[found.end() :] if found else text
    pieces = [p for p in re.split(r"[，,；;、：\s]+", rest) if p.strip("（）()")]
    return (_value(pieces[0]) if pieces else None), phone


def _phone(text: str | None) -> str | None:
    if not text:
        return None
    value = _value(text) or ""
    if re.fullmatch(r"[\d\-－—（）()、，,/转]+", value) and re.search(r"\d{7}", value):
        return value
    m = PHONE.search(value)
    return flat(m.group(0)) if m else None


def _warn_missing(reply: ParsedReply) -> None:
    for key, name in MISSING_NAMES.items():
        if getattr(reply, key) in (None, "", []):
            reply.warnings.append(f"缺少{name}")
