"""The page pipeline: straighten, crop, turn upright, flag blanks, compress.

Every decision is taken on a copy downscaled to about 640 px (:func:`_plan`);
the full image then gets each step once (:func:`_apply`), in the cheapest form
that keeps the page legible: whitening and thresholding as one lookup table,
skew undone by whole-pixel shears (``scanning.straighten``). Pillow only: no
numpy, so that the bundle can leave it out.
"""

from __future__ import annotations

import hashlib
import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from PIL import Image

from scanning import compress
from scanning.deskew import detect_quarter_turns, estimate_skew
from scanning.memory import reuse_freed_memory
from scanning.paper import PaperRegion, erode, find_paper
from scanning.profiles import ScanProfile
from scanning.straighten import SHEAR_LIMIT, can_pack, straighten, straighten_packed

ANALYSIS_SIZE = 640
MIN_SKEW = 0.1          # degrees; smaller angles are left alone
_TURNS = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180,
          3: Image.Transpose.ROTATE_270}
Box = tuple[int, int, int, int]


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
        wide = image.convert("I")
        high = wide.getextrema()[1]
        if isinstance(high, int | float) and high > 255:
            wide = wide.point(lambda v: v * (1 / 257))
        return wide.convert("L")                  # "I" to "L" clips to 0..255
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return image.convert("RGB")


def blank_score(gray_small: Image.Image, margin: float = 0.01) -> float:
    """Share of clearly non-white pixels, ignoring a ``margin`` on every side."""
    w, h = gray_small.size
    mx, my = max(1, int(w * margin)), max(1, int(h * margin))
    if w - 2 * mx <= 0 or h - 2 * my <= 0:
        return 0.0
    hist = gray_small.crop((mx, my, w - mx, h - my)).histogram()
    paper = float(compress.percentile(hist, 90))
    # relative to the paper's own white; on a dark page everything dark counts
    limit = min(paper * 0.75, paper - 48.0) if paper >= 160 else 160.0
    return sum(hist[:max(0, math.ceil(limit))]) / sum(hist)


def _check_factor(dpi: int) -> int:
    """Reduction for the text-only check: it looks at about 100 dpi."""
    return max(2, round(dpi / 100))


