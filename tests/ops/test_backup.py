"""``manage.py backup`` → ``manage.py restore`` into a second database: everything comes back."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from config.embedded_db import server_status, stop_server
from replies import search
from replies.models import DepartmentAlias, Sector, SectorAlias
from replies.models import ReplySection as Section
from replies.ops import archive
from replies.ops.database import table_counts, user_tables
from replies.search.models import UserDictionaryTerm
from tests.ops import dbs

pytestmark = pytest.mark.django_db(transaction=True)

TARGET = "restore_check"
#: Tables that must hold rows for the comparison to mean anything.
MUST_HAVE_ROWS = (
    "public.replies_reply",
    "public.replies_replysection",
    "public.replies_replyversion",
    "public.replies_departmentalias",
    "public.replies_sectoralias",
    "public.replies_userdictionaryterm",
    "public.replies_replysearch",
)
# A PDF-like source with bytes no text codec would keep: NUL, 0xFF, CR LF.
BINARY = b"%PDF-1.4\n\x00\xff\xfe\r\n" + bytes(range(256)) * 40


def _rows(conn, table: str) -> list[str]:
    schema, name = table.split(".")
    return [
        row[0] for row in conn.execute(f'SELECT t::text AS r FROM "{schema}"."{name}" t ORDER BY r')
    ]


@pytest.fixture
def archive_data(make_reply, settings, tmp_path):
    """示例数据: replies with sections, versions, aliases, dictionary terms and source files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    first = make_reply(body="示例数据。关于推进托育服务体系建设的答复，托育机构已达三十家。")
    first.source_file.save("示例答复.pdf", ContentFile(BINARY), save=True)
    first.source_sha256 = hashlib.sha256(BINARY).hexdigest()
    first.save()
    Section.objects.create(reply=first, order=1, number=1, heading="一、托育服务", text="示例。")
    first.save_version("示例：初次导入")
    first.body += "补充：托育补贴。"
    first.save()
    first.save_version("示例：校对")
    second = make_reply(body="示例数据。关于普惠托育和社区养老的答复。")
    second.source_file.save("示例答复.html", ContentFile("<p>示例数据：托育</p>".encode()))
    DepartmentAlias.objects.create(department=first.department, name="测试市教委")
    sector = Sector.objects.create(name="示例界别")
    SectorAlias.objects.create(sector=sector, name="示例界别（旧称）")
    UserDictionaryTerm.objects.create(term="普惠托育", note="示例数据")
    return tmp_path


def test_backup_restore_round_trip_is_byte_identical(archive_data, tmp_path):
    path = tmp_path / "backup.tar"
    call_command("backup", str(path))
    params = connection.settings_dict
    with dbs.connect(params, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{TARGET}"')
        admin.execute(f"CREATE DATABASE \"{TARGET}\" ENCODING 'UTF8' TEMPLATE template0")
    target_url = dbs.url(params, TARGET)
    restored_dir = tmp_path / "restored"
    try:
        done = dbs.manage(["restore", str(path)], target_url, restored_dir)
        assert done.returncode == 0, done.stderr
        assert "恢复完成" in done.stdout

        with dbs.connect(params, params["NAME"]) as old, dbs.connect(params, TARGET) as new:
            tables = user_tables(old)
            assert user_tables(new) == tables
            for table in tables:
                assert _rows(new, table) == _rows(old, table), table
            for table in MUST_HAVE_ROWS:
                assert _rows(old, table), f"{table} holds no rows: the test proves nothing"

        sources = sorted(p for p in (archive_data / "media").rglob("*") if p.is_file())
        assert len(sources) == 2
        for source in sources:
            copy = restored_dir / "media" / source.relative_to(archive_data / "media")
            assert copy.read_bytes() == source.read_bytes()

        queries = ["托育", "托育 -养老", "社区养老"]
        answers = dbs.search_elsewhere(queries, target_url, restored_dir)
        for q, answer in zip(queries, answers, strict=True):
            here = search.search(None, q)
            assert [r.pk for r in here.results], q
            assert answer["ids"] == [r.pk for r in here.results], q
            assert {int(k): v for k, v in answer["scores"].items()} == here.scores, q

        again = dbs.manage(["restore", str(path)], target_url, tmp_path / "other")
        assert again.returncode != 0
        assert "不是空的" in again.stderr and "not empty" in again.stderr
    finally:
        connection.close()
        with dbs.connect(params, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{TARGET}" WITH (FORCE)')


def test_restore_refuses_a_damaged_or_foreign_archive(archive_data, tmp_path):
    path = tmp_path / "backup.tar"
    call_command("backup", str(path))
    manifest = archive.verify(path)
    assert manifest["counts"]["public.replies_reply"] == 2
    assert ["replies", "0001_initial"] in manifest["migrations"]
    assert set(manifest["versions"]) == {"archive", "django", "postgresql", "pg_dump"}

    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as src, tarfile.open(damaged, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name.endswith(".pdf"):
                data = data.replace(b"%PDF", b"%PDX")
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"校验和不符.*checksum mismatch"):
        call_command("restore", "--check", str(damaged))

    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as dst:
        info = tarfile.TarInfo("notes.txt")
        dst.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match=r"foreign\.tar.*manifest\.json"):
        call_command("restore", str(foreign))

    # The test database is not empty: restoring into it is refused before anything is written.
    with pytest.raises(CommandError, match=r"不是空的.*not empty"):
        call_command("restore", str(path))
    assert not Path(str(path) + ".partial").exists()


def test_restore_into_an_empty_embedded_data_dir(archive_data, tmp_path):
    """With no DATABASE_URL, restore makes the data dir's own server and fills it."""
    path = tmp_path / "backup.tar"
    call_command("backup", str(path))
    manifest = archive.verify(path)
    fresh = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ARCHIVE_DATA_DIR=str(fresh), DEBUG="true")
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", "restore", str(path)],
            cwd=dbs.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        status = server_status(fresh)
        assert status is not None, "the restore must have started the data dir's server"
        params = {"HOST": status["socket_dir"], "PORT": status["port"], "USER": "postgres"}
        with dbs.connect(params, "archive") as conn:
            assert table_counts(conn) == manifest["counts"]
        pdf = next((fresh / "media").rglob("*.pdf"))
        assert pdf.read_bytes() == BINARY
    finally:
        stop_server(fresh)
