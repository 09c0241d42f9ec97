"""The fictional sample replies: sound specs, spanning what the archive must show, rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.documents import check_all, file_name, render
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


def test_specs_span_what_the_archive_must_show():
    assert len(SPECS) >= 32
    assert len({s["council"] for s in SPECS}) >= 2
    assert len({(s["council"], s["term"], s["session"]) for s in SPECS}) >= 4
    assert len({s["department"] for s in SPECS}) >= 12
    assert len({s["sector"] for s in SPECS if s["sector"]}) >= 8
    assert {s["result_class"] for s in SPECS} >= {"A", "B", "C"}
    assert {s["doc_kind"] for s in SPECS} == {"答复", "答复函", "会办意见"}
    assert sum(s["doc_kind"] == "会办意见" for s in SPECS) >= 2
    assert sum(s["disclosure"] == "不予公开" for s in SPECS) == 2
    assert sum(s["disclosure"] == "依申请公开" for s in SPECS) >= 2
    assert any(s["result"] is None and s["result_class"] for s in SPECS)  # only a class letter
    assert any(not s["sections"] for s in SPECS)
    assert {s["format"] for s in SPECS} == {"txt-pdf-extract", "txt-clean", "docx", "pdf", "html"}
    assert sum(s.get("encoding") == "gb18030" for s in SPECS) >= 3
    assert sum(s.get("encoding") == "gbk" for s in SPECS) >= 2
    assert {s["date"][:4] for s in SPECS} >= {"2022", "2023", "2024", "2025"}


def test_some_proposals_have_several_replies():
    proposals = {}
    for spec in SPECS:
        key = (spec["council"], spec["term"], spec["session"], spec["number"])
        proposals.setdefault(key, []).append(spec["doc_kind"])
    shared = [kinds for kinds in proposals.values() if len(kinds) > 1]
    assert len(shared) >= 2
    assert all("会办意见" in kinds for kinds in shared)


def test_edge_cases_are_present():
    bodies = ["".join(s["paragraphs"]) for s in SPECS]
    assert any("<script>" in b for b in bodies)
    assert any(any("０" <= ch <= "９" for ch in b) for b in bodies)
    assert any("5G" in b for b in bodies) and any("AI" in b for b in bodies)
    assert any(ch in "".join(bodies) for ch in "於與書臨國")


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


@pytest.mark.parametrize("fmt", ["txt-pdf-extract", "txt-clean", "html"])
def test_every_spec_renders_in_other_formats_too(fmt):
    # hints written for one format must not break another (the benchmark renders them all)
    for spec in SPECS:
        for seed in (1, 2):
            data = render(spec, fmt, encoding="utf-8", seed=seed)
            assert missing_paragraphs(spec["paragraphs"], text_of(data, fmt), fmt) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_some_specs_render_as_office_documents_too(fmt):
    for spec in SPECS[::8]:
        data = render(spec, fmt, seed=3)
        assert missing_paragraphs(spec["paragraphs"], text_of(data, fmt), fmt) == []
