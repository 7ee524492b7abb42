"""Storing pages small: gray or bilevel for text, colour only where it matters.

- Colour scans that are nearly gray (no seal, no photo) are stored gray.
- The paper is pushed to pure white before JPEG encoding: scanner noise on the
  background is what makes text pages large.
- Bilevel pages are 1-bit PNG (or CCITT G4 TIFF).
Every encoded page carries its DPI in the file header.
"""

from __future__ import annotations

import io
import zlib

import numpy as np
from PIL import Image, ImageFilter

COLOR, GRAY, BILEVEL = "color", "gray", "bilevel"
THUMB_SIZE = 256


def is_near_gray(small_rgb: np.ndarray, chroma: int = 48, share: float = 0.001) -> bool:
    """True when fewer than ``share`` of the pixels are clearly coloured.

    A red seal on a certificate is a few tenths of a percent of the page, so the
    share is low; colour fringes at text edges stay under the chroma limit.
    """
    if small_rgb.ndim != 3:
        return True
    r, g, b = small_rgb[..., 0], small_rgb[..., 1], small_rgb[..., 2]
    spread = np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)   # uint8, >= 0
    return int(np.count_nonzero(spread > chroma)) < share * spread.size


def percentiles_u8(values: np.ndarray, qs: tuple[float, ...]) -> list[int]:
    """Percentiles of uint8 data from one histogram (much faster than np.percentile)."""
    hist = np.bincount(values.ravel(), minlength=256)
    total = int(hist.sum())
    if total == 0:
        return [0 for _ in qs]
    cumulative = np.cumsum(hist)
    return [int(np.searchsorted(cumulative, total * q / 100.0)) for q in qs]


def percentile_u8(values: np.ndarray, q: float) -> int:
    return percentiles_u8(values, (q,))[0]


def levels(gray_small: np.ndarray) -> tuple[int, int]:
    """(black, white) points: the paper's white and the darkest ink."""
    white, black = percentiles_u8(gray_small, (90, 0.5))
    if white < 96:                # a dark picture, not paper: leave it alone
        return 0, 255
    return min(black, white - 96), white


def whiten_lut(black: int, white: int, margin: int = 24, ink: float = 0.2) -> list[int]:
    """A lookup table that makes the paper pure white and solid ink pure black
    (scanner noise on both is what makes JPEG pages large); the range between,
    the anti-aliased edges of strokes, is stretched linearly."""
    top = max(black + 32, white - margin)
    low = black + int((top - black) * ink)
    lut = []
    for v in range(256):
        if v >= top:
            lut.append(255)
        elif v <= low:
            lut.append(0)
        else:
            lut.append(int(round((v - low) * 255 / (top - low))))
    return lut


BILEVEL_THRESHOLD = 153     # on a whitened page: ink 0, paper 255


def is_text_only(gray: Image.Image, soft_share: float = 0.0005,
                 threshold: int = BILEVEL_THRESHOLD) -> bool:
    """True when a (whitened) gray page would lose nothing as bilevel: every
    pixel the threshold would drop (lighter than ``threshold`` but not white) is
    the soft edge of a stroke next to ink. Light marks away from ink (a faded
    seal, pencil, a photo's highlights) keep the page gray. Checked at half
    resolution.
    """
    half = gray.reduce(2) if min(gray.size) >= 64 else gray
    arr = np.asarray(half)
    ink = half.point([255 if v < threshold else 0 for v in range(256)])
    near_ink = np.asarray(ink.filter(ImageFilter.BoxBlur(3))) > 0   # dilated by 3 px
    soft = (arr >= threshold) & (arr < 224) & ~near_ink
    return int(np.count_nonzero(soft)) < soft_share * soft.size


def to_bilevel(gray: Image.Image, threshold: int | None = None) -> Image.Image:
    """1-bit image; unless given, the threshold lies a little toward the paper's
    white from halfway, so that thin strokes stay whole."""
    if gray.mode == "1":
        return gray
    gray = gray.convert("L")
    if threshold is None:
        small = np.asarray(gray.reduce(4) if min(gray.size) > 64 else gray)
        black, white = levels(small)
        threshold = black + (white - black) * 3 // 5 if (black, white) != (0, 255) else 150
    return gray.point([255 if v > threshold else 0 for v in range(256)], "1")


def encode(image: Image.Image, kind: str, dpi: int, quality: int = 60,
           bilevel_format: str = "png") -> tuple[bytes, str]:
    """Encode a prepared image (``kind`` color | gray | bilevel) -> (bytes, content type)."""
    buf = io.BytesIO()
    if kind == BILEVEL:
        img = to_bilevel(image)
        if bilevel_format == "g4":
            img.save(buf, "TIFF", compression="group4", dpi=(dpi, dpi))
            return buf.getvalue(), "image/tiff"
        # zlib's run-length strategy suits 1-bit pages: 4x faster than the
        # default and as small
        img.save(buf, "PNG", compress_type=zlib.Z_RLE, dpi=(dpi, dpi))
        return buf.getvalue(), "image/png"
    mode = "RGB" if kind == COLOR else "L"
    img = image if image.mode == mode else image.convert(mode)
    img.save(buf, "JPEG", quality=quality, subsampling=2, optimize=True,
             dpi=(dpi, dpi))
    return buf.getvalue(), "image/jpeg"


def thumbnail(image: Image.Image, size: int = THUMB_SIZE) -> bytes:
    """A small JPEG (longest side ``size`` px) for fast display."""
    img = image.convert("L") if image.mode in ("1", "L", "LA", "I", "I;16") else image
    img = img.convert("RGB") if img.mode not in ("L", "RGB") else img
    factor = max(1, min(img.size) // (size * 2))
    if factor > 1:
        img = img.reduce(factor)
    img = img.copy()
    img.thumbnail((size, size), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return buf.getvalue()
