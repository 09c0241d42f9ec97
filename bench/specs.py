"""Reply specs: the truth dict a document is rendered from, and the checks a good spec passes.

A spec holds the keys of ``ingest --json-dir`` (see issue 3 and the corpus README) plus
``id``, ``format``, optional ``encoding`` and optional rendering ``hints``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

TRUTH_KEYS: tuple[str, ...] = (
    "title",
    "council",
    "term",
    "session",
    "number",
    "doc_kind",
    "result",
    "result_class",
    "signer",
    "proposer",
    "sector",
    "proposal_title",
    "department",
    "co_departments",
    "date",
    "disclosure",
    "contact_name",
    "contact_phone",
    "address",
    "postcode",
    "sections",
    "paragraphs",
)
DOC_KINDS = ("答复", "答复函", "会办意见")
DISCLOSURES = ("公开发布", "依申请公开", "不予公开")
FORMATS = ("txt-pdf-extract", "txt-clean", "docx", "pdf", "html")
ENCODINGS = {
    "txt-pdf-extract": ("utf-8", "gb18030"),
    "txt-clean": ("utf-8", "gb18030"),
    "html": ("utf-8", "gbk"),
    "docx": (None,),
    "pdf": (None,),
}
# The usual labels; the archive keeps the editable table in fixtures/result_labels.json.
RESULT_CLASSES: dict[str, str] = {
    "解决或采纳": "A",
    "已经解决": "A",
    "基本解决": "A",
    "列入计划拟解决": "B",
    "正在解决": "B",
    "部分解决": "B",
    "留作参考": "C",
    "因条件限制无法解决": "C",
}
BODY_MIN, BODY_MAX = 1500, 6000
CLOSINGS = ("感谢", "特此函复", "以上意见", "特此答复")

_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.*)$", re.S)


def cn_int(text: str) -> int:
    """Convert a Chinese numeral below 100 (十四, 二十三, 五) to an int."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _DIGITS[char]
    return value


def cn_number(value: int) -> str:
    """Write 1-99 in Chinese numerals (14 → 十四)."""
    digits = "〇一二三四五六七八九"
    if value < 10:
        return digits[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def cn_date(date: datetime.date) -> str:
    """Write a date the 公文 way: 二〇二四年四月三十日."""
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(c)] for c in str(date.year))
    return f"{year}年{cn_number(date.month)}月{cn_number(date.day)}日"


def body_length(paragraphs: Iterable[str]) -> int:
    """Characters of body text, whitespace excluded."""
    return sum(len("".join(p.split())) for p in paragraphs)


def derive_sections(paragraphs: Iterable[str]) -> list[dict[str, Any]]:
    """Top-level parts 一、二、… as the truth records them (heading up to the first 。)."""
    sections = []
    for paragraph in paragraphs:
        match = _HEADING.match(paragraph.strip())
        if match:
            heading = "".join(match[2].split("。", 1)[0].split())
            sections.append({"number": cn_int(match[1]), "heading": heading})
    return sections


