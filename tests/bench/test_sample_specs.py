"""The fictional sample replies: sound specs, spanning what the archive must show, rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.documents import check_all, file_name
from bench.specs import load_specs
from tests.bench.extracted import flat_text, missing_paragraphs, text_of

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
SPECS = load_specs(SAMPLES / "specs")


def test_specs_are_sound():
    assert check_all(SPECS) == []


def test_every_unit_is_known_with_its_short_names():
    known = json.loads((SAMPLES / "departments.json").read_text(encoding="utf-8"))
    names = set(known) | {alias for aliases in known.values() for alias in aliases}
    for spec in SPECS:
        assert spec["department"] in names
        assert set(spec["co_departments"]) <= names, spec["id"]


def test_rendered_documents_match_the_specs():
    docs = {p.name for p in (SAMPLES / "docs").iterdir()}
    assert docs == {file_name(s) for s in SPECS}
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    assert {m["file"].removeprefix("docs/") for m in manifest} == docs


@pytest.mark.parametrize("spec", SPECS, ids=[s["id"] for s in SPECS])
def test_rendered_document_carries_the_reply(spec):
    data = (SAMPLES / "docs" / file_name(spec)).read_bytes()
    text = text_of(data, spec["format"], spec.get("encoding"))
    assert missing_paragraphs(spec["paragraphs"], text, spec["format"]) == []
    flat = flat_text(text, spec["format"])
    for value in (spec["title"], spec["department"], f"（此件{spec['disclosure']}）"):
        assert value in flat
    for value in (spec["signer"], spec["contact_phone"], spec["postcode"], spec["result"]):
        if value:
            assert value in flat
