"""Storing pages small: gray or bilevel for text, colour only where it matters.

- Colour scans that are nearly gray (no seal, no photo) are stored gray.
- The paper is pushed to pure white before JPEG encoding: scanner noise on the
  background is what makes text pages large.
- Bilevel pages are 1-bit PNG (or CCITT G4 TIFF).
Every encoded page carries its DPI in the file header.
"""

from __future__ import annotations

import io
import struct
import zlib
from bisect import bisect_left
from itertools import accumulate

from PIL import Image, ImageChops

COLOR, GRAY, BILEVEL = "color", "gray", "bilevel"
THUMB_SIZE = 256


def is_near_gray(small: Image.Image, chroma: int = 48, share: float = 0.001) -> bool:
    """True when fewer than ``share`` of the pixels are clearly coloured.

    A red seal on a certificate is a few tenths of a percent of the page, so the
    share is low; colour fringes at text edges stay under the chroma limit.
    """
    if small.mode != "RGB":
        return True
    r, g, b = small.split()
    high = ImageChops.lighter(ImageChops.lighter(r, g), b)
    low = ImageChops.darker(ImageChops.darker(r, g), b)
    spread = ImageChops.subtract(high, low).histogram()    # max - min channel, per pixel
    return sum(spread[chroma + 1:]) < share * small.width * small.height


def percentiles(hist: list[int], qs: tuple[float, ...]) -> list[int]:
    """Percentiles of 8-bit data from its 256-bin histogram (``Image.histogram()``)."""
    cumulative = list(accumulate(hist[:256]))
    total = cumulative[-1]
    if total == 0:
        return [0 for _ in qs]
    return [bisect_left(cumulative, total * q / 100.0) for q in qs]


def percentile(hist: list[int], q: float) -> int:
    return percentiles(hist, (q,))[0]


def levels(gray_small: Image.Image) -> tuple[int, int]:
    """(black, white) points: the paper's white and the darkest ink."""
    white, black = percentiles(gray_small.histogram(), (90, 0.5))
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
_INK, _SOFT = 255, 1        # classes of pixels in the text-only check


def is_text_only(gray: Image.Image, soft_share: float = 0.0005,
                 threshold: int = BILEVEL_THRESHOLD, lut: list[int] | None = None,
                 factor: int = 2) -> bool:
    """True when a (whitened) gray page would lose nothing as bilevel: every
    pixel the threshold would drop (lighter than ``threshold`` but not white) is
    the soft edge of a stroke next to ink. Light marks away from ink (a faded
    seal, pencil, a photo's highlights) keep the page gray.

    Checked on a copy reduced by ``factor`` (2 at 200 dpi; the pipeline keeps
    that copy near 100 dpi); ``lut`` whitens it, so that a page about to be
    thresholded need not be whitened in full first.
    """
    small = gray.reduce(factor) if factor > 1 and min(gray.size) >= 32 * factor else gray
    tone = lut if lut is not None else list(range(256))
    # one pass classes the pixels: ink 255, soft 1, the rest (white) 0
    classes = small.point([_INK if tone[v] < threshold else _SOFT if tone[v] < 224 else 0
                           for v in range(256)])
    far = classes.histogram(_far_from_ink(classes))[_SOFT]
    return far < soft_share * small.width * small.height



def _far_from_ink(classes: Image.Image) -> Image.Image:
    """Nonzero on pixels away from ink: outside every 2×2 block with ink and
    the blocks around it. So every pixel within 1 px of ink is near, and none
    farther than 3 px. (A 7×7 box blur of the page would be exact for 3 px but
    costs three times as much.)"""
    blocks = classes.reduce(2)                 # > 1: the block has ink (soft adds at most 1)
    across = _max3(blocks, _shifted(blocks, 1, 0), _shifted(blocks, -1, 0))
    near = _max3(across, _shifted(across, 0, 1), _shifted(across, 0, -1))
    far = near.point([255, 255] + [0] * 254)
    return far.resize((2 * far.width, 2 * far.height), Image.Resampling.NEAREST) \
        .crop((0, 0, classes.width, classes.height))


def _shifted(image: Image.Image, dx: int, dy: int) -> Image.Image:
    out = Image.new(image.mode, image.size, 0)
    out.paste(image, (dx, dy))
    return out


def _max3(a: Image.Image, b: Image.Image, c: Image.Image) -> Image.Image:
    return ImageChops.lighter(ImageChops.lighter(a, b), c)


def bilevel_lut(threshold: int, lut: list[int] | None = None) -> list[int]:
    """The table that maps gray straight to 1-bit: white above ``threshold``
    (after ``lut``, when given, so whitening and thresholding are one pass)."""
    values = lut if lut is not None else list(range(256))
    return [255 if v > threshold else 0 for v in values]


