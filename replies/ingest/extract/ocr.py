"""Scanned replies: PDF pages without a text layer and image files, read by OCR.

A file is read in one child process (``limits.stream_limited``: the engine's models load
once) under ``ARCHIVE_OCR_PAGE_MEMORY``; it sends each page as it is read, and each page
has ``ARCHIVE_OCR_PAGE_TIMEOUT`` within the file's ``ARCHIVE_OCR_FILE_TIMEOUT``; at most
``ARCHIVE_OCR_MAX_PAGES`` pages are read. Pages are rasterised with pypdfium2. The page is
pre-processed once for every engine: its red channel (a red seal fades to light grey
while black print stays black), at ``ARCHIVE_OCR_DPI``. The engines give line boxes; they
become the same text rows as a PDF's text layer, so ``pdf_layout.layout_lines`` measures
indents, alignment and full lines and the result is cleaned and parsed like any PDF.

Engines (see docs/ocr.md for the measurements): RapidOCR (PaddleOCR PP-OCRv4 models inside
the ``rapidocr-onnxruntime`` wheel, no download at run time) and Tesseract ``chi_sim``
(Debian ``tesseract-ocr tesseract-ocr-chi-sim``). ``ARCHIVE_OCR_ENGINE`` picks one;
``auto`` takes the first installed in :data:`ENGINES` order.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import mean
from typing import Any

from replies.ingest.extract.base import Extracted, ExtractionError, OcrPage, parser_errors
from replies.ingest.extract.pdf_layout import Row, layout_lines
from replies.ingest.limits import OCR_DEFAULTS, LimitExceeded, stream_limited

#: Defaults of the ARCHIVE_OCR_* settings (in limits.py, which config/settings.py imports).
DEFAULTS = OCR_DEFAULTS
ENGINES = ("rapidocr", "tesseract")
INSTALL = {
    "rapidocr": "pip install rapidocr-onnxruntime",
    "tesseract": "apt-get install tesseract-ocr tesseract-ocr-chi-sim",
}
NO_ENGINE = (
    "这是扫描件（页面只有图像），需要文字识别，但服务器没有安装文字识别引擎："
    "请安装 RapidOCR（pip install rapidocr-onnxruntime，项目依赖已包含）"
    "或 Tesseract 中文简体（apt-get install tesseract-ocr tesseract-ocr-chi-sim）后重新导入"
)
BLANK = "扫描件上没有识别出文字（页面空白或只有噪点），无法作为答复导入"
LOW_CONFIDENCE = (
    "扫描件文字识别的可信度过低（平均 {conf:.0%}），可能不是文字页面或扫描质量太差，未导入"
)
#: A line whose darkest pixels are lighter than this is not print (a seal's ghost).
FAINT = 128
#: Mean confidence below which a scan is treated as noise, not text.
MIN_CONFIDENCE = 0.5
#: Fewer characters than this on all pages together: nothing was read.
MIN_CHARS = 20

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=\d)|(?<=\d)\s+(?=[{_CJK}])"
)


@dataclass
class OcrLine:
    """One line the engine read: text, box in pixels, confidence 0–1."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float


def setting(name: str) -> Any:
    """An ARCHIVE_OCR_* setting, or its default when Django is not configured."""
    from replies.conf import archive_settings

    default = DEFAULTS[name]
    value = getattr(archive_settings, name)
    return value if isinstance(default, str) else type(default)(value)


# --------------------------------------------------------------------------- engines


