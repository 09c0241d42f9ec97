"""Make scans of fictional replies: a rendered PDF rasterised, sealed, tilted and noisy.

Test support only (also used by bench/ocr_compare.py). The pages are what an office's
scanner gives: a grey-scale or colour raster of the printed reply, a red seal over the
signature, a slight rotation and speckle noise; wrapped as an image-only PDF or an image file.
"""

from __future__ import annotations

import io
import random
import time

from tests.ingest.render import ReplySpec, to_pdf


def rasterise(pdf: bytes, dpi: int) -> list:
    """The pages of a PDF as RGB PIL images at dpi (pypdfium2)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def add_seal(image, centre: tuple[int, int], radius: int, text: str = "某某区人民政府") -> None:
    """A red seal: a ring, a star and a unit's name along the top, inked over the page."""
    import math

    from PIL import Image, ImageChops, ImageDraw

    layer = Image.new("RGB", image.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    red = (214, 40, 40)
    x, y = centre
    width = max(2, radius // 18)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=width)
    star = [
        (x + radius * 0.3 * r * math.sin(a), y - radius * 0.3 * r * math.cos(a))
        for k in range(10)
        for a, r in [(k * math.pi / 5, 1.0 if k % 2 == 0 else 0.4)]
    ]
    draw.polygon(star, fill=red)
    font = _cjk_font(int(radius * 0.3))
    for k, char in enumerate(text):
        angle = math.radians(-70 + 140 * k / max(1, len(text) - 1))
        cx = x + radius * 0.72 * math.sin(angle)
        cy = y - radius * 0.72 * math.cos(angle)
        draw.text((cx, cy), char, fill=red, font=font, anchor="mm")
    # Seal ink is translucent: the print under it stays dark (multiply, as on paper).
    image.paste(ImageChops.multiply(image, layer))


def _cjk_font(size: int):
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def degrade(image, rng: random.Random, *, angle: float | None = None, noise: float = 0.004):
    """Rotate slightly (0.5–1.5°, white fill), add speckle noise and a faint grey cast."""
    import numpy as np
    from PIL import Image

    angle = angle if angle is not None else rng.choice((-1, 1)) * rng.uniform(0.5, 1.5)
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    pixels = np.asarray(image, dtype=np.int16)
    seed = rng.randrange(2**32)
    noise_rng = np.random.default_rng(seed)
    pixels = pixels - 12 + noise_rng.normal(0, 6, pixels.shape[:2])[..., None].astype(np.int16)
    mask = noise_rng.random(pixels.shape[:2])
    pixels[mask < noise / 2] = 0
    pixels[mask > 1 - noise / 2] = 255
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def scan_pages(spec: ReplySpec, dpi: int = 150, *, seed: int = 0, seal: bool = True) -> list:
    """The reply printed (to_pdf), scanned at dpi: seal over the signature, tilt, noise."""
    rng = random.Random(seed)
    pdf = to_pdf(spec)
    pages = rasterise(pdf, dpi)
    if seal:
        add_seal(pages[-1], *_seal_place(pdf, spec, dpi))
    return [degrade(page, rng) for page in pages]


def _seal_place(pdf: bytes, spec: ReplySpec, dpi: int) -> tuple[tuple[int, int], int]:
    """Centre and radius (pixels at dpi) of a seal over the signing unit and the date."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[len(document) - 1]
        height = page.get_height()
        textpage = page.get_textpage()
        boxes = []
        for text in (*spec.signature[-1:], spec.date):
            found = textpage.search(text).get_next() if text else None
            if found:
                start, count = found
                boxes += [textpage.get_charbox(start), textpage.get_charbox(start + count - 1)]
    finally:
        document.close()
    scale = dpi / 72
    if not boxes:
        return (int(400 * scale), int(600 * scale)), int(60 * scale)
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    top = max(b[3] for b in boxes)
    bottom = min(b[1] for b in boxes)
    x = (left + right) / 2 * scale
    y = (height - (top + bottom) / 2) * scale
    return (int(x), int(y)), int(62 * scale)


def to_scanned_pdf(spec: ReplySpec, dpi: int = 150, **kwargs) -> bytes:
    """An image-only PDF of the scanned pages (no text layer), as a scanner writes one."""
    pages = scan_pages(spec, dpi, **kwargs)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()


def to_image(spec: ReplySpec, fmt: str = "PNG", dpi: int = 150, **kwargs) -> bytes:
    """The first scanned page as an image file (PNG, JPEG or TIFF)."""
    page = scan_pages(spec, dpi, **kwargs)[0]
    out = io.BytesIO()
    page.save(out, fmt, dpi=(dpi, dpi))
    return out.getvalue()


def char_accuracy(read: str, source: str) -> float:
    """1 − edit distance / length of source, whitespace removed from both."""
    a = "".join(read.split())
    b = "".join(source.split())
    if not b:
        return 1.0 if not a else 0.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1 - prev[-1] / len(b)


def slow_second_item(pause: float):
    """For the stream_limited test (a child imports it; this module needs no Django):
    one item at once, the next after pause seconds."""
    yield "first"
    time.sleep(pause)
    yield "second"
