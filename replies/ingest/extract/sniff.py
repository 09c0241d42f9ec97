"""The format of a file judged by its content, not its name."""

from __future__ import annotations

import io
import re
import zipfile

from replies.ingest.extract.encodings import decode_utf16, looks_utf16, strip_bom

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(<\?xml\b[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)
_HTML_ANY = re.compile(rb"<(html|body|p|div|br|table|h1)\b[^>]*>", re.I)


#: Image files a scanner or a phone writes; read by OCR (extract/ocr.py).
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}


def sniff(data: bytes, name: str = "") -> str:
    """The format of data judged by its content: pdf, docx, zip, ole, rtf, png, jpeg, tiff,
    html or text."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in IMAGE_MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return "docx" if zip_has(data, "word/document.xml") else "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    probe = strip_bom(head)
    if b"\x00" in probe[:200] and not looks_utf16(data):
        return "binary"
    if looks_utf16(data):
        try:
            probe = decode_utf16(data[:4096]).encode("utf-8", "replace")
        except UnicodeDecodeError:
            return "binary"
    if _HTML_START.search(probe) or (
        name.lower().endswith((".htm", ".html", ".shtml", ".xhtml")) and _HTML_ANY.search(probe)
    ):
        return "html"
    return "text"


def zip_has(data: bytes, member: str) -> bool:
    """True when data is a zip archive with that member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return member in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