def installed(engine: str) -> bool:
    """True when the engine can run here (package importable, language data present)."""
    if engine == "rapidocr":
        import importlib.util

        return importlib.util.find_spec("rapidocr_onnxruntime") is not None
    if engine == "tesseract":
        exe = shutil.which("tesseract")
        if not exe:
            return False
        try:
            out = subprocess.run(
                [exe, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return False
        return "chi_sim" in out.split()
    return False


def pick_engine() -> str:
    """The engine to use, or ExtractionError saying exactly what to install."""
    wanted = setting("ARCHIVE_OCR_ENGINE")
    if wanted != "auto":
        if wanted not in ENGINES:
            raise ExtractionError(f"未知的文字识别引擎 ARCHIVE_OCR_ENGINE={wanted}")
        if not installed(wanted):
            raise ExtractionError(
                f"这是扫描件，需要文字识别，但设置的引擎 {wanted} 没有安装："
                f"请运行 {INSTALL[wanted]}"
            )
        return wanted
    for engine in ENGINES:
        if installed(engine):
            return engine
    raise ExtractionError(NO_ENGINE)


def prepare(image: Any, dpi: int, target: int = DEFAULTS["ARCHIVE_OCR_DPI"]) -> tuple[Any, int]:
    """The page as an engine reads it: the red channel (seals fade), about ARCHIVE_OCR_DPI.

    Returns the grey image and its resolution.
    """
    from PIL import Image, ImageFilter

    if image.mode in ("RGBA", "LA", "P", "1", "I;16", "I", "F", "CMYK", "YCbCr", "LAB", "HSV"):
        image = image.convert("RGB")
    grey = image.getchannel("R") if image.mode == "RGB" else image.convert("L")
    # Levels: paper and red ink (R ≈ 200 and above) white, print stays black.
    grey = grey.point(lambda v: min(255, v * 255 // 200))
    grey = grey.filter(ImageFilter.MedianFilter(3))  # scan speckles
    if dpi and abs(dpi - target) > 20:
        scale = target / dpi
        grey = grey.resize(
            (max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
            Image.LANCZOS,
        )
        dpi = target
    return grey, dpi


_rapid: Any = None


def rapidocr_lines(image: Any) -> list[OcrLine]:
    """Lines read by RapidOCR (PP-OCRv4 det + rec, ONNX runtime, two threads at most)."""
    import numpy as np

    global _rapid
    if _rapid is None:
        from rapidocr_onnxruntime import RapidOCR

        threads = min(2, os.cpu_count() or 1)
        _rapid = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False)
    result, _ = _rapid(np.asarray(image.convert("RGB")))
    lines = []
    for box, text, score in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        lines.append(OcrLine(text, min(xs), min(ys), max(xs), max(ys), float(score)))
    return lines


def _die_with_parent() -> None:
    """In the tesseract process: be killed when the child that runs it is killed (Linux)."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def tesseract_lines(image: Any, timeout: float | None = None) -> list[OcrLine]:
    """Lines read by the tesseract CLI (chi_sim, LSTM, TSV output), one thread.

    The process dies with its parent: a page that runs out of time leaves nothing behind.
    """
    buf = io.BytesIO()
    image.save(buf, "PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    out = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "4", "tsv"],
        input=buf.getvalue(),
        capture_output=True,
        env=env,
        check=True,
        timeout=timeout,
        preexec_fn=_die_with_parent,
    ).stdout.decode("utf-8", "replace")
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for row in out.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        groups.setdefault(tuple(cols[1:5]), []).append(cols)
    lines = []
    for words in groups.values():
        x0 = min(int(w[6]) for w in words)
        top = min(int(w[7]) for w in words)
        x1 = max(int(w[6]) + int(w[8]) for w in words)
        bottom = max(int(w[7]) + int(w[9]) for w in words)
        text = " ".join(w[11] for w in words)
        conf = mean(max(0.0, float(w[10])) for w in words) / 100
        lines.append(OcrLine(text, x0, top, x1, bottom, conf))
    return lines


def read_lines(engine: str, image: Any) -> list[OcrLine]:
    """The lines the engine reads on a prepared page, without faint ones (a seal's text)."""
    import numpy as np

    lines = (rapidocr_lines if engine == "rapidocr" else tesseract_lines)(image)
    pixels = np.asarray(image)
    out = []
    for line in lines:
        line.text = _CJK_GAP.sub("", line.text.strip())
        box = pixels[int(line.top) : int(line.bottom) + 1, int(line.x0) : int(line.x1) + 1]
        if line.text and box.size and np.percentile(box, 2) < FAINT:
            out.append(line)
    return out


# --------------------------------------------------------------------------- child work


def load_image(data: bytes, page: int, max_pixels: int) -> tuple[Any, int]:
    """Frame page of an image file and its dpi (an A4 page's when the file does not say)."""
    from PIL import ImageOps

    image = _open_image(data, max_pixels)
    image.seek(page)
    if image.width * image.height > max_pixels:
        raise ExtractionError(
            f"第 {page + 1} 页图像过大（{image.width}×{image.height} 像素），无法识别"
        )
    dpi = image.info.get("dpi", (0, 0))[0] or 0
    image = ImageOps.exif_transpose(image)
    image.load()
    if not dpi:  # no resolution recorded: take an A4 page's width
        dpi = max(72, round(image.width / 8.27))
    return image, round(dpi)


def _page_count(data: bytes, kind: str, cfg: dict[str, Any]) -> int:
    """Pages of a PDF or frames of an image file (runs in a child)."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            return len(document)
        finally:
            document.close()

    return getattr(_open_image(data, cfg["ARCHIVE_OCR_MAX_PIXELS"]), "n_frames", 1)


def _open_image(data: bytes, max_pixels: int) -> Any:
    """Pillow's image, refusing decompression bombs with the reason."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ExtractionError(f"图像过大（超过 {max_pixels:,} 像素），无法识别，已拒收") from exc
    except UnidentifiedImageError as exc:
        raise ExtractionError("图像文件已损坏或格式无法识别，已拒收") from exc


def _ocr_page(
    data: bytes, kind: str, page: int, engine: str, cfg: dict[str, Any]
) -> tuple[list[Row], list[float]]:
    """OCR one page in a child: text rows (PDF points, y upwards) and line confidences.

    cfg holds the settings, read in the parent (the child has no Django).
    """
    dpi = target = cfg["ARCHIVE_OCR_DPI"]
    if kind == "pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            pdf_page = document[page]
            w, h = pdf_page.get_size()
            if w * h * (dpi / 72) ** 2 > cfg["ARCHIVE_OCR_MAX_PIXELS"]:
                raise ExtractionError(f"第 {page + 1} 页尺寸过大（{w:.0f}×{h:.0f} 点），无法识别")
            image = pdf_page.render(scale=dpi / 72, grayscale=False).to_pil()
        finally:
            document.close()
    else:
        image, dpi = load_image(data, page, cfg["ARCHIVE_OCR_MAX_PIXELS"])
    image, dpi = prepare(image, dpi, target)
    pt = 72 / dpi
    height = image.height * pt
    rows: list[Row] = []
    confs: list[float] = []
    for line in read_lines(engine, image):
        top, bottom = height - line.top * pt, height - line.bottom * pt
        size = (line.bottom - line.top) * pt * 0.85
        rows.append((page, top, bottom, line.x0 * pt, line.x1 * pt, size, line.text))
        confs.append(line.conf)
    return rows, confs


def _ocr_pages(data: bytes, kind: str, engine: str, cfg: dict[str, Any]) -> Iterator[Any]:
    """In one child: the page count, then each page's rows and confidences (up to the cap).

    One process reads the whole file, so the engine's models load once; the parent allows
    each page ARCHIVE_OCR_PAGE_TIMEOUT (``limits.stream_limited``).
    """
    pages = _page_count(data, kind, cfg)
    yield pages
    for page in range(min(pages, cfg["ARCHIVE_OCR_MAX_PAGES"])):
        yield _ocr_page(data, kind, page, engine, cfg)


# --------------------------------------------------------------------------- entry points


def ocr_document(data: bytes, kind: str) -> Extracted:
    """Read a scanned PDF (kind "pdf") or an image file (kind "png", "jpeg", "tiff") by OCR.

    One child reads the file (models loaded once) under the memory limit; each page has
    the page time limit, within the file's time limit shared by all its pages
    (ARCHIVE_EXTRACT_TIMEOUT, the limit of text parsers, does not apply: OCR has its own).
    Rejections (ExtractionError) say why, in Chinese.
    """
    engine = pick_engine()
    cfg = {name: setting(name) for name in DEFAULTS}
    what = "扫描的 PDF 文件" if kind == "pdf" else "图像文件"
    file_timeout = setting("ARCHIVE_OCR_FILE_TIMEOUT")
    page_timeout = setting("ARCHIVE_OCR_PAGE_TIMEOUT")
    memory = setting("ARCHIVE_OCR_PAGE_MEMORY")
    cap = setting("ARCHIVE_OCR_MAX_PAGES")
    deadline = time.monotonic() + file_timeout

    def each(k: int) -> float:  # item 0 is the page count, item k page k
        return min(page_timeout, deadline - time.monotonic())

    rows: list[Row] = []
    confs: list[float] = []
    read: list[OcrPage] = []
    pages = done = 0
    label = "读取页数时"
    with parser_errors(what, memory):
        try:
            stream = stream_limited(_ocr_pages, data, kind, engine, cfg, each=each, memory=memory)
            for item in stream:
                if isinstance(item, int):
                    pages = item
                    label = "第 1 页"
                    continue
                rows += item[0]
                confs += item[1]
                read.append(page_summary(done + 1, item[0], item[1]))
                done += 1
                label = f"第 {done + 1} 页"
        except LimitExceeded as exc:
            if time.monotonic() >= deadline - 0.05:
                raise ExtractionError(
                    f"{what}文字识别超时（全文件上限 {file_timeout:g} 秒，"
                    f"已识别 {done} 页，共 {pages} 页），已拒收"
                ) from exc
            raise LimitExceeded(f"{label}{exc}") from exc
    warnings = []
    if pages > cap:
        warnings.append(f"扫描件共 {pages} 页，只识别了前 {cap} 页（ARCHIVE_OCR_MAX_PAGES）")
    chars = sum(len(re.sub(r"\W", "", r[6])) for r in rows)
    if chars < MIN_CHARS:
        raise ExtractionError(BLANK)
    conf = weighted_confidence(rows, confs)
    if conf < MIN_CONFIDENCE:
        raise ExtractionError(LOW_CONFIDENCE.format(conf=conf))
    fmt = "pdf-ocr" if kind == "pdf" else "image-ocr"
    meta = {
        "ocr_engine": engine,
        "ocr_confidence": f"{conf:.3f}",
        "ocr_pages": str(min(pages, cap)),
        "ocr_lowest_page_confidence": f"{min(p.confidence for p in read if p.lines):.3f}",
    }
    return Extracted(
        fmt, layout_lines(rows), wrapped=True, warnings=warnings, source_meta=meta, ocr_pages=read
    )


def weighted_confidence(rows: list[Row], confs: list[float]) -> float:
    """Mean line confidence weighted by each line's characters (0 when nothing was read)."""
    chars = sum(len(r[6]) for r in rows)
    return sum(c * len(r[6]) for c, r in zip(confs, rows, strict=True)) / chars if chars else 0.0


def page_summary(number: int, rows: list[Row], confs: list[float]) -> OcrPage:
    """One page's text in reading order (page numbers dropped) and its confidence."""
    text = "\n".join(line.text for line in layout_lines(rows))
    lowest = min(confs) if confs else 0.0
    return OcrPage(number, text, weighted_confidence(rows, confs), lowest, len(rows))
