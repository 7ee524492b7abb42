"""Skew and orientation from projection profiles, on a downscaled gray copy.

The ink pixels (and the paper's outline, when the paper lies on a dark
background) are projected onto lines at each candidate angle; text lines make
the sharpest profile at the right angle. Angles follow Pillow: a positive
angle means the content is turned counter-clockwise, and
``image.rotate(-angle)`` straightens it.

Everything is Pillow (no numpy). A projection at angle θ is the row profile
of the ink sheared vertically by tan θ (each column shifted by a whole pixel,
so every ink pixel counts once): ``Image.transform`` does the shear and
``resize((1, h), BOX)`` the row sums, both in C. Each angle costs a few Pillow
calls, so the search tries few: every other degree over ±6°, over ±20° unless
that found a clear peak, and the degrees beside the best (on profiles of 8 px
strips of a copy halved down and quartered across); then 0.3° steps over ±1°
of that and the tenths near the best (on profiles of 16 px strips of the
analysis copy sheared by the coarse angle, so that the strips hardly tilt), as
Leptonica and most OCR engines search coarse to fine.
"""

from __future__ import annotations

import math
import operator
import statistics
from array import array

from PIL import Image, ImageChops

from scanning.compress import percentile

ON = 255
STRIP = 16             # px per column strip in the fine search
MIN_INK = 50           # fewer ink pixels than this: nothing to measure
NEAR = 6               # degrees searched first
CLEAR_PEAK = 1.25      # a peak this far above the median of those ends the search


def ink_threshold(hist: list[int]) -> int:
    """Gray level below which a pixel is ink: well under the paper's white
    (``hist`` is the page's 256-bin histogram)."""
    if sum(hist) == 0:
        return 0
    paper = float(percentile(hist, 90))
    return int(max(40.0, min(paper - 60.0, paper * 0.6)))


def ink_mask(gray: Image.Image, mask: Image.Image | None = None) -> Image.Image:
    """Dark pixels (inside ``mask`` if given), relative to the paper's white;
    "L", 255 on ink."""
    return _ink(gray, mask)[0]


def _ink(gray: Image.Image, mask: Image.Image | None) -> tuple[Image.Image, int]:
    """The ink mask and how many pixels it has."""
    hist = gray.histogram(mask)
    limit = ink_threshold(hist)
    ink = gray.point([ON if v < limit else 0 for v in range(256)])
    return (ink if mask is None else ImageChops.darker(ink, mask)), sum(hist[:limit])


def _sharpness(image: Image.Image) -> float:
    """Sum of squared row means of an "F" image: high when ink gathers in few rows."""
    rows = array("f", image.resize((1, image.height), Image.Resampling.BOX).tobytes())
    return float(sum(map(operator.mul, rows, rows)))


