"""A reply's sections are read from its body, never kept as a second copy of the text.

``sections_of`` applies the ingestion rule (``replies.ingest.fields._sections``) to a stored
body, so the ReplySection rows always match the body they were derived from. Editing a
section is an edit of the body: ``body_with_sections`` writes the edited headings and texts
back into the paragraphs the section spans, and the sections are derived again from that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from replies.ingest.fields import _sections
from replies.ingest.numerals import to_chinese
from replies.ingest.parsed import Section
from replies.ingest.width import flat


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs, one a line, as ingestion stores them."""
    return body.split("\n") if body else []


def sections_of(body: str) -> list[Section]:
    return _sections(paragraphs(body))


def section_rows(body: str) -> list[dict[str, Any]]:
    """ReplySection field values for the body's sections, in order."""
    return [
        {"order": k, "number": s.number, "heading": s.heading[:300], "text": s.text}
        for k, s in enumerate(sections_of(body))
    ]


def body_with_sections(body: str, edited: Sequence[Any]) -> str:
    """The body with each section replaced by the heading and text of ``edited[k]``.

    ``edited`` holds objects with ``heading`` and ``text`` (ReplySection rows, in order),
    matched to the body's sections by position; sections beyond either list stay as they are.
    """
    paras = paragraphs(body)
    found = sections_of(body)
    ends = [s.start for s in found[1:]] + [len(paras)]
    for section, end, new in reversed(list(zip(found, ends, edited, strict=False))):
        head = flat(paras[section.start])
        at = head.find(section.heading)
        prefix = head[:at] if at > 0 else f"{to_chinese(section.number)}、"
        text = [line.strip() for line in (new.text or "").splitlines() if line.strip()]
        paras[section.start : end] = [prefix + new.heading.strip(), *text]
    return "\n".join(paras)
