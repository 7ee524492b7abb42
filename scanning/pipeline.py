"""The page pipeline: straighten, crop, turn upright, flag blanks, compress.

Analysis runs on a copy downscaled to about 800 px; only the final rotate,
crop and encode touch the full image, so a page costs little more than
Pillow's own decode and encode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from PIL import Image

from scanning import compress
from scanning.deskew import detect_quarter_turns, estimate_skew
from scanning.paper import PaperRegion, erode, find_paper
from scanning.profiles import ScanProfile

ANALYSIS_SIZE = 640
MIN_SKEW = 0.1          # degrees; smaller angles are left alone
_TURNS = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180,
          3: Image.Transpose.ROTATE_270}


@dataclass(eq=False)
class ProcessedPage:
    """A page ready to store: encoded bytes, thumbnail and what was done to it."""

    data: bytes
    content_type: str
    width: int
    height: int
    dpi: int
    thumbnail: bytes
    color: str                       # color | gray | bilevel
    blank_score: float = 0.0         # share of clearly non-white pixels
    is_blank: bool = False           # flagged for the clerk, never dropped
    skew_angle: float = 0.0          # skew found and undone (degrees, counter-clockwise)
    crop_box: tuple[int, int, int, int] | None = None   # paper found (see process_image)
    quarter_turns: int = 0           # counter-clockwise turns applied
    jpeg_quality: int = 60
    bilevel_format: str = "png"
    image: Image.Image | None = field(default=None, repr=False)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def thumb_sha256(self) -> str:
        return hashlib.sha256(self.thumbnail).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    def summary(self) -> dict[str, object]:
        return {"sha256": self.sha256, "content_type": self.content_type, "size": self.size,
                "width": self.width, "height": self.height, "dpi": self.dpi,
                "color": self.color, "blank": self.is_blank,
                "blank_score": round(self.blank_score, 5), "skew": self.skew_angle,
                "quarter_turns": self.quarter_turns}


def normalize_mode(image: Image.Image) -> Image.Image:
    """"1", "L" or "RGB" (alpha flattened on white, 16-bit scaled down)."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(image.convert("I"), dtype=np.int64)
        scale = 257 if int(arr.max(initial=0)) > 255 else 1
        return Image.fromarray(np.clip(arr // scale, 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return image.convert("RGB")


def blank_score(gray_small: np.ndarray, margin: float = 0.01) -> float:
    """Share of clearly non-white pixels, ignoring a ``margin`` on every side."""
    h, w = gray_small.shape
    my, mx = max(1, int(h * margin)), max(1, int(w * margin))
    inner = gray_small[my:h - my, mx:w - mx]
    if inner.size == 0:
        return 0.0
    paper = float(compress.percentile_u8(inner, 90))
    # relative to the paper's own white; on a dark page everything dark counts
    limit = min(paper * 0.75, paper - 48.0) if paper >= 160 else 160.0
    return float((inner < limit).mean())


def _small(image: Image.Image) -> tuple[Image.Image, int]:
    factor = max(1, round(max(image.size) / ANALYSIS_SIZE))
    return (image.reduce(factor) if factor > 1 else image), factor


def _gray_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image if image.mode == "L" else image.convert("L"))


def process_image(image: Image.Image, dpi: int, profile: ScanProfile | None = None,
                  keep_image: bool = False) -> ProcessedPage:
    """Run the whole pipeline on one page image scanned or imported at ``dpi``.

    Every decision is taken on the analysis copy; the full image then gets, in
    order: gray conversion, whitening, rotation, crop, quarter turns, encoding.
    ``crop_box`` is in the input's pixels for a page that needed no rotation,
    else in the straightened image around the paper.
    """
    profile = profile or ScanProfile()
    img = normalize_mode(image)
    lineart = img.mode == "1"
    work = img.convert("L") if lineart else img
    small_img, _factor = _small(work)
    small = _gray_array(small_img)
    region = find_paper(small) if (profile.crop or profile.deskew) else None
    pre_box = (0, 0, 0, 0)
    if region is not None and profile.crop:
        # Drop the background around the paper first: less to rotate later.
        cut = _inset(region.box, -2, small_img.size)
        pre_box = _scale_box(cut, small_img.size, work.size)
        work, small_img = work.crop(pre_box), small_img.crop(cut)
        small = _gray_array(small_img)
        left, top, right, bottom = region.box
        region = PaperRegion(region.mask[cut[1]:cut[3], cut[0]:cut[2]],
                             (left - cut[0], top - cut[1], right - cut[0], bottom - cut[1]),
                             region.background)
    fill = region.background if region is not None else 255

    angle = 0.0
    if profile.deskew:
        mask = erode(region.mask, 5) if region is not None else None
        outline = region.outline() if region is not None else None
        angle = estimate_skew(small, mask, outline=outline)
    rotate = abs(angle) >= MIN_SKEW
    if rotate:
        small_img = small_img.rotate(-angle, Image.Resampling.BILINEAR, expand=True,
                                     fillcolor=fill if small_img.mode == "L" else (fill,) * 3)
        small = _gray_array(small_img)
        if region is not None:
            region = find_paper(small)

    crop_small: tuple[int, int, int, int] | None = None
    frame = small_img.size           # the analysis frame the crop box refers to
    if profile.crop and region is not None:
        crop_small = _inset(region.box, 1, frame)
        small_img = small_img.crop(crop_small)
        small = _gray_array(small_img)

    turns = detect_quarter_turns(small) if profile.auto_rotate else 0
    if turns:
        small_img = small_img.transpose(_TURNS[turns])
        small = _gray_array(small_img)

    score = blank_score(small)
    kind = _storage_kind(profile, lineart, small_img)
    lut: list[int] | None = None
    if profile.whiten:
        black, white = compress.levels(small)
        if (black, white) != (0, 255):
            lut = compress.whiten_lut(black, white)

    # The full image, in the same steps.
    if kind != compress.COLOR and work.mode != "L":
        work = work.convert("L")
        small_img = small_img.convert("L")
    if lut is not None:
        work = work.point(lut * (3 if work.mode == "RGB" else 1))
        small_img = small_img.point(lut * (3 if small_img.mode == "RGB" else 1))
        fill = lut[fill]
    if kind == compress.GRAY and profile.store_as == "auto" and compress.is_text_only(work):
        kind = compress.BILEVEL
    if rotate:
        # Bilevel pages are thresholded afterwards: nearest is enough and 4x faster.
        method = Image.Resampling.NEAREST if kind == compress.BILEVEL else Image.Resampling.BILINEAR
        work = work.rotate(-angle, method, expand=True,
                           fillcolor=fill if work.mode == "L" else (fill,) * 3)
    crop_box = None
    if crop_small is not None:
        box = _scale_box(crop_small, frame, work.size)
        work = work.crop(box)
        # in the input's coordinates, or the straightened frame's when rotated
        crop_box = box if rotate else (box[0] + pre_box[0], box[1] + pre_box[1],
                                       box[2] + pre_box[0], box[3] + pre_box[1])
    if turns:
        work = work.transpose(_TURNS[turns])
    threshold = compress.BILEVEL_THRESHOLD if lut is not None else None
    final = compress.to_bilevel(work, threshold) if kind == compress.BILEVEL else work
    data, ctype = compress.encode(final, kind, dpi, profile.jpeg_quality, profile.bilevel_format)
    return ProcessedPage(
        data=data, content_type=ctype, width=final.width, height=final.height, dpi=int(dpi),
        thumbnail=compress.thumbnail(small_img), color=kind, blank_score=score,
        is_blank=profile.detect_blank and score < profile.blank_threshold,
        skew_angle=angle if rotate else 0.0, crop_box=crop_box,
        quarter_turns=turns, jpeg_quality=profile.jpeg_quality,
        bilevel_format=profile.bilevel_format, image=final if keep_image else None)


def _inset(box: tuple[int, int, int, int], n: int,
           size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` shrunk by ``n`` pixels on each side (grown when negative), within ``size``."""
    left, top, right, bottom = box
    if right - left <= 2 * n + 2 or bottom - top <= 2 * n + 2:
        return box
    return (max(0, left + n), max(0, top + n), min(size[0], right - n), min(size[1], bottom - n))


def _scale_box(box: tuple[int, int, int, int], small_size: tuple[int, int],
               full_size: tuple[int, int]) -> tuple[int, int, int, int]:
    sx, sy = full_size[0] / small_size[0], full_size[1] / small_size[1]
    left, top, right, bottom = box
    return (int(left * sx), int(top * sy), min(full_size[0], int(round(right * sx))),
            min(full_size[1], int(round(bottom * sy))))


def _storage_kind(profile: ScanProfile, lineart: bool, small_img: Image.Image) -> str:
    if profile.store_as == "bilevel" or (lineart and profile.store_as == "auto"):
        return compress.BILEVEL
    if small_img.mode != "RGB" or profile.store_as == "gray":
        return compress.GRAY
    if profile.store_as == "color":
        return compress.COLOR
    return compress.GRAY if compress.is_near_gray(np.asarray(small_img)) else compress.COLOR