def load_spec(path: Path) -> dict[str, Any]:
    """Read one spec file."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_specs(directory: Path) -> list[dict[str, Any]]:
    """Read every ``*.json`` spec in a folder, sorted by file name."""
    return [load_spec(p) for p in sorted(directory.glob("*.json"))]


def check_spec(spec: Mapping[str, Any]) -> list[str]:
    """Return the problems of one spec (an empty list when it is sound)."""
    problems: list[str] = []
    missing = [k for k in (*TRUTH_KEYS, "id", "format") if k not in spec]
    if missing:
        return [f"missing keys: {', '.join(missing)}"]
    fmt, encoding = spec["format"], spec.get("encoding")
    if fmt not in FORMATS:
        problems.append(f"unknown format {fmt!r}")
    elif encoding not in ENCODINGS[fmt]:
        problems.append(f"encoding {encoding!r} not used for {fmt}")
    paragraphs: list[str] = spec["paragraphs"]
    length = body_length(paragraphs)
    if not BODY_MIN <= length <= BODY_MAX:
        problems.append(f"body length {length} outside {BODY_MIN}-{BODY_MAX}")
    sections = derive_sections(paragraphs)
    if spec["sections"] != sections:
        problems.append(f"sections {spec['sections']} != headings {sections}")
    if [s["number"] for s in sections] != list(range(1, len(sections) + 1)):
        problems.append("sections are not numbered 1..n")
    problems += _check_title(spec)
    problems += _check_fields(spec)
    problems += _check_body(spec)
    return problems


def _check_title(spec: Mapping[str, Any]) -> list[str]:
    problems = []
    title = spec["title"]
    if "".join(title.split()) != title:
        problems.append("title contains whitespace")
    match = re.search(
        r"(?P<council>\S+?政协)第?(?P<term>[一二三四五六七八九十]+)届"
        r"(?P<session>[一二三四五六七八九十]+)次会议第(?P<number>\d+)号提案",
        title,
    )
    if not match:
        return [*problems, f"title does not name council/term/session/number: {title}"]
    if match["council"].split("对")[-1].split("关于")[-1] != spec["council"]:
        problems.append(f"council {spec['council']} not as printed in the title")
    if cn_int(match["term"]) != spec["term"] or cn_int(match["session"]) != spec["session"]:
        problems.append("term/session differ from the title")
    if match["number"] != spec["number"]:
        problems.append("number differs from the title")
    kind = spec["doc_kind"]
    ending = {"答复": ("的答复",), "答复函": ("答复函", "答复的函"), "会办意见": ("会办意见",)}
    if kind not in DOC_KINDS or not title.endswith(ending[kind]):
        problems.append(f"doc_kind {kind} does not match the title ending")
    return problems


def _check_fields(spec: Mapping[str, Any]) -> list[str]:
    problems = []
    result, result_class = spec["result"], spec["result_class"]
    if result is not None and RESULT_CLASSES.get(result) != result_class:
        problems.append(f"result {result} does not map to class {result_class}")
    if result_class not in (None, "A", "B", "C"):
        problems.append(f"bad result_class {result_class}")
    proposer, sector = spec["proposer"], spec["sector"]
    expected_sector = proposer[: -len("界别")] if proposer.endswith("界别") else None
    if sector != expected_sector:
        problems.append(f"sector {sector} does not follow proposer {proposer}")
    try:
        date = datetime.date.fromisoformat(spec["date"])
    except (TypeError, ValueError):
        problems.append(f"bad date {spec['date']}")
    else:
        if not datetime.date(2022, 1, 1) <= date <= datetime.date(2025, 12, 31):
            problems.append(f"date {date} outside 2022-2025")
    if spec["disclosure"] not in DISCLOSURES:
        problems.append(f"bad disclosure {spec['disclosure']}")
    if spec["doc_kind"] == "会办意见" and not spec["co_departments"]:
        problems.append("a 会办意见 needs the lead unit in co_departments")
    for key in ("signer", "contact_name", "contact_phone", "address", "postcode", "department"):
        value = spec[key]
        if value is not None and "".join(value.split()) != value:
            problems.append(f"{key} contains whitespace")
    return problems


def _check_body(spec: Mapping[str, Any]) -> list[str]:
    problems = []
    paragraphs: list[str] = spec["paragraphs"]
    opening, closing = paragraphs[0], paragraphs[-1]
    if "收悉" not in opening or spec["proposal_title"] not in opening:
        problems.append("opening formula lacks 收悉 or the proposal title")
    if spec["doc_kind"] == "会办意见" and spec["proposer"] not in opening:
        problems.append("a 会办意见 names the proposer in its opening")
    if not any(word in closing for word in CLOSINGS):
        problems.append(f"no closing formula: {closing[:30]}")
    hints = spec.get("hints") or {}
    body = "".join(paragraphs)
    lead = spec["co_departments"][:1] if spec["doc_kind"] == "会办意见" else []
    if not hints.get("co_line"):
        for unit in spec["co_departments"]:
            if unit not in body and unit not in lead:
                problems.append(f"co-department {unit} is named nowhere")
    if any("\n" in p or p != p.strip() for p in paragraphs):
        problems.append("paragraphs must be single trimmed lines")
    if spec.get("encoding") == "gbk":
        try:
            json.dumps(spec, ensure_ascii=False).encode("gbk")
        except UnicodeEncodeError as exc:
            problems.append(f"text not encodable in GBK: {exc}")
    return problems
