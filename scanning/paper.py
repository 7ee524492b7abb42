"""Finding the paper on a scan with a dark or uniform background.

Works on a downscaled gray copy. The background is the darker part of the outer
ring of the image; when it is clearly darker than the paper, the paper is the bright
region, filled row- and column-wise so that text inside it counts as paper.
A white scanner lid gives no contrast: then there is nothing to crop.

Masks are "L" images, 255 on and 0 off, so that Pillow's filters and
``ImageChops`` do the work (no numpy in the bundle).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps

from scanning.compress import percentile

ON = 255


@dataclass(frozen=True)
class PaperRegion:
    mask: Image.Image         # "L", 255 on the paper
    box: tuple[int, int, int, int]   # left, top, right, bottom (exclusive), small scale
    background: int           # gray level of the background

    def outline(self) -> Image.Image:
        """Pixels on the paper's edge."""
        return ImageChops.subtract(self.mask, erode(self.mask, 3))


def _box_filter(mask: Image.Image, size: int, keep: list[int]) -> Image.Image:
    """Box mean over a ``size``² square (outside the image counts as off),
    mapped through ``keep``."""
    radius = size // 2
    padded = ImageOps.expand(mask, radius + 1, fill=0)
    blurred = padded.filter(ImageFilter.BoxBlur(radius)).point(keep)
    return blurred.crop((radius + 1, radius + 1, radius + 1 + mask.width,
                         radius + 1 + mask.height))


def erode(mask: Image.Image, size: int) -> Image.Image:
    """Binary erosion with a square of side ``size`` (odd)."""
    # one off pixel in the box pulls the mean down by 255/size²: stop halfway
    limit = 255 - 255 // (size * size) // 2
    return _box_filter(mask, size, [ON if v >= limit else 0 for v in range(256)])


def dilate(mask: Image.Image, size: int) -> Image.Image:
    return _box_filter(mask, size, [0] + [ON] * 255)


def _spans(mask: Image.Image) -> Image.Image:
    """Each row filled from its first to its last on pixel."""
    width = mask.width
    data = mask.tobytes()
    on, off = bytes([ON]), b"\0"
    rows = []
    for start in range(0, len(data), width):
        row = data[start:start + width]
        first, last = row.find(on), row.rfind(on)   # C-speed scans of each row
        if first < 0:
            rows.append(off * width)
        else:
            rows.append(off * first + on * (last + 1 - first) + off * (width - 1 - last))
    return Image.frombytes("L", mask.size, b"".join(rows))


def _fill(mask: Image.Image) -> Image.Image:
    """Fill between the first and last on pixel of each row and each column."""
    columns = _spans(mask.transpose(Image.Transpose.TRANSPOSE))
    return ImageChops.darker(_spans(mask), columns.transpose(Image.Transpose.TRANSPOSE))


def _ring_histogram(gray: Image.Image, ring: int) -> list[int]:
    w, h = gray.size
    strips = [(0, 0, w, ring), (0, h - ring, w, h), (0, 0, ring, h), (w - ring, 0, w, h)]
    hist = [0] * 256
    for box in strips:
        hist = [a + b for a, b in zip(hist, gray.crop(box).histogram(), strict=True)]
    return hist


def find_paper(gray: Image.Image, min_contrast: int = 40,
               min_area: float = 0.04) -> PaperRegion | None:
    """The paper region of a gray ("L") image, or None when the background
    does not stand out."""
    w, h = gray.size
    if h < 16 or w < 16:
        return None
    ring = max(2, int(0.02 * min(h, w)))
    background = percentile(_ring_histogram(gray, ring), 10)
    paper_level = percentile(gray.histogram(), 95)
    if paper_level - background < min_contrast:
        return None
    threshold = (background + paper_level) // 2
    bright = gray.point([ON if v > threshold else 0 for v in range(256)])
    mask = _fill(dilate(erode(bright, 5), 5))    # opening drops specks first
    if mask.histogram()[ON] < min_area * w * h:
        return None
    box = mask.getbbox()
    if box is None:
        return None
    return PaperRegion(mask, box, background)
