"""Zip archives of reply documents: each member is ingested as if it were a file.

A file is an archive when its content is a zip that is not itself a document (a zip holding
``word/document.xml`` is a .docx; an OOXML or OpenDocument package is a document too). The
archive is checked before anything is read: at most ``ARCHIVE_ZIP_MAX_MEMBERS`` files and
``ARCHIVE_ZIP_MAX_BYTES`` uncompressed in all (Django settings). A member compressed more than
``ARCHIVE_ZIP_MAX_RATIO`` times (and over 1 MiB uncompressed), a zip inside the zip, an
encrypted or damaged member is rejected alone. Member names are only labels, never paths on
disk: ``..``, absolute paths and backslashes are dropped; folders and hidden files
(``.name``, ``__MACOSX``) are skipped.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from replies.conf import archive_settings
from replies.ingest.extract import sniff
from replies.ingest.pipeline import Rejected

#: Members smaller than this uncompressed are not judged by their compression ratio.
RATIO_FLOOR = 1024 * 1024
#: Members of a zip that make it a document rather than an archive.
DOCUMENT_MARKERS = ("word/document.xml", "[Content_Types].xml", "mimetype")


@dataclass
class Member:
    """One file of an archive: its cleaned name and its bytes, or why it cannot be read."""

    name: str
    data: bytes | None = None
    reason: str = ""


def is_archive(data: bytes) -> bool:
    """True when data is a zip archive of files rather than a zipped document (.docx …)."""
    if sniff(data) != "zip":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # a damaged zip: members() says so
    return not any(marker in names for marker in DOCUMENT_MARKERS)


def safe_name(raw: str) -> str:
    """A member name as a harmless relative label: no ``..``, no root, ``/`` separators."""
    parts = raw.replace("\\", "/").split("/")
    kept = [
        "".join(c for c in part if c.isprintable()) for part in parts if part not in ("", ".", "..")
    ]
    return "/".join(p for p in kept if p) or "（无名文件）"


def _skipped(info: zipfile.ZipInfo) -> bool:
    parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def members(data: bytes, archive: str, *, max_member_bytes: int) -> Iterator[Member]:
    """The files of an archive, in order; raise Rejected when the archive as a whole is refused.

    ``archive`` names the archive in messages; ``max_member_bytes`` is the limit for one file.
    """
    max_members = int(archive_settings.ARCHIVE_ZIP_MAX_MEMBERS)
    max_bytes = int(archive_settings.ARCHIVE_ZIP_MAX_BYTES)
    max_ratio = float(archive_settings.ARCHIVE_ZIP_MAX_RATIO)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Rejected(f"压缩包 {archive} 已损坏，无法读取（{exc}）") from exc
    with zf:
        infos = [i for i in zf.infolist() if not _skipped(i)]
        if not infos:
            raise Rejected(f"压缩包 {archive} 中没有文件")
        if len(infos) > max_members:
            raise Rejected(f"压缩包 {archive} 含 {len(infos)} 个文件，超过上限 {max_members} 个")
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise Rejected(
                f"压缩包 {archive} 解压后共 {total:,} 字节，超过上限 {max_bytes:,} 字节，未导入"
            )
        for info in infos:
            yield _read(zf, info, archive, max_member_bytes, max_ratio)


def _read(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: str, limit: int, max_ratio: float
) -> Member:
    name = safe_name(info.filename)
    where = f"压缩包 {archive} 中的 {name}"
    if info.file_size > limit:
        return Member(name, reason=f"{where} 过大（{info.file_size:,} 字节，上限 {limit:,} 字节）")
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return Member(
            name,
            reason=f"{where} 压缩比异常（{ratio:.0f} 倍，上限 {max_ratio:g} 倍），疑似压缩炸弹",
        )
    if info.flag_bits & 0x1:
        return Member(name, reason=f"{where} 已加密，无法读取")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        NotImplementedError,
        EOFError,
    ) as exc:
        return Member(name, reason=f"{where} 已损坏，无法解压（{exc}）")
    if len(data) > limit:
        return Member(name, reason=f"{where} 过大（超过上限 {limit:,} 字节）")
    if is_archive(data):
        return Member(name, reason=f"{where} 本身是压缩包；不处理嵌套的压缩包，请先解压")
    return Member(name, data)