def to_bilevel(gray: Image.Image, threshold: int | None = None) -> Image.Image:
    """1-bit image; unless given, the threshold lies a little toward the paper's
    white from halfway, so that thin strokes stay whole."""
    if gray.mode == "1":
        return gray
    gray = gray.convert("L")
    if threshold is None:
        threshold = bilevel_threshold(gray)
    return gray.point(bilevel_lut(threshold), "1")


def bilevel_threshold(gray: Image.Image) -> int:
    """A threshold a little toward the paper's white from halfway."""
    black, white = levels(gray.reduce(4) if min(gray.size) > 64 else gray)
    return black + (white - black) * 3 // 5 if (black, white) != (0, 255) else 150


def encode(image: Image.Image, kind: str, dpi: int, quality: int = 60,
           bilevel_format: str = "png") -> tuple[bytes, str]:
    """Encode a prepared image (``kind`` color | gray | bilevel) -> (bytes, content type)."""
    buf = io.BytesIO()
    if kind == BILEVEL:
        img = to_bilevel(image)
        if bilevel_format == "g4":
            img.save(buf, "TIFF", compression="group4", dpi=(dpi, dpi))
            return buf.getvalue(), "image/tiff"
        return png_1bit(img, dpi), "image/png"
    mode = "RGB" if kind == COLOR else "L"
    img = image if image.mode == mode else image.convert(mode)
    # Huffman tables fitted to the page make it 11-18% smaller; for colour
    # that second pass over the coefficients costs 40% of the encode (as much
    # as whitening the page), for gray a third of that.
    img.save(buf, "JPEG", quality=quality, subsampling=2, optimize=kind != COLOR,
             dpi=(dpi, dpi))
    return buf.getvalue(), "image/jpeg"


# byte with its bits in reverse order: Pillow packs 1-bit rows least
# significant bit first twice as fast as most significant first (PNG's order)
_REVERSED_BITS = bytes(int(f"{v:08b}"[::-1], 2) for v in range(256))
_PNG_UP = b"\x02"       # PNG row filter "up": each byte minus the one above it


def pack_bits(image: Image.Image) -> Image.Image:
    """The rows of a "1" image packed 8 pixels a byte, most significant bit
    first (PNG's order), as an "L" image a byte per 8 pixels wide."""
    w, h = image.size
    return Image.frombytes("L", ((w + 7) // 8, h),
                           image.tobytes("raw", "1;R").translate(_REVERSED_BITS))


def png_1bit(image: Image.Image, dpi: int) -> bytes:
    """A 1-bit grayscale PNG of a "1" image, written here rather than by
    Pillow, whose bit packing and per-row filter search take three times as
    long as the compression itself."""
    return png_packed(pack_bits(image), image.width, dpi)


def png_packed(packed: Image.Image, width: int, dpi: int) -> bytes:
    """A 1-bit grayscale PNG of rows packed by :func:`pack_bits` (``width`` in
    pixels). Every row gets the "up" filter (within a few percent of the best
    choice on text pages); zlib's run-length strategy suits 1-bit pages: 4x
    faster than the default and as small."""
    stride, h = packed.size
    above = Image.new("L", packed.size, 0)
    above.paste(packed.crop((0, 0, stride, h - 1)), (0, 1))
    rows = memoryview(ImageChops.subtract_modulo(packed, above).tobytes())
    raw = _PNG_UP + _PNG_UP.join(rows[i:i + stride] for i in range(0, len(rows), stride))
    deflate = zlib.compressobj(6, zlib.DEFLATED, 15, 8, zlib.Z_RLE)
    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, h, 1, 0, 0, 0, 0)),
        _png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _png_chunk(b"IDAT", deflate.compress(raw) + deflate.flush()),
        _png_chunk(b"IEND", b""),
    ])


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def thumbnail(image: Image.Image, size: int = THUMB_SIZE, lut: list[int] | None = None) -> bytes:
    """A small JPEG (longest side ``size`` px) for fast display; ``lut``
    (one band's table) tones it, applied after the first reduction, on a
    quarter of the pixels."""
    img = image.convert("L") if image.mode in ("1", "L", "LA", "I", "I;16") else image
    img = img.convert("RGB") if img.mode not in ("L", "RGB") else img
    # a box reduction down to just above the size, then a short bilinear
    # step: as smooth as bilinear all the way, at a fraction of its cost
    factor = max(1, max(img.size) // size)
    img = img.reduce(factor) if factor > 1 else img.copy()
    if lut is not None:
        img = img.point(lut * len(img.getbands()))
    img.thumbnail((size, size), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return buf.getvalue()
