"""Fold character width for parsing, and map what was read back to the text as printed.

Real replies mix half-width and full-width forms: ``委员:``, ``签发人:马某``, ``(此件公开发布)``,
full-width digits ``２０２４``. The parser matches one form only, so it reads a folded copy in
which ASCII ``: , ; ! ? ( )`` become their full-width forms and full-width letters and digits
become ASCII. Folding replaces one character by one character and never turns a space into a
non-space, so a span of the folded text is the same span of the original: :class:`Printed`
maps a value read from the folded text back to the characters the document printed.
"""

from __future__ import annotations

_PUNCTUATION = {":": "：", ",": "，", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_TABLE = {ord(k): v for k, v in _PUNCTUATION.items()}
# Full-width digits and Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) to ASCII.
_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)})
_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})
_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})


def fold(text: str) -> str:
    """The text with one width per character kind; same length, same whitespace."""
    return text.translate(_TABLE)


def flat(text: str) -> str:
    """Text without any whitespace."""
    return "".join(text.split())


class Printed:
    """Maps strings read from the folded, whitespace-free text back to the printed text."""

    def __init__(self, texts: list[str]) -> None:
        self.original = "".join(flat(t) for t in texts)
        self.folded = fold(self.original)

    def restore(self, value: str | None) -> str | None:
        """The printed form of a value read from folded text (unchanged if not found)."""
        if not value:
            return value
        start = self.folded.find(value)
        if start < 0:
            return value
        return self.original[start : start + len(value)]
