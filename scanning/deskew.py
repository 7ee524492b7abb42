"""Skew and orientation from projection profiles, on a downscaled gray copy.

The ink pixels (and the paper's outline, when the paper lies on a dark
background) are projected onto lines at each candidate angle; text lines make
the sharpest profile at the right angle. The search runs coarse (1° steps over
±20°) then fine (0.1° steps around the best). Angles follow Pillow: a positive
angle means the content is turned counter-clockwise, and
``image.rotate(-angle)`` straightens it.
"""

from __future__ import annotations

import numpy as np

from scanning.compress import percentile_u8

MAX_POINTS = 30_000
COARSE_POINTS = 15_000


def ink_mask(gray: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Dark pixels (inside ``mask`` if given), relative to the paper's white."""
    ink = gray < ink_threshold(gray if mask is None else gray[mask])
    if mask is not None:
        ink &= mask
    return ink


def ink_points(ink: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates of the ink pixels, thinned out to ``limit``."""
    ys, xs = np.nonzero(ink)
    if ys.size > limit:
        step = ys.size // limit + 1
        ys, xs = ys[::step], xs[::step]
    return ys.astype(np.float32), xs.astype(np.float32)


def ink_threshold(values: np.ndarray) -> int:
    """Gray level below which a pixel is ink: well under the paper's white."""
    if values.size == 0:
        return 0
    paper = float(percentile_u8(values, 90))
    return int(max(40.0, min(paper - 60.0, paper * 0.6)))


def _score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    rad = np.deg2rad(angle)
    r = ys * np.float32(np.cos(rad)) + xs * np.float32(np.sin(rad))
    idx = (r - r.min()).astype(np.int64)
    hist = np.bincount(idx).astype(np.float64)
    return float(np.dot(hist, hist))


def _search(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [_score(ys, xs, float(a)) for a in angles]
    best = int(np.argmax(scores))
    return float(angles[best]), scores[best]


def estimate_skew(gray: np.ndarray, mask: np.ndarray | None = None,
                  max_angle: float = 20.0, outline: np.ndarray | None = None) -> float:
    """Skew angle in degrees (0.0 when there is nothing to measure or no clear peak).

    ``gray`` is a 2-D uint8 array; ``mask`` limits where ink is looked for;
    ``outline`` adds boundary pixels (e.g. the paper's edge) to the evidence.
    """
    evidence = ink_mask(gray, mask)
    if outline is not None:
        evidence = evidence | outline
    ys, xs = ink_points(evidence)
    if ys.size < 50:
        return 0.0
    step = max(1, ys.size // COARSE_POINTS)
    coarse = np.arange(-max_angle, max_angle + 0.5, 1.0)
    best, _ = _search(ys[::step], xs[::step], coarse)
    fine = np.arange(best - 1.0, best + 1.001, 0.1)
    best, best_score = _search(ys, xs, fine)
    level = _score(ys, xs, 0.0)
    if best_score < level * 1.02:   # no clearly better angle: leave the page alone
        return 0.0
    return round(best, 2)


def line_direction_ratio(ink: np.ndarray) -> float:
    """How much sharper the row profile is than the column profile (> 1: lines
    run across the page as usual; < 1: they run up and down)."""
    ys, xs = ink_points(ink)
    if ys.size < 50:
        return 1.0
    rows = _score(ys, xs, 0.0)
    cols = _score(xs, ys, 0.0)
    return rows / cols if cols else 1.0


def flush_side(ink: np.ndarray) -> str | None:
    """``"left"`` or ``"right"`` when the text lines clearly share one edge
    (like left-aligned text with ragged ends), else None."""
    width = ink.shape[1]
    on = ink.sum(axis=1) > max(2, int(0.01 * width))
    # runs of consecutive text rows = lines of text
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    starts_y, ends_y = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    starts, ends = [], []
    for y0, y1 in zip(starts_y, ends_y, strict=True):
        if y1 - y0 < 2:
            continue
        cols = np.nonzero(ink[y0:y1].any(axis=0))[0]
        if cols.size:
            starts.append(cols[0])
            ends.append(cols[-1])
    if len(starts) < 4:
        return None
    spread_left = float(np.std(starts))
    spread_right = float(np.std(ends))
    tolerance = 0.01 * width + 1.0
    if spread_left <= tolerance and spread_right > 4 * tolerance:
        return "left"
    if spread_right <= tolerance and spread_left > 4 * tolerance:
        return "right"
    return None


def detect_quarter_turns(gray: np.ndarray, mask: np.ndarray | None = None) -> int:
    """Counter-clockwise quarter turns (0-3) that put text upright, judged from
    line direction and a flush left edge; 0 when the evidence is weak."""
    ink = ink_mask(gray, mask)
    ratio = line_direction_ratio(ink)
    if ratio >= 1.0 / 1.5:
        if ratio > 1.5 and flush_side(ink) == "right":
            return 2
        return 0
    side = flush_side(np.rot90(ink, 1))
    if side == "left":
        return 1
    if side == "right":
        return 3
    return 0
