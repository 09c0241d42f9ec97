"""Backup archives: one tar holding ``manifest.json``, ``database.dump`` and ``media/…``.

``database.dump`` is a ``pg_dump --format=custom`` of the whole database; ``media/`` holds
every stored source file (``MEDIA_ROOT``). The manifest, the archive's first member, records
the versions (archive format, application, Django, PostgreSQL server and pg_dump), the applied
migrations, the row count of every table, and the size and SHA-256 of every other member.
A restore checks every member against it before it touches the target.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import django

from replies.ops import pgtools
from replies.ops.database import Database, server_major, table_counts, user_tables

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message (Chinese / English) says why."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def _shanghai_now() -> str:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(timespec="seconds")


def _app_version() -> str:
    try:
        return metadata.version("cppcc-reply-archive")
    except metadata.PackageNotFoundError:
        return "unknown"


def create(path: Path, db: Database, media_root: Path) -> dict[str, Any]:
    """Write the backup archive of ``db`` and ``media_root`` to ``path``; return its manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path}：文件已存在，不会覆盖 / already exists, not overwritten")
    major = server_major(db)
    pg_dump = pgtools.find_tool("pg_dump", embedded=db.embedded, at_least=major)
    with db.connect() as conn:
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        tables = user_tables(conn)
        migrations = (
            [
                list(row)
                for row in conn.execute("SELECT app, name FROM django_migrations ORDER BY id")
            ]
            if "public.django_migrations" in tables
            else []
        )
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        # The counts and the dump see one snapshot: the counter's, exported to pg_dump.
        with db.connect() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = table_counts(conn)
            pgtools.run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=db.env(),
            )
        members = {DUMP: {"size": dump.stat().st_size, "sha256": _sha256(dump)}}
        files = _media_files(Path(media_root))
        for file in files:
            name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
            members[name] = {"size": file.stat().st_size, "sha256": _sha256(file)}
        manifest = {
            "format": FORMAT,
            "created_at": _shanghai_now(),
            "versions": {
                "archive": _app_version(),
                "django": django.get_version(),
                "postgresql": server_version,
                "pg_dump": pgtools.run([pg_dump, "--version"]).strip(),
            },
            "database": db.name,
            "migrations": migrations,
            "counts": counts,
            "members": members,
        }
        partial = path.with_name(path.name + ".partial")
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(datetime.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=DUMP)
                for file in files:
                    tar.add(file, arcname=f"{MEDIA}/{file.relative_to(media_root).as_posix()}")
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or not parts:
        return False
    return name in (MANIFEST, DUMP) or (parts[0] == MEDIA and len(parts) > 1)


def read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    """The archive's manifest, or a :class:`BackupError` naming the file and the problem."""
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError(
            f"{path}：不是答复库的备份（没有可读的 {MANIFEST}）/ not an archive backup "
            f"(no readable {MANIFEST}): {exc}"
        ) from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("members"), dict):
        raise BackupError(
            f"{path}：备份格式 {manifest.get('format')!r} 不受支持 / unsupported backup format"
        )
    return manifest


def verify(path: Path) -> dict[str, Any]:
    """Check every member against the manifest (names, sizes, SHA-256); return the manifest."""
    path = Path(path)
    try:
        with tarfile.open(path, "r:") as tar:
            return _verify_members(tar, path)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path}：无法读取备份 / cannot read the backup: {exc}") from None


def _verify_members(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    manifest = read_manifest(tar, path)
    expected = manifest["members"]
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if not _safe_name(member.name) or not member.isfile():
            raise BackupError(f"{path}：成员 {member.name!r} 不应出现在备份中 / unexpected member")
        if member.name not in expected:
            raise BackupError(
                f"{path}：成员 {member.name} 不在清单中 / member missing from the manifest"
            )
        digest = hashlib.sha256()
        handle = tar.extractfile(member)
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
        want = expected[member.name]
        if digest.hexdigest() != want["sha256"] or member.size != want["size"]:
            raise BackupError(
                f"{path}：{member.name} 的校验和不符，备份已损坏 / checksum mismatch, "
                "the backup is damaged"
            )
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            f"{path}：缺少成员 {', '.join(missing[:5])} / members missing from the archive"
        )
    return manifest


def check_empty(db: Database, media_root: Path) -> None:
    """Refuse a target that already holds tables or source files."""
    with db.connect() as conn:
        tables = user_tables(conn)
    if tables:
        raise BackupError(
            f"目标数据库 {db.describe()} 不是空的（已有 {len(tables)} 张表，如 {tables[0]}），"
            "恢复只写入空数据库 / the target database is not empty "
            f"({len(tables)} tables); restore writes only into an empty database"
        )
    files = _media_files(Path(media_root))
    if files:
        raise BackupError(
            f"目标文件目录 {media_root} 不是空的（已有 {len(files)} 个文件），"
            "恢复只写入空目录 / the target media folder is not empty"
        )


def restore(path: Path, db: Database, media_root: Path) -> RestoreReport:
    """Verify ``path``, then restore it into the empty ``db`` and ``media_root``."""
    path = Path(path)
    manifest = verify(path)
    check_empty(db, media_root)
    dumped = int(pgtools.major_version_of(manifest["versions"]["pg_dump"]))
    pg_restore = pgtools.find_tool(
        "pg_restore", embedded=db.embedded, at_least=max(dumped, server_major(db))
    )
    media_root = Path(media_root)
    with tempfile.TemporaryDirectory(prefix=".restore-") as work, tarfile.open(path, "r:") as tar:
        tar.extract(DUMP, work, filter="data")
        pgtools.run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={db.name}",
                Path(work) / DUMP,
            ],
            env=db.env(),
        )
        files = [m for m in tar.getmembers() if m.name.startswith(f"{MEDIA}/")]
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(work) / "files"
        tar.extractall(staging, members=files, filter="data")
        if (staging / MEDIA).is_dir():
            shutil.copytree(staging / MEDIA, media_root, dirs_exist_ok=True)
    with db.connect() as conn:
        counts = table_counts(conn)
    differ = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if differ:
        raise BackupError(f"恢复后行数与清单不符 / row counts differ after restore: {differ}")
    return RestoreReport(tables=len(counts), rows=sum(counts.values()), files=len(files))
