"""Every number conversion of the archive: Chinese numerals, proposal numbers, dates.

- ``to_int``: Arabic (also full-width) or Chinese numerals → int (十五, 一百零五, 二〇二四).
- ``to_chinese``: int → Chinese numerals as council titles write them (15 → 十五).
- ``number_sort_key``: a proposal number as printed → the integer it sorts by
  (``Reply.number_int``); see its docstring for the rule.
- ``parse_number_input``: a proposal number typed by a user (filters, search) → int.
- ``find_date``/``parse_date``/``is_date_line``: dates as printed in replies.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

_DIGITS = {
    # A zero typed as the digit 0 or a letter O inside Chinese numerals: 二0二一年.
    "〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

CN_DIGIT_CHARS = "".join(_DIGITS) + "".join(_UNITS)
NUMBER_CHARS = CN_DIGIT_CHARS + "0123456789０１２３４５６７８９"


def to_int(text: str) -> int | None:
    """Read an integer written in Arabic or Chinese numerals (15, 十五, 一百零五, 二〇二四).

    Returns None when the text is not a number.
    """
    text = unicodedata.normalize("NFKC", "".join(text.split()))
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(c not in _DIGITS and c not in _UNITS for c in text):
        return None
    if not any(c in _UNITS for c in text):
        # Digit by digit, as in years: 二〇二四.
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        else:
            total += (current or 1) * _UNITS[c]
            current = 0
    return total + current


_CN_WRITE = "〇一二三四五六七八九"
#: Numbers above this are not sort keys (Reply.number_int is a PostgreSQL integer).
MAX_NUMBER = 999_999_999


def to_chinese(value: int) -> str:
    """Write 1–9999 the way council titles do (3 → 三, 15 → 十五, 20 → 二十, 105 → 一百零五).

    Other values are written in Arabic digits.
    """
    if not 0 < value < 10_000:
        return str(value)
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, unit)
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(_CN_WRITE[digit] + name)
            zero = False
        else:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


_DIGIT_RUNS = re.compile(r"\d+")
_NUMBER_WRAPPING = re.compile(r"^第|号$")


def number_sort_key(number: str | None) -> int | None:
    """The integer a proposal number sorts by, or None.

    The rule: full-width characters are folded (０４６ → 046), 第 and 号 are dropped, and the
    **last run of digits** is the number, leading zeros ignored: 046 and 0024 → 46 and 24;
    2021-24 (year and number) → 24, so it sorts within its year; B-12 → 12; 第56号 → 56.
    A number written only in Chinese numerals (第五十六号) is read as such (56). None when
    there is no number at all, or it is above ``MAX_NUMBER``.
    """
    text = _NUMBER_WRAPPING.sub("", "".join(unicodedata.normalize("NFKC", number or "").split()))
    runs = _DIGIT_RUNS.findall(text)
    value = int(runs[-1]) if runs else to_int(text)
    return value if value is not None and value <= MAX_NUMBER else None


_TYPED_NUMBER = re.compile(rf"^(?:第?([0-9]{{1,9}})号?|第([{CN_DIGIT_CHARS}]{{1,12}})号)$")


def parse_number_input(text: str | None) -> int | None:
    """A proposal number as a user types it (005, 第5号, 第 005 号, ５, 第五号) → int, or None.

    Only digits (optionally as 第…号), or Chinese numerals as 第…号, are a number: 十五 alone
    is a word, and 2021-24 is not a bare number (callers match it as text). A typed number
    finds the replies whose ``number_sort_key`` is that value.
    """
    flat = "".join(unicodedata.normalize("NFKC", text or "").split())
    match = _TYPED_NUMBER.match(flat)
    return to_int(match.group(1) or match.group(2)) if match else None


_CN = f"[{CN_DIGIT_CHARS}]"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(rf"(?P<y>{_CN}{{4}})\s*年\s*(?P<m>{_CN}{{1,3}})\s*月\s*(?P<d>{_CN}{{1,3}})\s*日"),
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)"),
]


def find_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    """Find the first valid date in text, with the match that printed it."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            y, mo, d = (to_int(m[k]) for k in ("y", "m", "d"))
            if y is None or mo is None or d is None:
                continue
            try:
                return datetime.date(y, mo, d), m
            except ValueError:
                continue
    return None


def parse_date(text: str) -> datetime.date | None:
    """The first date written in text, or None."""
    found = find_date(text)
    return found[0] if found else None


def is_date_line(text: str) -> bool:
    """True when text consists of a date and nothing else (whitespace aside)."""
    found = find_date(text)
    if not found:
        return False
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return flat == "".join(found[1].group(0).split())