def _reduced(work: Image.Image, profile: ScanProfile, lineart: bool,
             dpi: int) -> tuple[Image.Image, Image.Image | None]:
    """The analysis copy (about 640 px), and for gray pages that may become
    bilevel, the text-only check's copy, which the analysis copy is then
    reduced from (one pass over the full page instead of two)."""
    factor = max(1, round(max(work.size) / ANALYSIS_SIZE))
    step = _check_factor(dpi)
    if work.mode == "RGB" and factor > 1:
        return _reduce_in_halves(work, factor), None
    if work.mode != "L" or lineart or profile.store_as != "auto" or factor % step:
        return (work.reduce(factor) if factor > 1 else work), None
    check = work.reduce(step)
    return (check.reduce(factor // step) if factor > step else check), check


def _reduce_in_halves(work: Image.Image, factor: int) -> Image.Image:
    """``work.reduce(factor)``, the lower half reduced on the pipeline's other
    thread meanwhile (a colour page's reduction is 3 ms at 200 dpi, before
    anything else can start). The halves meet at a multiple of ``factor``,
    so every block is the one the whole reduction makes."""
    width, height = work.size
    middle = (height // factor // 2) * factor
    if middle == 0:
        return work.reduce(factor)
    lower = _worker().submit(work.reduce, factor, (0, middle, width, height))
    upper = work.reduce(factor, (0, 0, width, middle))
    below = lower.result()
    whole = Image.new(work.mode, (upper.width, upper.height + below.height))
    whole.paste(upper, (0, 0))
    whole.paste(below, (0, upper.height))
    return whole


def _gray(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


def _fill_of(mode: str, level: int) -> int | tuple[int, ...]:
    return (level,) * 3 if mode == "RGB" else level


@dataclass
class _Plan:
    """What the analysis copy decided, to be done once to the full image."""

    small: Image.Image                 # the analysis copy, as the page will look
    shear: bool                        # straighten by shears (same for both copies)
    pre_box: Box | None = None         # background cut off first (input pixels)
    angle: float = 0.0                 # skew to undo; 0.0: none
    fill: int = 255                    # gray level for the corners straightening uncovers
    crop: Box | None = None            # the paper, in the straightened analysis frame
    frame: tuple[int, int] = (0, 0)    # size of that frame
    turns: int = 0
    score: float = 0.0
    kind: str = compress.GRAY
    lut: list[int] | None = None       # whitening
    check: Image.Image | None = None   # the page reduced for the text-only check
    turned: Future[Image.Image] | None = None   # the full colour page, straightened ahead


def process_image(image: Image.Image, dpi: int, profile: ScanProfile | None = None,
                  keep_image: bool = False) -> ProcessedPage:
    """Run the whole pipeline on one page image scanned or imported at ``dpi``.

    Every decision is taken on the analysis copy; the full image then gets, in
    order: crop to the paper, gray conversion, whitening (or thresholding),
    straightening, crop, quarter turns, encoding. ``crop_box`` is in the
    input's pixels for a page that needed no straightening, else in the
    straightened image around the paper.
    """
    reuse_freed_memory()
    profile = profile or ScanProfile()
    img = normalize_mode(image)
    lineart = img.mode == "1"
    work = img.convert("L") if lineart else img
    plan = _plan(work, profile, lineart, dpi)
    # (the thumbnail only tells colour from the rest, which _apply never changes)
    thumbnail = _thumbnail(plan, plan.kind)
    out = _apply(work, plan, profile, dpi, keep_image)
    return ProcessedPage(
        data=out.data, content_type=out.content_type, width=out.size[0], height=out.size[1],
        dpi=int(dpi), thumbnail=thumbnail,
        color=out.kind, blank_score=plan.score,
        is_blank=profile.detect_blank and plan.score < profile.blank_threshold,
        skew_angle=plan.angle, crop_box=out.crop_box,
        quarter_turns=plan.turns, jpeg_quality=profile.jpeg_quality,
        bilevel_format=profile.bilevel_format, image=out.image)


def _plan(work: Image.Image, profile: ScanProfile, lineart: bool, dpi: int) -> _Plan:
    """Every decision, on the analysis copy."""
    small, check = _reduced(work, profile, lineart, dpi)
    # Colour pages are rotated by Pillow, gray ones sheared; the analysis copy
    # is treated the same way so that its crop box maps onto the full page.
    plan = _Plan(small=small, shear=work.mode == "L", check=check)
    region = find_paper(_gray(plan.small)) if (profile.crop or profile.deskew) else None
    if region is not None and profile.crop:
        region = _cut_background(plan, region, work.size)
    plan.fill = region.background if region is not None else 255
    if profile.deskew:
        region = _deskew(plan, region)
        plan.turned = _straighten_ahead(work, plan, profile)
    plan.frame = plan.small.size
    if profile.crop and region is not None:
        plan.crop = _inset(region.box, 1, plan.frame)
        plan.small = plan.small.crop(plan.crop)
    gray = _gray(plan.small)
    plan.turns = detect_quarter_turns(gray) if profile.auto_rotate else 0
    if plan.turns:
        plan.small = plan.small.transpose(_TURNS[plan.turns])
        gray = gray.transpose(_TURNS[plan.turns])
    plan.score = blank_score(gray)
    plan.kind = _storage_kind(profile, lineart, plan.small)
    if profile.whiten:
        black, white = compress.levels(gray)
        if (black, white) != (0, 255):
            plan.lut = compress.whiten_lut(black, white)
    return plan


def _cut_background(plan: _Plan, region: PaperRegion, size: tuple[int, int]) -> PaperRegion:
    """Drop the background around the paper first: less to straighten later."""
    cut = _inset(region.box, -2, plan.small.size)
    plan.pre_box = _scale_box(cut, plan.small.size, size)
    if plan.check is not None:
        plan.check = plan.check.crop(_scale_box(cut, plan.small.size, plan.check.size))
    plan.small = plan.small.crop(cut)
    left, top, right, bottom = region.box
    return PaperRegion(region.mask.crop(cut),
                       (left - cut[0], top - cut[1], right - cut[0], bottom - cut[1]),
                       region.background)


def _deskew(plan: _Plan, region: PaperRegion | None) -> PaperRegion | None:
    """Measure the skew and straighten the analysis copy; the paper is found
    again in the straightened copy."""
    gray = _gray(plan.small)
    if region is None:
        angle = estimate_skew(gray)
    else:
        angle = estimate_skew(gray, erode(region.mask, 5), outline=region.outline())
    if abs(angle) < MIN_SKEW:
        return region
    plan.angle = angle
    plan.small = straighten(plan.small, angle, _fill_of(plan.small.mode, plan.fill), plan.shear)
    return find_paper(_gray(plan.small)) if region is not None else None


@dataclass
class _Encoded:
    """The stored page."""

    data: bytes
    content_type: str
    size: tuple[int, int]
    kind: str
    crop_box: Box | None = None
    image: Image.Image | None = None   # the page as stored, when asked for


def _apply(work: Image.Image, plan: _Plan, profile: ScanProfile, dpi: int,
           keep: bool) -> _Encoded:
    """The full image, in the plan's steps, encoded."""
    kind = plan.kind
    if plan.turned is not None and kind == compress.COLOR:
        return _apply_turned(plan.turned.result(), plan, profile, dpi, keep)
    if plan.pre_box is not None:
        work = work.crop(plan.pre_box)
    if kind != compress.COLOR and work.mode != "L":
        work = work.convert("L")
    if kind == compress.GRAY and profile.store_as == "auto" and _text_only(work, plan, dpi):
        kind = compress.BILEVEL
    work, fill = _tone(work, kind, plan)
    # (no crop box to map, so the shear need not match the analysis copy's)
    if profile.bilevel_format == "png" and plan.crop is None and not plan.turns \
            and can_pack(work, plan.angle):
        return _packed_png(work, plan.angle, dpi, keep)
    if plan.angle:
        work = straighten(work, plan.angle, _fill_of(work.mode, fill), plan.shear)
    return _finish(work, kind, plan, profile, dpi, keep)


def _finish(work: Image.Image, kind: str, plan: _Plan, profile: ScanProfile, dpi: int,
            keep: bool) -> _Encoded:
    """Crop, quarter turns and encoding of the toned, straightened page."""
    crop_box = None
    if plan.crop is not None:
        box = _scale_box(plan.crop, plan.frame, work.size)
        work = work.crop(box)
        pre = plan.pre_box or (0, 0, 0, 0)
        # in the input's coordinates, or the straightened frame's when straightened
        crop_box = box if plan.angle else (box[0] + pre[0], box[1] + pre[1],
                                           box[2] + pre[0], box[3] + pre[1])
    if plan.turns:
        work = work.transpose(_TURNS[plan.turns])
    data, ctype = compress.encode(work, kind, dpi, profile.jpeg_quality, profile.bilevel_format)
    return _Encoded(data, ctype, work.size, kind, crop_box, work if keep else None)


def _straighten_ahead(work: Image.Image, plan: _Plan,
                      profile: ScanProfile) -> Future[Image.Image] | None:
    """Start straightening a colour page on another thread as soon as its
    angle is known, so that the rest of the analysis and the thumbnail (about
    5 ms at 200 dpi) run meanwhile: Pillow releases Python's lock while it
    rotates. Only for nearest-neighbour turns, where whitening after the turn
    gives the very pixels whitening before it gives. Pages the analysis then
    finds gray go the usual way, and the early turn is dropped."""
    if work.mode != "RGB" or profile.store_as not in ("auto", "color") \
            or not plan.angle or abs(plan.angle) > SHEAR_LIMIT:
        return None
    box, angle, fill = plan.pre_box, plan.angle, _fill_of("RGB", plan.fill)

    def turn() -> Image.Image:
        page = work.crop(box) if box is not None else work
        return straighten(page, angle, fill, shear=False)
    return _worker().submit(turn)


_workers: list[ThreadPoolExecutor] = []


def _worker() -> ThreadPoolExecutor:
    """One thread for the early turns, made on first use and kept: a thread
    of its own keeps its freed page memory for the next page (see
    ``scanning.memory``)."""
    if not _workers:
        _workers.append(ThreadPoolExecutor(1, thread_name_prefix="page-turn"))
    return _workers[0]


def _apply_turned(turned: Image.Image, plan: _Plan, profile: ScanProfile, dpi: int,
                  keep: bool) -> _Encoded:
    """A colour page straightened ahead: whitened, then finished as usual."""
    work, _ = _tone(turned, compress.COLOR, plan)
    return _finish(work, compress.COLOR, plan, profile, dpi, keep)


def _packed_png(bits: Image.Image, angle: float, dpi: int, keep: bool) -> _Encoded:
    """A bilevel page with nothing to crop or turn, straightened on its packed
    bytes (``straighten_packed``): the common case of a skewed text page."""
    packed, width = straighten_packed(bits, angle)
    size = (width, packed.height)
    image = Image.frombytes("1", size, packed.tobytes()) if keep else None
    return _Encoded(compress.png_packed(packed, width, dpi), "image/png", size,
                    compress.BILEVEL, None, image)


def _text_only(work: Image.Image, plan: _Plan, dpi: int) -> bool:
    if plan.check is not None:
        return compress.is_text_only(plan.check, lut=plan.lut, factor=1)
    return compress.is_text_only(work, lut=plan.lut, factor=_check_factor(dpi))


def _tone(work: Image.Image, kind: str, plan: _Plan) -> tuple[Image.Image, int]:
    """Whitened (gray, colour) or thresholded (bilevel) in one lookup, and the
    fill level that matches."""
    if kind == compress.BILEVEL:
        threshold = compress.BILEVEL_THRESHOLD if plan.lut is not None \
            else compress.bilevel_threshold(work)
        table = compress.bilevel_lut(threshold, plan.lut)
        return work.point(table, "1"), table[plan.fill]
    if plan.lut is None:
        return work, plan.fill
    return work.point(plan.lut * len(work.getbands())), plan.lut[plan.fill]


def _thumbnail(plan: _Plan, kind: str) -> bytes:
    small = plan.small if kind == compress.COLOR else _gray(plan.small)
    return compress.thumbnail(small, lut=plan.lut)


def _inset(box: Box, n: int, size: tuple[int, int]) -> Box:
    """``box`` shrunk by ``n`` pixels on each side (grown when negative), within ``size``."""
    left, top, right, bottom = box
    if right - left <= 2 * n + 2 or bottom - top <= 2 * n + 2:
        return box
    return (max(0, left + n), max(0, top + n), min(size[0], right - n), min(size[1], bottom - n))


def _scale_box(box: Box, small_size: tuple[int, int], full_size: tuple[int, int]) -> Box:
    sx, sy = full_size[0] / small_size[0], full_size[1] / small_size[1]
    left, top, right, bottom = box
    return (int(left * sx), int(top * sy), min(full_size[0], int(round(right * sx))),
            min(full_size[1], int(round(bottom * sy))))


def _storage_kind(profile: ScanProfile, lineart: bool, small: Image.Image) -> str:
    if profile.store_as == "bilevel" or (lineart and profile.store_as == "auto"):
        return compress.BILEVEL
    if small.mode != "RGB" or profile.store_as == "gray":
        return compress.GRAY
    if profile.store_as == "color":
        return compress.COLOR
    return compress.GRAY if compress.is_near_gray(small) else compress.COLOR
