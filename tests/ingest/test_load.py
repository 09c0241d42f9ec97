"""Saving parsed replies: one transaction per file, SHA-256 skip, conflicts, --update versions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from replies import actions
from replies.ingest.batch import ingest_paths
from replies.ingest.parsed import JSON_KEYS
from replies.models import (
    Department,
    DepartmentAlias,
    Disclosure,
    Reply,
    ReplyVersion,
    Sector,
    Status,
)
from tests.ingest.render import to_clean_text, to_docx, to_pdf
from tests.ingest.specs import CO_OPINION, DISTRICT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_reply_is_saved_with_all_its_parts(db, tmp_path):
    path = write(tmp_path, "district.txt", to_clean_text(DISTRICT).encode())
    summary = ingest_paths([path])
    assert (summary.created, summary.rejected) == (1, [])
    reply = Reply.objects.get()
    assert reply.status == Status.DRAFT
    assert (reply.session.council, reply.session.term, reply.session.number) == (
        "静安区政协",
        14,
        3,
    )
    assert reply.session.year == 2024
    assert (reply.number, reply.number_int, reply.doc_kind) == ("027", 27, "答复")
    assert reply.department.name == "静安区商务委员会"
    assert sorted(d.name for d in reply.co_departments.all()) == [
        "静安区市场监督管理局",
        "静安区财政局",
    ]
    assert reply.sector.name == "经济"
    assert (reply.result_label, reply.result_class) == ("解决或采纳", "A")
    assert reply.disclosure == Disclosure.PUBLIC
    assert (reply.contact_address, reply.postcode) == ("常德路370号", "200040")
    assert [s.heading for s in reply.sections.all()] == [
        "优化社区商业网点布局", "提升社区商业服务品质", "下一步工作",
    ]  # fmt: skip
    assert reply.body.splitlines()[0].startswith("经济界别提出的")
    assert reply.source_file.read() == path.read_bytes()
    assert reply.source_format == "txt"


def test_departments_and_sectors_are_matched_through_aliases(db, tmp_path):
    canonical = Department.objects.create(name="静安区商务委员会")
    DepartmentAlias.objects.create(department=canonical, name="区商务委")
    sector = Sector.objects.create(name="经济")
    spec = dataclasses.replace(DISTRICT, signature=["区商务委"])
    ingest_paths([write(tmp_path, "a.txt", to_clean_text(spec).encode())])
    reply = Reply.objects.get()
    assert reply.department == canonical and reply.sector == sector
    assert Department.objects.filter(name="区商务委").count() == 0


def test_publish_and_withheld_replies(db, tmp_path):
    ingest_paths([write(tmp_path, "a.docx", to_docx(CO_OPINION))], publish=True)
    reply = Reply.objects.get()
    assert reply.status == Status.PUBLISHED
    assert reply.disclosure == Disclosure.WITHHELD and not reply.is_public
    assert [d.name for d in reply.co_departments.all()] == ["省生态环境厅"]


def test_the_same_file_again_is_skipped(db, tmp_path):
    path = write(tmp_path, "district.pdf", to_pdf(DISTRICT))
    assert ingest_paths([path]).created == 1
    again = ingest_paths([path])
    assert (again.created, again.skipped) == (0, 1)
    assert Reply.objects.count() == 1


def test_a_different_file_with_the_same_natural_key_is_a_conflict(db, tmp_path):
    ingest_paths([write(tmp_path, "district.txt", to_clean_text(DISTRICT).encode())])
    summary = ingest_paths([write(tmp_path, "district.docx", to_docx(DISTRICT))])
    assert (summary.created, summary.conflicts) == (0, 1)
    assert "--update" in summary.results[0].reason
    assert Reply.objects.get().source_name == "district.txt"


def test_update_replaces_and_keeps_the_previous_version_and_file(db, tmp_path):
    first = write(tmp_path, "district.txt", to_clean_text(DISTRICT).encode())
    ingest_paths([first], publish=True)
    reply = Reply.objects.get()
    old_file, old_sha = reply.source_file.name, reply.source_sha256
    changed = dataclasses.replace(DISTRICT, paragraphs=[*DISTRICT.paragraphs[:-1], "特此答复。"])
    summary = ingest_paths([write(tmp_path, "district.docx", to_docx(changed))], update=True)
    assert summary.updated == 1
    reply.refresh_from_db()
    assert reply.source_name == "district.docx" and reply.body.endswith("特此答复。")
    assert reply.status == Status.PUBLISHED
    version = ReplyVersion.objects.get(reply=reply)
    assert version.source_sha256 == old_sha and version.source_file == old_file
    assert version.data["body"].endswith("感谢贵界别对我区商务工作的关心和支持。")
    assert reply.source_file.storage.open(old_file).read() == first.read_bytes()
    actions.restore(version)
    reply.refresh_from_db()
    assert reply.source_sha256 == old_sha


def test_each_file_is_its_own_transaction(db, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder, "a.txt", to_clean_text(DISTRICT).encode())
    write(folder, "b.txt", b"")
    write(folder, "c.docx", to_docx(CO_OPINION))
    summary = ingest_paths([folder])
    assert (summary.created, len(summary.rejected)) == (2, 1)


def test_command_dry_run_writes_json_and_nothing_else(db, tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder, "district.txt", to_clean_text(DISTRICT).encode("gb18030"))
    out = tmp_path / "out"
    call_command("ingest", str(folder), "--dry-run", "--json-dir", str(out))
    data = json.loads((out / "district.txt.json").read_text(encoding="utf-8"))
    assert tuple(data) == JSON_KEYS and data["date"] == "2024-05-08"
    assert Reply.objects.count() == 0
    assert "解析 1" in capsys.readouterr().out


def test_command_reports_problems_and_fails_when_something_is_rejected(db, tmp_path, capsys):
    write(tmp_path, "good.txt", to_clean_text(DISTRICT).encode())
    write(tmp_path, "empty.txt", b"")
    with pytest.raises(CommandError) as info:
        call_command("ingest", str(tmp_path), "--publish")
    assert info.value.returncode == 1
    captured = capsys.readouterr()
    assert "empty.txt: 拒收：文件为空" in captured.err
    assert "新建 1" in captured.out and "拒收 1" in captured.out
    assert Reply.objects.get().status == Status.PUBLISHED


def _ingest_statements(folder: Path, *args: str) -> list[str]:
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call_command("ingest", str(folder), "--publish", "--jobs", "1", *args)
    return sent


@pytest.mark.django_db(transaction=True)
def test_ingest_waits_for_the_wal_flush_unless_fast_commit_is_asked(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write(first, "district.txt", to_clean_text(DISTRICT).encode())
    write(second, "co.docx", to_docx(CO_OPINION))
    durable = _ingest_statements(first)
    fast = _ingest_statements(second, "--fast-commit")
    assert not any("synchronous_commit" in sql for sql in durable)
    assert any("SET LOCAL synchronous_commit TO OFF" in sql for sql in fast)
    assert Reply.objects.count() == 2
    with connection.cursor() as cursor:  # SET LOCAL ended with each file's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
