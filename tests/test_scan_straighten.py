"""Straightening by shears, skew precision, and the 1-bit PNG writer."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from scanning import compress
from scanning.deskew import estimate_skew
from scanning.pipeline import process_image
from scanning.straighten import SHEAR_LIMIT, _bands, _rotate_nearest, straighten, straighten_packed

from .scanning_helpers import font_page, text_page


def _overlap(a: Image.Image, b: Image.Image) -> float:
    """Share of b's ink that a has at the same place (both "L", same size)."""
    ink_a = a.point([255 if v < 128 else 0 for v in range(256)])
    ink_b = b.point([255 if v < 128 else 0 for v in range(256)])
    both = ImageChops.darker(ink_a, ink_b).histogram()[255]
    return both / max(1, ink_b.histogram()[255])


def _centre(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    left, top = (image.width - size[0]) // 2, (image.height - size[1]) // 2
    return image.crop((left, top, left + size[0], top + size[1]))


@pytest.mark.parametrize("n, slope", [(100, 0.03), (100, -0.03), (50, 0.5), (7, 0.0), (1, 0.2)])
def test_shear_bands_cover_every_index_once(n, slope):
    bands = _bands(n, slope)
    assert bands[0][0] == 0 and bands[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(bands, bands[1:], strict=False))
    for start, end, shift in bands:
        assert all(abs(slope * i - shift) <= 0.5 + 1e-9 for i in range(start, end))


@pytest.mark.parametrize("mode", ["L", "1", "RGB"])
@pytest.mark.parametrize("angle", [1.5, -2.8])
def test_straightened_page_lines_up_with_the_original(mode, angle):
    page = text_page(200, seed=3)
    skewed = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
    fill = (245,) * 3 if mode == "RGB" else 245
    source = skewed.point([0] * 128 + [255] * 128, "1") if mode == "1" else skewed.convert(mode)
    straight = straighten(source, angle, fill)
    reference = skewed.rotate(-angle, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
    assert abs(straight.width - reference.width) <= 0.01 * reference.width
    assert abs(straight.height - reference.height) <= 0.01 * reference.height
    window = (page.width - 100, page.height - 100)
    # the text of the original page, within a pixel everywhere (bilinear
    # rotation scores 0.99, the whole-pixel shears 0.93-0.95)
    assert _overlap(_centre(straight.convert("L"), window), _centre(page, window)) > 0.9


@pytest.mark.parametrize("turn", [1.5, 3.0, 0.4])
def test_colour_turned_counter_clockwise_through_flips_as_pillow_would(turn):
    page = text_page(200, seed=3, seal=True)
    direct = page.rotate(turn, Image.Resampling.NEAREST, expand=True, fillcolor=(245,) * 3)
    flipped = _rotate_nearest(page, turn, (245,) * 3)
    assert flipped.mode == "RGB" and flipped.size == direct.size
    # nearest neighbours may round the other way on a pixel's edge; the ink is the same
    assert _overlap(flipped.convert("L"), direct.convert("L")) > 0.99
    assert ImageChops.difference(flipped, direct).convert("L").getbbox() is not None  # the flip path ran
    corner = flipped.getpixel((0, 0))
    assert corner == (245, 245, 245)


def test_large_angles_rotate_smoothly():
    page = text_page(100, seed=2)
    turned = straighten(page.rotate(10, expand=True, fillcolor=245), SHEAR_LIMIT + 6.6, 245)
    assert turned.mode == "L" and turned.width > page.width


@pytest.mark.parametrize("angle", [0.4, -1.3, 2.5, -6.2, 13.7])
def test_skew_measured_to_a_tenth_of_a_degree(angle):
    for page in (text_page(200, seed=5), font_page(200, seed=5)):
        turned = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
        assert abs(estimate_skew(turned.reduce(4)) - angle) <= 0.15


@pytest.mark.parametrize("size", [(1654, 2339), (13, 7), (8, 8), (1, 1), (17, 3)])
def test_one_bit_png_round_trips_with_its_dpi(size):
    page = text_page(200, size=size) if size[0] > 100 else Image.effect_noise(size, 100)
    bits = page.convert("1")
    data = compress.png_1bit(bits, 300)
    back = Image.open(io.BytesIO(data))
    back.load()
    assert back.mode == "1" and back.size == bits.size
    assert round(back.info["dpi"][0]) == 300
    assert ImageChops.difference(back.convert("L"), bits.convert("L")).getbbox() is None


@pytest.mark.parametrize("angle", [1.5, -3.0, 0.3])
def test_packed_straightening_matches_the_pixel_one(angle):
    page = font_page(200, seed=2)
    skewed = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
    bits = skewed.point([0] * 128 + [255] * 128, "1")
    by_pixels = straighten(bits, angle, 255)
    packed, width = straighten_packed(bits, angle)
    by_bytes = Image.open(io.BytesIO(compress.png_packed(packed, width, 200)))
    by_bytes.load()
    assert width == by_pixels.width and abs(by_bytes.height - by_pixels.height) <= 1
    # the vertical shear's steps move by up to 7 px sideways, so a stroke may
    # sit a row higher or lower there (and the whole page by a row, depending
    # on where the last byte's step falls); nothing else changes
    box = (10, 10, width - 10, by_pixels.height - 10)
    pixels = by_pixels.convert("L")
    rows_around = [pixels.crop((box[0], box[1] + dy, box[2], box[3] + dy)) for dy in (-1, 0, 1)]
    ink_near = ImageChops.darker(ImageChops.darker(*rows_around[:2]), rows_around[2])
    assert max(_overlap(ink_near, by_bytes.convert("L").crop((box[0], box[1] + dy, box[2], box[3] + dy)))
               for dy in (-1, 0, 1)) > 0.99


def test_skewed_text_page_stored_as_kept():
    page = font_page(200, seed=4)
    skewed = page.rotate(-1.2, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
    result = process_image(skewed, 200, keep_image=True)
    assert result.color == "bilevel" and abs(result.skew_angle + 1.2) <= 0.15
    stored = Image.open(io.BytesIO(result.data))
    stored.load()
    assert result.image is not None and stored.size == result.image.size
    assert (result.width, result.height) == stored.size
    assert ImageChops.difference(stored.convert("L"), result.image.convert("L")).getbbox() is None
