"""Old binary Word/WPS (.doc/.wps) and RTF files, converted to .docx by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from replies.ingest.extract.base import DEFAULT_TIMEOUT, Extracted, ExtractionError
from replies.ingest.extract.docx import extract_docx


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
        profile = Path(tmp) / "profile"
        cmd = [
            office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", tmp, str(src),
        ]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"LibreOffice 转换超时（超过 {timeout:g} 秒）") from exc
        out = Path(tmp) / "input.docx"
        if not out.is_file():
            raise ExtractionError("LibreOffice 无法转换该文件（文件可能已损坏或加密）")
        converted = out.read_bytes()
    result = extract_docx(converted, timeout=timeout)
    result.format = suffix.lstrip(".")
    return result
