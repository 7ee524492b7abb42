"""Finding the paper on a scan with a dark or uniform background.

Works on a downscaled gray copy. The background is the darker part of the outer
ring of the image; when it is clearly darker than the paper, the paper is the bright
region, filled row- and column-wise so that text inside it counts as paper.
A white scanner lid gives no contrast: then there is nothing to crop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scanning.compress import percentile_u8


@dataclass(frozen=True)
class PaperRegion:
    mask: np.ndarray          # bool, True on the paper
    box: tuple[int, int, int, int]   # left, top, right, bottom (exclusive), small scale
    background: int           # gray level of the background

    def outline(self) -> np.ndarray:
        """Pixels on the paper's edge."""
        inner = erode(self.mask, 3)
        return self.mask & ~inner


def _box_count(mask: np.ndarray, radius: int) -> np.ndarray:
    """How many True pixels lie in the (2r+1)² box around each pixel."""
    padded = np.pad(mask.astype(np.int32), radius + 1)
    integral = padded.cumsum(axis=0).cumsum(axis=1)
    size = 2 * radius + 1
    h, w = mask.shape
    return (integral[size:size + h, size:size + w] - integral[:h, size:size + w]
            - integral[size:size + h, :w] + integral[:h, :w])


def erode(mask: np.ndarray, size: int) -> np.ndarray:
    """Binary erosion with a square of side ``size`` (odd)."""
    radius = size // 2
    return _box_count(mask, radius) == (2 * radius + 1) ** 2


def dilate(mask: np.ndarray, size: int) -> np.ndarray:
    return _box_count(mask, size // 2) > 0


def _fill(mask: np.ndarray) -> np.ndarray:
    """Fill between the first and last True of each row and each column."""
    def spans(m: np.ndarray) -> np.ndarray:
        any_: np.ndarray = np.asarray(m.any(axis=1))
        first = np.argmax(m, axis=1)
        last = m.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1)
        cols = np.arange(m.shape[1])
        return any_[:, None] & (cols[None, :] >= first[:, None]) & (cols[None, :] <= last[:, None])
    return spans(mask) & spans(mask.T).T


def find_paper(gray: np.ndarray, min_contrast: int = 40,
               min_area: float = 0.04) -> PaperRegion | None:
    """The paper region, or None when the background does not stand out."""
    h, w = gray.shape
    if h < 16 or w < 16:
        return None
    ring = max(2, int(0.02 * min(h, w)))
    border = np.concatenate([gray[:ring].ravel(), gray[-ring:].ravel(),
                             gray[:, :ring].ravel(), gray[:, -ring:].ravel()])
    background = percentile_u8(border, 10)
    paper_level = percentile_u8(gray, 95)
    if paper_level - background < min_contrast:
        return None
    threshold = (background + paper_level) // 2
    bright = gray > threshold
    mask = _fill(dilate(erode(bright, 5), 5))    # opening drops specks first
    if mask.mean() < min_area:
        return None
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    return PaperRegion(mask, box, background)