def _strips(image: Image.Image, width: int) -> tuple[Image.Image, float]:
    """The row profiles of column strips about ``width`` px wide, as an "F"
    image with one column per strip, and the strips' exact width."""
    count = max(1, image.width // width)
    return image.resize((count, image.height), Image.Resampling.BOX), image.width / count


def _shear(image: Image.Image, slope: float, tall: int) -> Image.Image:
    """Column x moved down by ``slope * x``, so that a line rising at that slope
    comes out level, in a ``tall`` image. Each column moves by whole pixels
    (nearest), so every ink pixel is counted exactly once."""
    top = min(0.0, slope) * image.width     # keeps the sheared content inside
    return image.transform((image.width, tall), Image.Transform.AFFINE,
                           (1, 0, 0, -slope, 1, top), Image.Resampling.NEAREST)


def _scores(profiles: Image.Image, angles: list[float], strip: float = 1.0,
            base: float = 0.0) -> list[float]:
    """Projection sharpness of ``profiles`` (an "F" image, columns ``strip`` px
    apart) at each angle, relative to a shear by ``base`` already applied."""
    w, h = profiles.size
    slopes = [(math.tan(math.radians(a)) - base) * strip for a in angles]
    tall = h + int(math.ceil(max(abs(s) for s in slopes) * w)) + 1
    # rows of a sheared copy lie 1/cos θ apart along the lines' normal: normalise
    return [_sharpness(_shear(profiles, s, tall)) * math.cos(math.radians(a))
            for a, s in zip(angles, slopes, strict=True)]


def _coarse(evidence: Image.Image, max_angle: float) -> float:
    """Best whole-degree angle, on strips 8 px wide (a strip's own tilt
    blurs its profile by at most 3 px at 20°) and rows halved. Not quartered:
    text lines are only a few rows apart, and fewer rows alias them into false
    lines at other angles."""
    small = evidence.reduce((4, 2)) if min(evidence.size) >= 32 else evidence
    profiles, strip = _strips(small.convert("F"), 2)
    # in the reduced copy a column is 4 px and a row 2 px of the analysis copy
    strip *= 2.0 if small.size != evidence.size else 1.0
    steps = int(max_angle)
    # every other degree, nearest first: most pages are within a few degrees,
    # and their peak stands far above its neighbours (1.4-2x; a page skewed
    # farther gives a flat profile there, within 10%)
    angles = [float(a) for a in range(-min(steps, NEAR), min(steps, NEAR) + 1, 2)]
    scores = _scores(profiles, angles, strip)
    best = angles[scores.index(max(scores))]
    if abs(best) >= NEAR or max(scores) < CLEAR_PEAK * statistics.median(scores):
        rest = [float(a) for a in range(-steps, steps + 1, 2) if abs(a) > NEAR]
        angles += rest
        scores += _scores(profiles, rest, strip)
        best = angles[scores.index(max(scores))]
    # then the two degrees beside the best of those
    beside = [a for a in (best - 1, best + 1) if abs(a) <= max_angle]
    angles += beside
    scores += _scores(profiles, beside, strip)
    return angles[scores.index(max(scores))]


def _fine(evidence: Image.Image, around: float) -> tuple[float, float, float]:
    """Best angle within ±1° of ``around`` in 0.1° steps, its score, and the
    score of 0° measured the same way."""
    base = math.tan(math.radians(around))
    w, h = evidence.size
    straightened = _shear(evidence, base, h + int(math.ceil(abs(base) * w)) + 1)
    # a 16 px strip tilts by < 0.3 px over the remaining ±1°: its profile stays
    # sharp; rows are doubled so that shifts come in half pixels (0.1° moves
    # the far end of the page by less than a pixel)
    profiles, strip = _strips(straightened, STRIP)
    profiles = profiles.resize((profiles.width, 2 * profiles.height), Image.Resampling.BILINEAR)
    strip *= 2
    # 0.3° steps, then the tenths within 0.2° of the best of those (the top of
    # the curve is flat enough for a neighbour to be higher by a hair)
    angles = [around + i / 10 for i in range(-9, 10, 3)]
    scores = _scores(profiles, angles, strip, base)
    best = angles[scores.index(max(scores))]
    beside = [best - 0.2, best - 0.1, best + 0.1, best + 0.2]
    angles += beside
    scores += _scores(profiles, beside, strip, base)
    i = scores.index(max(scores))
    level = scores[angles.index(0.0)] if 0.0 in angles else _scores(profiles, [0.0], strip, base)[0]
    return angles[i], scores[i], level


def estimate_skew(gray: Image.Image, mask: Image.Image | None = None,
                  max_angle: float = 20.0, outline: Image.Image | None = None) -> float:
    """Skew angle in degrees (0.0 when there is nothing to measure or no clear peak).

    ``gray`` is an "L" image; ``mask`` ("L", 255 inside) limits where ink is
    looked for; ``outline`` adds boundary pixels (e.g. the paper's edge) to the
    evidence.
    """
    evidence, count = _ink(gray, mask)
    if outline is not None:
        evidence = ImageChops.lighter(evidence, outline)
        count = evidence.histogram()[ON]
    if count < MIN_INK:
        return 0.0
    best, best_score, level = _fine(evidence.convert("F"), _coarse(evidence, max_angle))
    if best_score < level * 1.02:   # no clearly better angle: leave the page alone
        return 0.0
    return round(best, 2)


def _line_counts(ink: Image.Image) -> list[int]:
    """Ink pixels in each row."""
    data, width = ink.tobytes(), ink.width
    return [data.count(ON, start, start + width) for start in range(0, len(data), width)]


def line_direction_ratio(ink: Image.Image) -> float:
    """How much sharper the row profile is than the column profile (> 1: lines
    run across the page as usual; < 1: they run up and down)."""
    return _direction_ratio(ink, _line_counts(ink))


def _direction_ratio(ink: Image.Image, rows: list[int]) -> float:
    if sum(rows) < MIN_INK:
        return 1.0
    cols = _line_counts(ink.transpose(Image.Transpose.TRANSPOSE))
    across = sum(n * n for n in rows)
    down = sum(n * n for n in cols)
    return across / down if down else 1.0


def _text_lines(ink: Image.Image, rows: list[int] | None = None) -> list[tuple[int, int]]:
    """(top, bottom) of each run of rows with ink = the lines of text
    (``rows``: the ink's row counts, when already counted)."""
    limit = max(2, int(0.01 * ink.width))
    lines, start = [], None
    for y, count in enumerate([*(rows if rows is not None else _line_counts(ink)), 0]):
        if count > limit and start is None:
            start = y
        elif count <= limit and start is not None:
            lines.append((start, y))
            start = None
    return lines


def flush_side(ink: Image.Image, rows: list[int] | None = None) -> str | None:
    """``"left"`` or ``"right"`` when the text lines clearly share one edge
    (like left-aligned text with ragged ends), else None."""
    width = ink.width
    starts, ends = [], []
    for top, bottom in _text_lines(ink, rows):
        if bottom - top < 2:
            continue
        box = ink.crop((0, top, width, bottom)).getbbox()
        if box is not None:
            starts.append(box[0])
            ends.append(box[2] - 1)
    if len(starts) < 4:
        return None
    spread_left = statistics.pstdev(starts)
    spread_right = statistics.pstdev(ends)
    tolerance = 0.01 * width + 1.0
    if spread_left <= tolerance and spread_right > 4 * tolerance:
        return "left"
    if spread_right <= tolerance and spread_left > 4 * tolerance:
        return "right"
    return None


def detect_quarter_turns(gray: Image.Image, mask: Image.Image | None = None) -> int:
    """Counter-clockwise quarter turns (0-3) that put text upright, judged from
    line direction and a flush left edge; 0 when the evidence is weak."""
    ink = ink_mask(gray, mask)
    rows = _line_counts(ink)                  # counted once for both questions
    ratio = _direction_ratio(ink, rows)
    if ratio >= 1.0 / 1.5:
        if ratio > 1.5 and flush_side(ink, rows) == "right":
            return 2
        return 0
    side = flush_side(ink.transpose(Image.Transpose.ROTATE_90))
    if side == "left":
        return 1
    if side == "right":
        return 3
    return 0
