"""The page pipeline on pages made here: skew, crop, blank, orientation, size, DPI."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scanning import compress
from scanning.deskew import estimate_skew
from scanning.pipeline import process_image
from scanning.profiles import ScanProfile

from .scanning_helpers import a4_size, blank_page, font_page, on_background, text_page


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return text_page(200)


def decoded(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def similarity(a: Image.Image, b: Image.Image) -> float:
    """Correlation of two pages at a small common size (1.0: the same)."""
    size = (200, 280)
    x = np.asarray(a.convert("L").resize(size), dtype=np.float64).ravel()
    y = np.asarray(b.convert("L").resize(size), dtype=np.float64).ravel()
    return float(np.corrcoef(x, y)[0, 1])


@pytest.mark.parametrize("angle", [7.0, -7.0, 3.0, -12.0, 0.5])
def test_skew_found_and_paper_cropped_on_dark_background(page, angle):
    scan, _box = on_background(page, angle)
    result = process_image(scan, 200)
    assert abs(result.skew_angle - angle) <= 1.0
    width, height = page.size
    assert abs(result.width - width) <= 0.02 * width
    assert abs(result.height - height) <= 0.02 * height
    assert similarity(decoded(result.data), page) > 0.8


def test_crop_box_close_to_the_paper(page):
    scan, box = on_background(page, 0.0, pad=150)
    result = process_image(scan, 200)
    assert result.crop_box is not None and result.skew_angle == 0.0
    for found, true in zip(result.crop_box, box, strict=True):
        assert abs(found - true) <= 10          # 10 px = 1.3 mm at 200 dpi


def test_skew_measured_on_white_background_too(page):
    for angle in (5.0, -9.0):
        turned = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=245)
        assert abs(estimate_skew(turned.reduce(3)) - angle) <= 1.0


def test_straight_page_untouched(page):
    result = process_image(page, 200)
    assert result.skew_angle == 0.0 and result.quarter_turns == 0
    assert (result.width, result.height) == page.size
    assert result.crop_box is None              # white background: nothing to crop


def test_blank_page_flagged_with_score_not_dropped(page):
    blank = process_image(blank_page(), 200)
    assert blank.is_blank and 0.0 <= blank.blank_score < 0.002
    written = process_image(page, 200)
    assert not written.is_blank and written.blank_score > 0.02
    one_line = process_image(text_page(200, lines=3, seed=4), 200)
    assert not one_line.is_blank
    black = process_image(Image.new("L", a4_size(100), 0), 100)
    assert not black.is_blank


@pytest.mark.parametrize("turned_by, turns", [(90, 3), (270, 1), (180, 2)])
def test_sideways_and_upside_down_pages_turned_upright(page, turned_by, turns):
    result = process_image(page.rotate(turned_by, expand=True), 200)
    assert result.quarter_turns == turns
    assert (result.width, result.height) == page.size
    assert similarity(decoded(result.data), page) > 0.9


def test_text_page_small_and_keeps_dpi(page):
    result = process_image(page, 200)
    assert result.size < 120 * 1024
    img = decoded(result.data)
    assert round(img.info["dpi"][0]) == 200 and round(img.info["dpi"][1]) == 200
    assert similarity(img, page) > 0.9


def test_printed_chinese_page_small_and_crisp():
    page = font_page(200)
    plain = io.BytesIO()
    page.save(plain, "JPEG", quality=75)
    result = process_image(page, 200)
    assert result.color == "bilevel" and result.size < 120 * 1024
    assert len(plain.getvalue()) > 4 * result.size
    assert similarity(decoded(result.data), page) > 0.8


def test_faint_seal_keeps_a_gray_page_gray(page):
    sealed = page.copy()
    ImageDraw.Draw(sealed).ellipse([900, 1600, 1220, 1920], outline=183, width=8)
    result = process_image(sealed, 200)
    assert result.color == "gray" and result.content_type == "image/jpeg"
    ring = np.asarray(decoded(result.data))[1600:1920, 900:1220]
    assert (ring < 235).mean() > 0.02            # the ring is still there


def test_gray_jpeg_page_much_smaller_than_plain_encoding(page):
    plain = io.BytesIO()
    page.save(plain, "JPEG", quality=75)
    result = process_image(page, 200, ScanProfile(store_as="gray"))
    assert result.content_type == "image/jpeg" and result.color == "gray"
    assert result.size < 0.5 * len(plain.getvalue())
    img = decoded(result.data)
    assert img.mode == "L" and img.info["dpi"] == (200, 200)


def test_300_dpi_page_keeps_its_dpi():
    result = process_image(text_page(300), 300, ScanProfile(store_as="gray"))
    assert decoded(result.data).info["dpi"] == (300, 300)
    assert result.dpi == 300


def test_colour_only_where_it_matters():
    grayish = process_image(text_page(200, mode="RGB"), 200)
    assert grayish.color in ("gray", "bilevel")
    assert decoded(grayish.data).mode in ("L", "1")
    page = text_page(200, seal=True)
    sealed = process_image(page, 200)
    assert sealed.color == "color" and sealed.content_type == "image/jpeg"
    assert decoded(sealed.data).mode == "RGB"
    plain = io.BytesIO()
    page.save(plain, "JPEG", quality=75)
    # whitened, quality 50 (the default profile's), standard Huffman tables
    assert sealed.size < 0.7 * len(plain.getvalue())


def test_photo_content_stays_gray_not_bilevel(page):
    photo = page.copy()
    gradient = np.tile(np.linspace(40, 230, 600, dtype=np.uint8), (500, 1))
    photo.paste(Image.fromarray(gradient), (300, 600))
    result = process_image(photo, 200)
    assert result.color == "gray" and result.content_type == "image/jpeg"


def test_lineart_stored_as_one_bit_png_or_g4(page):
    bits = page.convert("1")
    png = process_image(bits, 300)
    assert png.content_type == "image/png"
    img = decoded(png.data)
    assert img.mode == "1" and round(img.info["dpi"][0]) == 300
    g4 = process_image(bits, 300, ScanProfile(bilevel_format="g4"))
    assert g4.content_type == "image/tiff"
    tif = decoded(g4.data)
    assert tif.info["compression"] == "group4" and round(tif.info["dpi"][0]) == 300


def test_thumbnail_is_small_jpeg(page):
    result = process_image(page, 200)
    thumb = decoded(result.thumbnail)
    assert thumb.format == "JPEG" and max(thumb.size) == compress.THUMB_SIZE
    assert thumb.convert("L").getpixel((3, 3)) >= 250     # paper whitened as on the page
    assert len(result.sha256) == 64 and result.thumb_sha256 != result.sha256


def test_unusual_modes_are_normalised():
    rgba = text_page(100, mode="RGB").convert("RGBA")
    assert process_image(rgba, 100).width == rgba.width
    sixteen = Image.fromarray(np.asarray(text_page(100)).astype(np.uint16) * 257)
    assert sixteen.mode.startswith("I;16")
    assert process_image(sixteen, 100).height == sixteen.height


@pytest.mark.parametrize("angle", [1.5, -1.5, 2.8])
@pytest.mark.parametrize("background", [False, True])
@pytest.mark.parametrize("seal", [True, False])
def test_colour_page_turned_ahead_comes_out_as_turned_in_line(monkeypatch, angle, background,
                                                              seal):
    # the early turn on another thread must change nothing: a colour page
    # (seal) and an RGB scan of a gray page (no seal: the early turn dropped)
    page = text_page(150, seed=3, seal=seal)
    if seal is False:
        page = page.convert("RGB")
    page = page.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=(245,) * 3)
    if background:
        page = on_background(page)[0]
    ahead = process_image(page, 150)
    import scanning.pipeline as pipeline
    monkeypatch.setattr(pipeline, "_straighten_ahead", lambda *a: None)
    in_line = process_image(page, 150)
    assert ahead.skew_angle != 0.0
    assert ahead.color == ("color" if seal else in_line.color)
    assert (ahead.sha256, ahead.thumb_sha256, ahead.crop_box) == \
        (in_line.sha256, in_line.thumb_sha256, in_line.crop_box)


@pytest.mark.parametrize("size", [(1716, 2383), (1717, 2387), (640, 7), (9, 9)])
@pytest.mark.parametrize("factor", [2, 3, 4, 5])
def test_colour_reduction_in_halves_is_the_whole_reduction(size, factor):
    from PIL import ImageChops

    from scanning.pipeline import _reduce_in_halves

    page = Image.effect_noise(size, 60).convert("RGB")
    whole, halves = page.reduce(factor), _reduce_in_halves(page, factor)
    assert halves.size == whole.size
    assert ImageChops.difference(whole, halves).getbbox() is None
