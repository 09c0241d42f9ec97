"""Decoding text and HTML bytes: BOMs, declared charsets, UTF-8, GB18030/GBK, UTF-16."""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata

from replies.ingest.extract.base import ExtractionError


def strip_bom(data: bytes) -> bytes:
    """data without a leading UTF-8 or UTF-16 byte-order mark."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def looks_utf16(data: bytes) -> bool:
    """True for UTF-16 text: a UTF-16 BOM, or a NUL in every other byte of ASCII."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        sample = sample[: len(sample) // 2 * 2]
    if not sample:
        return False
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    # ASCII in UTF-16 puts a NUL in every other byte; CJK text has few NULs but then
    # UTF-8 and GB18030 strict decoding will both fail, which decode_text checks.
    return max(even_nul, odd_nul) > 0.3 and min(even_nul, odd_nul) < 0.05


def decode_utf16(data: bytes) -> str:
    """Decode UTF-16 by its BOM, or by which half of the byte pairs carries the NULs."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    sample = data[:4000]
    le = sample[1::2].count(0) >= sample[0::2].count(0)
    return data.decode("utf-16-le" if le else "utf-16-be")


_CHINESE_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "hz"}


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of a text or HTML file; return (text, encoding).

    Order: BOM; the declared charset if it decodes strictly; strict UTF-8; charset-normalizer's
    best guess (GBK/GB2312 read as their superset GB18030), checked by strict decoding;
    strict GB18030. Raises ExtractionError when nothing decodes cleanly.
    """
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise ExtractionError(f"文本声明为 {enc} 编码，但内容无法按此解码") from exc
    candidates: list[str] = []
    if declared:
        declared = declared.lower().strip()
        candidates.append(_CHINESE_CODECS.get(declared, declared))
    if looks_utf16(data):
        candidates.append("utf-16-le" if data[1::2][:2000].count(0) else "utf-16-be")
    candidates.append("utf-8")
    for enc in candidates:
        try:
            decoded = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(decoded):
            return decoded, enc
    # GB18030 first when it decodes strictly into common Chinese characters: detectors
    # guess poorly on short texts (a few GB18030 characters look like Big5 or Shift_JIS).
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text) and _common_hanzi_share(text) >= 0.6:
        return text, "gb18030"
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        enc = _CHINESE_CODECS.get(match.encoding.lower(), match.encoding)
        try:
            guessed = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(guessed):
            return guessed, enc
    if text is not None and _plausible(text):
        return text, "gb18030"
    raise ExtractionError("无法识别文本编码（不是 UTF-8、GB18030/GBK 或 UTF-16 文本）")


def _common_hanzi_share(text: str) -> float:
    """Share of the Chinese characters that are among the 3,755 most common (GB2312 level 1)."""
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return 0.0
    common = 0
    for c in hanzi:
        with contextlib.suppress(UnicodeEncodeError):
            common += 0xB0 <= c.encode("gb2312")[0] <= 0xD7
    return common / len(hanzi)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ud800-\udfff]")
_COMMON = re.compile(r"[\s\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _plausible(text: str) -> bool:
    """Reject decodings with control, private-use or unassigned characters (binary data,
    wrong codec)."""
    if not text:
        return False
    bad = len(_CONTROL.findall(text))
    rare = _COMMON.sub("", text)
    bad += sum(1 for c in rare if unicodedata.category(c) in ("Cn", "Cs", "Co"))
    return bad / len(text) < 0.01
