"""Synthetic pages and SANE test-backend setup for the scanning tests."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

A4_MM = (210.0, 297.0)


def a4_size(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def text_page(dpi: int = 200, seed: int = 1, mode: str = "L", noise: float = 6.0,
              size: tuple[int, int] | None = None, lines: int | None = None,
              seal: bool = False) -> Image.Image:
    """A white page with left-aligned, ragged-right rows of word-like black bars
    (like printed text), plus a little scanner noise."""
    rng = random.Random(seed)
    width, height = size or a4_size(dpi)
    page = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(page)
    margin = int(0.1 * width)
    line_h = max(4, int(dpi * 0.06))          # ~1.5 mm: the x-height of 12 pt text
    pitch = int(line_h * 3.2)                 # 4.8 mm line pitch
    y = int(0.08 * height)
    count = 0
    while y + line_h < height * 0.9 and (lines is None or count < lines):
        x = margin
        right = width - margin - rng.randint(0, int(0.45 * width))
        while x < right:
            word = rng.randint(line_h // 2, line_h * 4)
            draw.rectangle([x, y, min(x + word, right), y + line_h], fill=20)
            x += word + rng.randint(line_h // 3, line_h // 2)
        y += pitch
        count += 1
    if mode == "RGB" or seal:
        page = page.convert("RGB")
    if seal:
        draw = ImageDraw.Draw(page)
        r = int(dpi * 0.8)
        cx, cy = int(width * 0.7), int(height * 0.8)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(200, 30, 30), width=max(2, dpi // 40))
        draw.regular_polygon((cx, cy, r // 3), 5, fill=(200, 30, 30))
    return add_noise(page.filter(ImageFilter.GaussianBlur(0.8)), noise, seed)  # optics, sensor


CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
         "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
         "制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内")


def font_page(dpi: int = 200, pt: float = 12, seed: int = 1) -> Image.Image:
    """A page of printed Chinese text (Noto CJK when installed, else Pillow's
    font), full lines at 1.6 line spacing, with scanner blur and noise."""
    from PIL import ImageFont

    size = max(8, int(pt / 72 * dpi))
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    path = next((p for p in CJK_FONTS if Path(p).exists()), None)
    font = ImageFont.truetype(path, size) if path else ImageFont.load_default(size)
    text = HANZI if path else "The quick brown fox jumps over the lazy dog. " * 3
    rng = random.Random(seed)
    width, height = a4_size(dpi)
    page = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(page)
    y = int(0.08 * height)
    while y < 0.9 * height:
        indent = 2 * size if rng.random() < 0.2 else 0
        count = rng.randint(20, 34)
        line = "".join(rng.choice(text) for _ in range(count))
        draw.text((int(0.12 * width) + indent, y), line, fill=25, font=font)
        y += int(size * 1.6)
    return add_noise(page.filter(ImageFilter.GaussianBlur(0.5)), 6.0, seed)


def add_noise(image: Image.Image, sigma: float, seed: int = 0) -> Image.Image:
    if sigma <= 0:
        return image
    arr = np.asarray(image).astype(np.int16)
    rng = np.random.default_rng(seed)
    arr = arr + rng.normal(0, sigma, arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), image.mode)


def on_background(page: Image.Image, angle: float = 0.0, pad: int = 120,
                  background: int = 30) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """``page`` turned by ``angle`` (counter-clockwise) on a dark scanner background.
    Returns the image and the page's bounding box in it."""
    fill = background if page.mode == "L" else (background,) * 3
    turned = page.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=fill) \
        if angle else page
    mask = Image.new("L", page.size, 255)
    mask = mask.rotate(angle, expand=True) if angle else mask
    canvas = Image.new(page.mode, (turned.width + 2 * pad, turned.height + 2 * pad), fill)
    canvas.paste(turned, (pad, pad), mask)
    box = mask.getbbox() or (0, 0, *mask.size)
    return canvas, (box[0] + pad, box[1] + pad, box[2] + pad, box[3] + pad)


def blank_page(dpi: int = 200, noise: float = 6.0, specks: int = 5) -> Image.Image:
    width, height = a4_size(dpi)
    page = Image.new("L", (width, height), 240)
    draw = ImageDraw.Draw(page)
    rng = random.Random(3)
    for _ in range(specks):
        x, y = rng.randint(0, width - 4), rng.randint(0, height - 4)
        draw.rectangle([x, y, x + 2, y + 2], fill=60)
    return add_noise(page, noise, 5)


def jpeg_bytes(image: Image.Image, quality: int = 90, **kw: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def require_sane() -> None:
    """Skip SANE tests where python-sane is missing, except on Linux CI, where a
    missing SANE must fail the run rather than hide the scanner tests."""
    import os
    import sys

    import pytest

    if os.environ.get("CI") and sys.platform == "linux":
        import sane  # noqa: F401 - fails loudly
    else:
        pytest.importorskip("sane")


def sane_config_dir(tmp: Path, geometry_max: int = 300) -> Path:
    """A SANE config dir whose test.conf allows A4, with the system dll.conf."""
    tmp.mkdir(parents=True, exist_ok=True)
    system = Path("/etc/sane.d")
    if (system / "dll.conf").exists():
        shutil.copy(system / "dll.conf", tmp / "dll.conf")
    else:
        (tmp / "dll.conf").write_text("test\n")
    lines = []
    if (system / "test.conf").exists():
        lines = [ln for ln in (system / "test.conf").read_text().splitlines()
                 if not ln.strip().startswith("geometry_max")]
    lines.append(f"geometry_max {geometry_max}.0")
    (tmp / "test.conf").write_text("\n".join(lines) + "\n")
    return tmp
