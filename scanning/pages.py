"""Editing a batch of pages before it is stored: the UI's page strip.

All functions return a new list and leave the one given alone, so the UI can
keep the previous list for undo. Indexes are 0-based; a bad index raises
``IndexError``. Blank pages are only flagged by the pipeline; removing them is
the clerk's decision (:func:`delete` or :func:`drop_blank`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from scanning import compress
from scanning.pipeline import ProcessedPage

_TURNS = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180,
          3: Image.Transpose.ROTATE_270}


def _check(pages: Sequence[ProcessedPage], index: int) -> None:
    if not 0 <= index < len(pages):
        raise IndexError(f"page {index} not in 0..{len(pages) - 1}")


def rotate_page(page: ProcessedPage, quarter_turns: int) -> ProcessedPage:
    """The page turned by ``quarter_turns`` × 90° counter-clockwise (negative: clockwise).

    Uses the kept working image when there is one, else decodes the stored
    bytes; JPEG pages are re-encoded at the page's quality.
    """
    turns = quarter_turns % 4
    if turns == 0:
        return page
    image = page.image if page.image is not None else _decode(page.data)
    turned = image.transpose(_TURNS[turns])
    data, ctype = compress.encode(turned, page.color, page.dpi, page.jpeg_quality,
                                  page.bilevel_format)
    return ProcessedPage(
        data=data, content_type=ctype, width=turned.width, height=turned.height, dpi=page.dpi,
        thumbnail=compress.thumbnail(turned), color=page.color, blank_score=page.blank_score,
        is_blank=page.is_blank, skew_angle=page.skew_angle, crop_box=page.crop_box,
        quarter_turns=(page.quarter_turns + turns) % 4, jpeg_quality=page.jpeg_quality,
        bilevel_format=page.bilevel_format, image=turned if page.image is not None else None)


def _decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.copy()


def rotate(pages: Sequence[ProcessedPage], index: int, quarter_turns: int) -> list[ProcessedPage]:
    _check(pages, index)
    result = list(pages)
    result[index] = rotate_page(pages[index], quarter_turns)
    return result


def move(pages: Sequence[ProcessedPage], src: int, dst: int) -> list[ProcessedPage]:
    """Move the page at ``src`` so that it ends up at ``dst``."""
    _check(pages, src)
    _check(pages, dst)
    result = list(pages)
    result.insert(dst, result.pop(src))
    return result


def reorder(pages: Sequence[ProcessedPage], order: Sequence[int]) -> list[ProcessedPage]:
    """The pages in a new order; ``order`` must name each index exactly once."""
    if sorted(order) != list(range(len(pages))):
        raise ValueError("order must be a permutation of the page indexes")
    return [pages[i] for i in order]


def delete(pages: Sequence[ProcessedPage], index: int) -> list[ProcessedPage]:
    _check(pages, index)
    return [p for i, p in enumerate(pages) if i != index]


def replace(pages: Sequence[ProcessedPage], index: int, new: ProcessedPage) -> list[ProcessedPage]:
    """Put a re-scanned page in place of the page at ``index``."""
    _check(pages, index)
    result = list(pages)
    result[index] = new
    return result


def insert(pages: Sequence[ProcessedPage], index: int,
           new: Sequence[ProcessedPage]) -> list[ProcessedPage]:
    """Insert pages (e.g. a second feeder batch) before ``index`` (len: append)."""
    if not 0 <= index <= len(pages):
        raise IndexError(f"insert position {index} not in 0..{len(pages)}")
    return [*pages[:index], *new, *pages[index:]]


def blank_indexes(pages: Sequence[ProcessedPage]) -> list[int]:
    return [i for i, p in enumerate(pages) if p.is_blank]


def drop_blank(pages: Sequence[ProcessedPage]) -> list[ProcessedPage]:
    """Remove the flagged blank pages (only on the clerk's say-so)."""
    return [p for p in pages if not p.is_blank]
