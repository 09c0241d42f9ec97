"""ParsedReply: what the parser reads out of one reply document, before it touches the database."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from replies.ingest.extract.base import OcrPage
from replies.ingest.numerals import number_sort_key

#: The keys of ``ingest --json-dir`` output, in order (issue 3).
JSON_KEYS = (
    "title", "council", "term", "session", "number", "doc_kind", "result", "result_class",
    "signer", "proposer", "sector", "proposal_title", "department", "co_departments", "date",
    "disclosure", "contact_name", "contact_phone", "address", "postcode", "sections",
    "paragraphs", "warnings",
)  # fmt: skip


#: Fields without which a reply is saved only as a draft flagged 需要核对.
CORE_FIELDS = (
    ("title", "标题"), ("council", "政协"), ("term", "届"), ("session", "会议次数"),
    ("number", "提案号"),
)  # fmt: skip


@dataclass
class Section:
    """A top-level numbered part of the reply (一、二、…)."""

    number: int
    heading: str
    #: Index into ParsedReply.paragraphs of the heading paragraph.
    start: int = 0
    #: The section's text: its paragraphs after the heading, one per line.
    text: str = ""


@dataclass
class ParsedReply:
    """Fields of one reply as printed; None where the document does not say."""

    title: str | None = None
    council: str | None = None
    term: int | None = None
    session: int | None = None
    number: str | None = None
    doc_kind: str | None = None
    result: str | None = None
    result_class: str | None = None
    signer: str | None = None
    proposer: str | None = None
    sector: str | None = None
    proposal_title: str | None = None
    department: str | None = None
    co_departments: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    disclosure: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Where it came from: format ("txt", "pdf", …), encoding, web-page metadata.
    source_format: str = ""
    source_meta: dict[str, Any] = field(default_factory=dict)
    #: Where each field found was read from, in Chinese: 标题, “签发人”栏, 称呼行, 落款 …
    read_from: dict[str, str] = field(default_factory=dict)
    #: Why the reply must be checked by hand besides missing core fields (set by the parser).
    needs_review_reasons: list[str] = field(default_factory=list)
    #: Pages read by OCR with their text and confidence (scans only; not saved).
    ocr_pages: list[OcrPage] = field(default_factory=list)

    @property
    def missing_core_fields(self) -> list[str]:
        """The core fields (title, council, term, session, number) not read, named in Chinese."""
        return [label for key, label in CORE_FIELDS if not getattr(self, key)]

    @property
    def review_reasons(self) -> list[str]:
        """Why the reply needs review: missing core fields first, then the parser's reasons."""
        missing = self.missing_core_fields
        found = [f"缺少{'、'.join(missing)}"] if missing else []
        return found + [r for r in self.needs_review_reasons if r not in found]

    @property
    def needs_review(self) -> bool:
        """True when a core field is missing or the parser gave a reason to check it."""
        return bool(self.missing_core_fields or self.needs_review_reasons)

    @property
    def body(self) -> str:
        """The cleaned body text, one paragraph per line."""
        return "\n".join(self.paragraphs)

    @property
    def number_int(self) -> int | None:
        """The proposal number as an integer for sorting (see ``numerals.number_sort_key``)."""
        return number_sort_key(self.number)

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys of the issue's JSON output, null where absent."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["sections"] = [{"number": s.number, "heading": s.heading} for s in self.sections]
        return {key: data[key] for key in JSON_KEYS}

    def to_state(self) -> dict[str, Any]:
        """Every field, JSON-safe, for :meth:`from_state` (the admin keeps a scan's reading)."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> ParsedReply:
        """The reply :meth:`to_state` wrote."""
        data = dict(data)
        data["date"] = datetime.date.fromisoformat(data["date"]) if data["date"] else None
        data["sections"] = [Section(**s) for s in data["sections"]]
        data["ocr_pages"] = [OcrPage(**p) for p in data["ocr_pages"]]
        return cls(**data)
