"""Old binary Word/WPS (.doc/.wps) and RTF files, converted to .docx by LibreOffice."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from replies.ingest.extract.base import DEFAULT_TIMEOUT, Extracted, ExtractionError
from replies.ingest.extract.docx import extract_docx

#: LibreOffice's cold start alone takes 5–15 s, so the conversion never gets less than this.
MIN_CONVERT_TIMEOUT = 30.0


def libreoffice() -> str | None:
    """Path of the LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_legacy(data: bytes, name: str, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """Old binary Word/WPS (.doc/.wps) or RTF, converted to .docx by LibreOffice."""
    office = libreoffice()
    if office is None:
        raise ExtractionError(
            "旧版 Word/WPS 文件（.doc/.wps）需要 LibreOffice 转换，但本机未安装："
            "请安装 LibreOffice（如 apt-get install libreoffice-writer-nogui）后重试"
        )
    suffix = Path(name).suffix.lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix="ingest-lo-") as tmp:
        src = Path(tmp) / ("input" + suffix)
        src.write_bytes(data)
        _convert(office, src, max(timeout, MIN_CONVERT_TIMEOUT))
        out = Path(tmp) / "input.docx"
        if not out.is_file():
            raise ExtractionError(
                "LibreOffice 无法转换该文件（文件可能已损坏、加密或不是 Word/WPS 文档）："
                "请用 Word 或 WPS 打开并另存为 .docx 后重新上传"
            )
        converted = out.read_bytes()
    result = extract_docx(converted, timeout=timeout)
    result.format = suffix.lstrip(".")
    return result


def _convert(office: str, src: Path, timeout: float) -> None:
    """Run LibreOffice headless to write src's folder/input.docx; kill it all on timeout."""
    profile = src.parent / "profile"
    cmd = [
        office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
        "--convert-to", "docx", "--outdir", str(src.parent), str(src),
    ]  # fmt: skip
    # soffice starts soffice.bin as a child: a session of its own lets the whole group go.
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ExtractionError(
            f"LibreOffice 转换超时（超过 {timeout:g} 秒），文件可能过于复杂或已损坏："
            "请用 Word 或 WPS 另存为 .docx 后重新上传"
        ) from exc
