"""Undoing a page's skew without resampling it.

A scan skewed by a degree or two is straightened the way document-imaging
libraries do it (Leptonica's ``pixRotateShear``): a horizontal shear, then a
vertical one, each made of whole-pixel shifts of strips of the image. For
1.5° on an A4 page at 200 dpi that is about 50 column strips and 60 row strips
copied, a few milliseconds, where Pillow's bilinear rotation takes 40 ms in
gray and 100 ms in colour. No pixel is interpolated, so strokes keep their
width and edges stay sharp; text lines step by one pixel every 1/tan θ pixels
(38 px at 1.5°), which is invisible at scanning resolutions.

Colour images go through Pillow's nearest-neighbour rotation instead: copying
narrow column strips of 4-byte pixels is slower than that, and the result is
equivalent (nearest-neighbour rotation amounts to the same two whole-pixel
shears); turns Pillow does slowly are written upside down and flipped back
(:func:`_rotate_nearest`). Angles above ``SHEAR_LIMIT`` use Pillow's bilinear rotation, since two
shears stop being a rotation (their error grows with sin² θ).

(Toning each strip as it is copied, to read the page once, was measured and
is slower: Pillow's per-call cost on narrow strips outweighs the saved pass.)
"""

from __future__ import annotations

import math

from PIL import Image

from scanning.compress import pack_bits

SHEAR_LIMIT = 3.4        # degrees; Leptonica's limit for two-shear rotation (0.06 rad)
Fill = int | tuple[int, ...]


def straighten(image: Image.Image, angle: float, fill: Fill, shear: bool = True) -> Image.Image:
    """``image`` turned clockwise by ``angle`` degrees (undoing a skew of
    ``angle``), grown to hold all of it, uncovered corners ``fill``.

    Up to ``SHEAR_LIMIT``: two whole-pixel shears for "1"/"L" images when
    ``shear`` (the caller makes the same choice for the analysis copy and the
    full page, so that their frames match), else Pillow's nearest-neighbour
    rotation. Beyond it, Pillow's bilinear rotation (nearest for "1").
    """
    if abs(angle) > SHEAR_LIMIT:
        return image.rotate(-angle, Image.Resampling.BILINEAR, expand=True, fillcolor=fill)
    if shear and image.mode in ("1", "L"):
        slope = math.sin(math.radians(angle))
        return _shear_columns(_shear_rows(image, -slope, fill), slope, fill)
    return _rotate_nearest(image, -angle, fill)


def _rotate_nearest(image: Image.Image, turn: float, fill: Fill) -> Image.Image:
    """Pillow's nearest-neighbour rotation by ``turn`` degrees, expanded.

    Pillow turns 4-byte pixels counter-clockwise 2-3x slower than clockwise
    (measured: 52 against 16 ms for 1.5° on a 300 dpi colour page), as its
    walk along each output row then climbs the input's rows. The same
    rotation written into an upside-down output walks them downwards again:
    one flip of its rows after it (2 ms at 200 dpi; mirroring left-right
    costs twice that) restores the page, and every pixel is sampled where the
    plain rotation samples it.
    """
    if turn <= 0 or image.mode in ("1", "L"):
        return image.rotate(turn, Image.Resampling.NEAREST, expand=True, fillcolor=fill)
    (a, b, c, d, e, f), size = _rotation(image.size, turn)
    height = size[1]
    mirrored = (a, -b, b * height + c, d, -e, e * height + f)
    turned = image.transform(size, Image.Transform.AFFINE, mirrored, Image.Resampling.NEAREST,
                             fillcolor=fill)
    return turned.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def _rotation(size: tuple[int, int], turn: float) -> tuple[tuple[float, ...], tuple[int, int]]:
    """The affine matrix and output size of ``Image.rotate(turn, expand=True)``
    (Pillow's own arithmetic: about the centre, grown to hold the corners)."""
    w, h = size
    angle = -math.radians(turn % 360.0)
    a, b = round(math.cos(angle), 15), round(math.sin(angle), 15)
    d, e = -b, a

    def image_of(x: float, y: float, c: float, f: float) -> tuple[float, float]:
        return a * x + b * y + c, d * x + e * y + f

    c, f = image_of(-w / 2, -h / 2, 0.0, 0.0)
    c, f = c + w / 2, f + h / 2
    corners = [image_of(x, y, c, f) for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
    nw = math.ceil(max(x for x, _ in corners)) - math.floor(min(x for x, _ in corners))
    nh = math.ceil(max(y for _, y in corners)) - math.floor(min(y for _, y in corners))
    c, f = image_of(-(nw - w) / 2.0, -(nh - h) / 2.0, c, f)
    return (a, b, c, d, e, f), (nw, nh)


def can_pack(image: Image.Image, angle: float) -> bool:
    """True when :func:`straighten_packed` handles this page."""
    return image.mode == "1" and 0 < abs(angle) <= SHEAR_LIMIT


def straighten_packed(bits: Image.Image, angle: float) -> tuple[Image.Image, int]:
    """A "1" page straightened and packed for a 1-bit PNG: the horizontal
    shear on the pixels, then the vertical one on the packed bytes, 8 columns
    at a time (each column's one-pixel step lands up to 7 px from where it
    would, and the shear copies an eighth of the bytes, twice as fast).
    Returns the packed rows (see ``compress.pack_bits``) and the width in
    pixels."""
    slope = math.sin(math.radians(angle))
    sheared = _shear_rows(bits, -slope, 255)
    return _shear_columns(pack_bits(sheared), 8 * slope, 255), sheared.width


def _bands(n: int, slope: float) -> list[tuple[int, int, int]]:
    """(start, end, shift): runs of indexes 0..n-1 over which the shift
    floor(slope * i + 0.5) stays the same."""
    if slope == 0:
        return [(0, n, 0)]
    step = 1 if slope > 0 else -1
    bands, start, shift = [], 0, 0
    while start < n:
        # the shift changes where slope * i crosses shift ± 0.5
        end = min(n, max(start + 1, math.ceil((shift + 0.5 * step) / slope)))
        bands.append((start, end, shift))
        start, shift = end, shift + step
    return bands


def _shear_columns(image: Image.Image, slope: float, fill: Fill) -> Image.Image:
    """Column x moved down by ``slope * x`` whole pixels."""
    w, h = image.size
    bands = _bands(w, slope)
    low = min(b[2] for b in bands)
    out = Image.new(image.mode, (w, h + max(b[2] for b in bands) - low), fill)
    for start, end, shift in bands:
        out.paste(image.crop((start, 0, end, h)), (start, shift - low))
    return out


def _shear_rows(image: Image.Image, slope: float, fill: Fill) -> Image.Image:
    """Row y moved right by ``slope * y`` whole pixels."""
    w, h = image.size
    bands = _bands(h, slope)
    low = min(b[2] for b in bands)
    out = Image.new(image.mode, (w + max(b[2] for b in bands) - low, h), fill)
    for start, end, shift in bands:
        out.paste(image.crop((0, start, w, end)), (shift - low, start))
    return out
