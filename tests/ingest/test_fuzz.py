"""Fuzzing ingestion (hypothesis): valid seeds made by the test renderers (text, HTML, DOCX,
PDF, a zip of documents), damaged byte by byte (bit flips, truncation, insertion, duplicated
and deleted chunks) and structurally (zip members rewritten, truncated, dropped or added),
go through the real entries: ``parse_bytes`` and the batch (``ingest_paths``, parsers in
child processes under the limits of ``replies.ingest.limits``).

Every outcome is a parse or a clean rejection: a reason in Chinese that is not the catch-all
for parser bugs (``解析出错（…）``), within the time limit, and the batch saves whole records or
nothing. Bounded: a few dozen examples, well under a minute in all.
"""

from __future__ import annotations

import functools
import io
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replies.ingest.batch import ingest_paths
from replies.ingest.parsed import ParsedReply
from replies.ingest.pipeline import Rejected, default_result_classes, parse_bytes
from replies.ingest.report import Outcome
from replies.models import Reply, ReplySection, ReplyVersion
from tests.ingest.render import to_clean_text, to_docx, to_html, to_pdf
from tests.ingest.specs import DISTRICT

CLASSES = default_result_classes()
#: The extraction time limit the fuzzed parses run under, and the slack allowed around it.
TIMEOUT = 5.0
SLACK = 5.0
#: What parse_bytes says when a parser raised something it did not expect: a bug.
PARSER_BUG = "解析出错"


@functools.cache
def seeds() -> dict[str, bytes]:
    """Small valid documents of every accepted kind, by file name."""
    text = to_clean_text(DISTRICT).encode()
    docx = to_docx(DISTRICT)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("答复一.txt", text)
        archive.writestr("答复二.docx", docx)
    return {
        "答复.txt": text,
        "答复.html": to_html(DISTRICT),
        "答复.docx": docx,
        "答复.pdf": to_pdf(DISTRICT),
        "答复包.zip": out.getvalue(),
    }


def _flip(data: bytes, at: int, bit: int) -> bytes:
    if not data:
        return data
    at %= len(data)
    return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]


def _truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


