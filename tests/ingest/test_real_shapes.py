"""Replies in the shapes real offices publish: every field read as the truth file says.

The documents under ``real_shapes/`` are fictional (see its README); each one exercises one
or more of the shapes real replies take (half-width punctuation, council wordings, headers,
class marks, openings, addressees, signers, footers, missing parts, web-page chrome), named
in its truth file's ``shape``. Values are compared as the corpus scorer compares them:
whitespace removed, co-departments as a set, sections by heading.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replies.ingest.parsed import JSON_KEYS
from replies.ingest.pipeline import default_result_classes, parse_bytes

ROOT = Path(__file__).parent / "real_shapes"
MANIFEST = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
CLASSES = default_result_classes()
FIELDS = [key for key in JSON_KEYS if key not in ("paragraphs", "warnings")]


def _flat(value: object) -> object:
    if isinstance(value, str):
        return "".join(value.split()) or None
    return value


def comparable(data: dict, field: str) -> object:
    value = data.get(field)
    if field == "co_departments":
        return sorted(_flat(x) for x in value or [])
    if field == "sections":
        return [_flat(s["heading"]) for s in value or []]
    return _flat(value)


@pytest.mark.parametrize("entry", MANIFEST, ids=[m["case_id"] for m in MANIFEST])
def test_fields_as_printed(entry: dict) -> None:
    truth = json.loads((ROOT / entry["truth"]).read_text(encoding="utf-8"))
    path = ROOT / entry["file"]
    got = parse_bytes(path.read_bytes(), path.name, CLASSES).to_json()
    wrong = {
        field: (comparable(truth, field), comparable(got, field))
        for field in FIELDS
        if comparable(truth, field) != comparable(got, field)
    }
    assert not wrong, f"{entry['file']} ({truth['shape']}): truth, got = {wrong}"
    assert [_flat(p) for p in got["paragraphs"]] == [_flat(p) for p in truth["paragraphs"]]


def test_every_document_is_listed() -> None:
    listed = {m["file"] for m in MANIFEST}
    on_disk = {f"docs/{p.name}" for p in (ROOT / "docs").iterdir()}
    assert listed == on_disk
