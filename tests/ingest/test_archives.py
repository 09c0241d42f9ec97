"""Zip archives: each member ingested as a file, within limits; oversized bodies; exit codes."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from replies.ingest.archive import is_archive, safe_name
from replies.ingest.batch import ingest_paths
from replies.ingest.report import Outcome
from replies.models import Reply, Status
from tests.ingest.render import to_clean_text, to_docx, to_pdf
from tests.ingest.specs import CO_OPINION, COUNTY, DISTRICT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_zip(path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            if name.endswith("/"):
                zf.writestr(zipfile.ZipInfo(name), b"")
            else:
                zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def by_label(summary) -> dict[str, object]:
    return {(r.member or "").rsplit("/", 1)[-1]: r for r in summary.results}


def test_a_docx_is_a_document_not_an_archive():
    assert not is_archive(to_docx(DISTRICT))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.txt", "x")
    assert is_archive(buffer.getvalue())
    assert not is_archive(to_clean_text(DISTRICT).encode())


def test_each_member_is_ingested_as_a_file(db, tmp_path):
    pdf = to_pdf(DISTRICT)
    archive = make_zip(
        tmp_path / "batch.zip",
        {
            "2024/": b"",
            "2024/district.pdf": pdf,
            "co.docx": to_docx(CO_OPINION),
            "county.txt": to_clean_text(COUNTY).encode("gb18030"),
            "__MACOSX/._co.docx": b"junk",
            ".hidden.txt": b"junk",
        },
    )
    out = tmp_path / "json"
    summary = ingest_paths([archive], json_dir=out)
    assert (summary.created, summary.rejected) == (3, [])
    assert [r.label for r in summary.results] == [
        f"{archive}!2024/district.pdf",
        f"{archive}!co.docx",
        f"{archive}!county.txt",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.zip!2024_district.pdf.json",
        "batch.zip!co.docx.json",
        "batch.zip!county.txt.json",
    ]
    data = json.loads((out / "batch.zip!2024_district.pdf.json").read_text(encoding="utf-8"))
    assert data["number"] == "027"
    reply = Reply.objects.get(number="027")
    assert reply.source_name == "batch.zip!2024_district.pdf"
    assert reply.source_file.read() == pdf
    again = ingest_paths([archive])
    assert again.skipped == 3


def test_bad_members_are_rejected_alone_naming_archive_and_member(db, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("x.txt", to_clean_text(DISTRICT))
    archive = make_zip(
        tmp_path / "mixed.zip",
        {
            "good.txt": to_clean_text(DISTRICT).encode(),
            "inner.zip": inner.getvalue(),
            "../../etc/evil.txt": b"",
            "bomb.txt": b" " * (3 * 1024 * 1024),
        },
    )
    summary = ingest_paths([archive], dry_run=True)
    results = by_label(summary)
    assert results["good.txt"].status is Outcome.PARSED
    assert results["inner.zip"].status is Outcome.REJECTED
    assert "压缩包 mixed.zip 中的 inner.zip 本身是压缩包" in results["inner.zip"].reason
    evil = results["evil.txt"]
    assert evil.label == f"{archive}!etc/evil.txt" and evil.status is Outcome.REJECTED
    assert "压缩包 mixed.zip 中的 bomb.txt 压缩比异常" in results["bomb.txt"].reason
    assert not (tmp_path / "etc").exists()


def test_safe_names():
    assert safe_name("../../etc/passwd") == "etc/passwd"
    assert safe_name("/abs/x.pdf") == "abs/x.pdf"
    assert safe_name("a\\..\\b.txt") == "a/b.txt"
    assert safe_name("..") == "（无名文件）"


def test_archive_limits_come_from_settings(db, tmp_path, settings):
    members = {f"{k}.txt": to_clean_text(DISTRICT).encode() for k in range(3)}
    archive = make_zip(tmp_path / "many.zip", members)
    settings.ARCHIVE_ZIP_MAX_MEMBERS = 2
    [result] = ingest_paths([archive], dry_run=True).results
    assert result.status is Outcome.REJECTED and result.label == str(archive)
    assert result.reason == "压缩包 many.zip 含 3 个文件，超过上限 2 个"
    settings.ARCHIVE_ZIP_MAX_MEMBERS = 10
    settings.ARCHIVE_ZIP_MAX_BYTES = 1000
    [result] = ingest_paths([archive], dry_run=True).results
    assert "压缩包 many.zip 解压后共" in result.reason and "超过上限 1,000 字节" in result.reason
    settings.ARCHIVE_ZIP_MAX_BYTES = 10**9
    settings.ARCHIVE_ZIP_MAX_RATIO = 1.5
    big = make_zip(tmp_path / "ratio.zip", {"a.txt": to_clean_text(DISTRICT).encode() * 600})
    [result] = ingest_paths([big], dry_run=True).results
    assert "压缩包 ratio.zip 中的 a.txt 压缩比异常" in result.reason
    assert ingest_paths([archive], dry_run=True).parsed == 3


def test_a_damaged_archive_is_rejected_with_its_name(db, tmp_path):
    archive = make_zip(tmp_path / "broken.zip", {"a.txt": to_clean_text(DISTRICT).encode()})
    archive.write_bytes(archive.read_bytes()[:-30])
    [result] = ingest_paths([archive], dry_run=True).results
    assert result.status is Outcome.REJECTED and "broken.zip" in result.reason


def test_a_body_far_beyond_any_reply_is_refused(db, tmp_path, settings):
    text = to_clean_text(DISTRICT)
    paragraph = "我们将持续推进社区商业网点建设，完善便民服务设施。" * 40
    huge = text.replace("感谢贵界别", (paragraph + "\n") * 250 + "感谢贵界别")
    path = tmp_path / "huge.txt"
    path.write_text(huge, encoding="utf-8")
    assert path.stat().st_size > 200_000 * 3
    [result] = ingest_paths([path]).results
    assert result.status is Outcome.REJECTED
    assert result.reason.startswith("正文过长（清理后 2") and "上限 200,000 字" in result.reason
    assert Reply.objects.count() == 0
    settings.ARCHIVE_MAX_BODY_CHARS = 10**6
    assert ingest_paths([path]).created == 1


def exit_code(*args: str) -> int:
    try:
        call_command("ingest", *args, "--jobs", "1")
    except CommandError as exc:
        return exc.returncode
    return 0


def test_exit_codes(db, tmp_path, capsys):
    good, other, empty = (tmp_path / n for n in ("good", "other", "empty"))
    for folder in (good, other, empty):
        folder.mkdir()
    (good / "a.txt").write_text(to_clean_text(DISTRICT), encoding="utf-8")
    (other / "a.docx").write_bytes(to_docx(DISTRICT))  # same natural key, another file
    (empty / "e.txt").write_bytes(b"")
    assert exit_code(str(good), "--publish") == 0
    assert exit_code(str(good)) == 0  # the same file again is skipped, not a failure
    assert exit_code(str(other)) == 3
    assert "冲突 1" in capsys.readouterr().out
    assert exit_code(str(empty)) == 1
    assert exit_code(str(other), str(empty)) == 4
    assert exit_code(str(tmp_path / "missing")) == 2
    assert exit_code(str(other), "--update") == 0
    assert Reply.objects.get().status == Status.PUBLISHED


@pytest.mark.django_db(transaction=True)
def test_archives_are_read_by_worker_processes_in_order(tmp_path):
    archive = make_zip(
        tmp_path / "a.zip",
        {"x.txt": to_clean_text(DISTRICT).encode(), "y.txt": to_clean_text(CO_OPINION).encode()},
    )
    county = tmp_path / "county.txt"
    county.write_text(to_clean_text(COUNTY), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    files = [archive, county, empty, county]
    summary = ingest_paths([], files=files, jobs=2, dry_run=True)
    assert [r.label for r in summary.results] == [
        f"{archive}!x.txt", f"{archive}!y.txt", str(county), str(empty), str(county),
    ]  # fmt: skip
    assert (summary.parsed, len(summary.rejected)) == (4, 1)
