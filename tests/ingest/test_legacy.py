"""Legacy Word formats through the real LibreOffice: a .doc (and .rtf) that LibreOffice wrote.

The documents are made here: a fictional reply rendered to .docx, then converted by
``soffice --headless --convert-to``. CI installs LibreOffice (.ci/run), so there these tests
always run; locally they skip when soffice is missing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from replies.ingest.extract import legacy
from replies.ingest.pipeline import Rejected, default_result_classes, parse_bytes
from tests.ingest.render import to_docx
from tests.ingest.specs import DISTRICT, DISTRICT_FIELDS, comparable

CLASSES = default_result_classes()
SOFFICE = legacy.libreoffice()

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


def _flat(items: list[str]) -> list[str]:
    return ["".join(x.split()) for x in items]


def _convert(docx: Path, fmt: str) -> bytes:
    """docx converted by LibreOffice itself to fmt ("doc", "rtf")."""
    profile = (docx.parent / f"profile-{fmt}").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(docx.parent), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return docx.with_suffix(f".{fmt}").read_bytes()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("legacy")
    docx = folder / "reply.docx"
    docx.write_bytes(to_docx(DISTRICT))
    return {fmt: _convert(docx, fmt) for fmt in ("doc", "rtf")}


def test_doc_written_by_libreoffice_is_read(made: dict[str, bytes]) -> None:
    data = made["doc"]
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an OLE compound file
    reply = parse_bytes(data, "reply.doc", CLASSES)
    assert reply.source_format == "doc"
    assert (reply.title, reply.number, reply.council, reply.term, reply.session) == (
        "对静安区政协第十四届三次会议第027号提案的答复", "027", "静安区政协", 14, 3,
    )  # fmt: skip
    assert reply.department == "静安区商务委员会"
    assert reply.date.isoformat() == "2024-05-08"
    assert comparable(reply.to_json()) == DISTRICT_FIELDS
    assert _flat(reply.paragraphs) == _flat(DISTRICT.paragraphs)


def test_doc_named_wps_is_read(made: dict[str, bytes]) -> None:
    # WPS Office saves Word-compatible binary files under .wps; LibreOffice reads by content.
    reply = parse_bytes(made["doc"], "reply.wps", CLASSES)
    assert reply.source_format == "wps"
    assert comparable(reply.to_json()) == DISTRICT_FIELDS


def test_rtf_written_by_libreoffice_is_read(made: dict[str, bytes]) -> None:
    data = made["rtf"]
    assert data.startswith(b"{\\rtf")
    reply = parse_bytes(data, "reply.rtf", CLASSES)
    assert reply.source_format == "rtf"
    assert comparable(reply.to_json()) == DISTRICT_FIELDS
    assert _flat(reply.paragraphs) == _flat(DISTRICT.paragraphs)


def test_conversion_timeout_is_at_least_the_cold_start_floor(
    made: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny extraction timeout must not starve LibreOffice's start-up.
    reply = parse_bytes(made["doc"], "reply.doc", CLASSES, timeout=1)
    assert reply.number == "027"
    monkeypatch.setattr(legacy, "MIN_CONVERT_TIMEOUT", 0.2)
    with pytest.raises(Rejected, match=r"LibreOffice 转换超时（超过 1 秒）"):
        parse_bytes(made["doc"], "reply.doc", CLASSES, timeout=1)
