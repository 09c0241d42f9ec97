"""Chinese numerals and dates as printed in replies (十五届, 二〇二四年四月三十日)."""

from __future__ import annotations

import datetime
import re
import unicodedata

_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0,
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