def _insert(data: bytes, at: int, extra: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + extra + data[at:]


def _duplicate(data: bytes, at: int, size: int, times: int) -> bytes:
    at %= len(data) + 1
    return data[:at] + data[at : at + size] * times + data[at:]


def _delete(data: bytes, at: int, size: int) -> bytes:
    at %= len(data) + 1
    return data[:at] + data[at + size :]


byte_mutation = st.one_of(
    st.builds(lambda a, b: ("flip", a, b), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.builds(lambda a: ("truncate", a), st.integers(0, 1 << 20)),
    st.builds(lambda a, x: ("insert", a, x), st.integers(0, 1 << 20), st.binary(max_size=64)),
    st.builds(
        lambda a, s, t: ("duplicate", a, s, t),
        st.integers(0, 1 << 20),
        st.integers(1, 4096),
        st.integers(1, 50),
    ),
    st.builds(lambda a, s: ("delete", a, s), st.integers(0, 1 << 20), st.integers(1, 4096)),
)


def mutate(data: bytes, mutation: tuple) -> bytes:
    kind, *args = mutation
    return {
        "flip": _flip,
        "truncate": _truncate,
        "insert": _insert,
        "duplicate": _duplicate,
        "delete": _delete,
    }[kind](data, *args)


member_mutation = st.tuples(
    st.sampled_from(["rewrite", "drop", "add"]),
    st.integers(0, 100),
    st.lists(byte_mutation, min_size=1, max_size=3),
)


def mutate_members(data: bytes, change: tuple) -> bytes:
    """Rebuild a zip (a .docx or an archive) with one member damaged, dropped or added."""
    kind, index, mutations = change
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    index %= len(members)
    name, content = members[index]
    if kind == "rewrite":
        for mutation in mutations:
            content = mutate(content, mutation)
        members[index] = (name, content)
    elif kind == "drop":
        del members[index]
    else:
        members.append((f"extra/{index}.xml", mutate(content, mutations[0])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member_name, member_data in members:
            archive.writestr(member_name, member_data)
    return out.getvalue()


@st.composite
def damaged(draw, archives: bool = True) -> tuple[str, bytes]:
    """(file name, damaged bytes) from one of the seeds (archives: the zip of documents too)."""
    names = sorted(n for n in seeds() if archives or not n.endswith(".zip"))
    name = draw(st.sampled_from(names))
    data = seeds()[name]
    if name.endswith((".docx", ".zip")) and draw(st.booleans()):
        data = mutate_members(data, draw(member_mutation))
    for mutation in draw(st.lists(byte_mutation, min_size=0, max_size=4)):
        data = mutate(data, mutation)
    return name, data


def assert_clean_rejection(reason: str) -> None:
    assert reason.strip(), "a rejection without a reason"
    assert not reason.startswith(PARSER_BUG), reason
    assert "Traceback" not in reason, reason


@settings(max_examples=80, deadline=None, database=None, derandomize=True)
@given(damaged(archives=False))  # an archive is opened by the batch, not by parse_bytes
def test_parse_bytes_parses_or_rejects_cleanly_within_the_limit(document):
    name, data = document
    start = time.monotonic()
    try:
        parsed = parse_bytes(data, name, CLASSES, timeout=TIMEOUT)
    except Rejected as exc:
        assert_clean_rejection(str(exc))
    else:
        assert isinstance(parsed, ParsedReply)
    assert time.monotonic() - start < TIMEOUT + SLACK


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_EXTRACT_TIMEOUT = TIMEOUT


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(damaged(), min_size=2, max_size=3))
def test_the_batch_saves_whole_records_or_rejects_the_file_by_name(
    db, media, tmp_path_factory, documents
):
    folder = tmp_path_factory.mktemp("fuzz")
    for n, (name, data) in enumerate(documents):
        (folder / f"{n}-{name}").write_bytes(data)
    Reply.objects.all().delete()
    start = time.monotonic()
    summary = ingest_paths([folder])
    assert time.monotonic() - start < len(documents) * (TIMEOUT + SLACK)
    names = {f"{n}-{name}" for n, (name, _) in enumerate(documents)}
    created = 0
    for result in summary.results:
        assert result.path.name in names
        if result.status == Outcome.REJECTED:
            assert_clean_rejection(result.reason)
            assert (result.label, result.reason) in summary.rejected
        else:
            assert result.status in (Outcome.CREATED, Outcome.SKIPPED, Outcome.CONFLICT)
            created += result.status == Outcome.CREATED
    # Every rejection is reported under the file's (and member's) name.
    assert all(any(name in label for name in names) for label, _ in summary.rejected)
    # Whole records only: one row, its file and its first version for every created reply,
    # nothing for a rejected one.
    replies = list(Reply.objects.all())
    assert len(replies) == created
    for reply in replies:
        assert reply.source_file and reply.source_sha256 and reply.source_name
        assert reply.body.strip()
    assert not ReplySection.objects.exclude(reply__in=replies).exists()
    assert not ReplyVersion.objects.exclude(reply__in=replies).exists()


def _with_broken_deflate(members: dict[str, bytes], broken: str) -> bytes:
    """A zip whose member ``broken`` has an invalid deflate block (zlib.error on reading)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(broken)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # deflate block type 3: "invalid block type"
    return bytes(data)


def test_a_member_with_a_broken_deflate_stream_is_rejected_alone(db, media, tmp_path):
    """Found by the fuzzer: zlib.error escaped the archive reader and stopped the batch."""
    text = seeds()["答复.txt"]
    path = tmp_path / "包.zip"
    path.write_bytes(_with_broken_deflate({"好.txt": text, "坏.txt": text * 2}, "坏.txt"))
    summary = ingest_paths([path])
    assert [r.status for r in summary.results] == [Outcome.CREATED, Outcome.REJECTED]
    assert "坏.txt 已损坏，无法解压" in summary.results[1].reason


def test_a_docx_with_a_broken_part_is_rejected_as_damaged():
    """Found by the fuzzer: BadZipFile and zlib errors surfaced as 解析出错（…）."""
    with zipfile.ZipFile(io.BytesIO(seeds()["答复.docx"])) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    data = _with_broken_deflate(members, "word/document.xml")
    with pytest.raises(Rejected) as info:
        parse_bytes(data, "坏.docx", CLASSES)
    assert str(info.value).startswith("Word 文档已损坏（压缩包中的 word/document.xml 无法读取）")
