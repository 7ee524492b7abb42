"""Importing files: formats, phone photos, PDF pages, and hostile or broken input."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from scanning import importer
from scanning.importer import load_images, load_pages
from scanning.profiles import ScanProfile
from workstation.errors import InputFileError

from .scanning_helpers import blank_page, jpeg_bytes, text_page


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def upright_like(img: Image.Image, reference: Image.Image) -> bool:
    size = (120, 170)
    a = np.asarray(img.convert("L").resize(size), dtype=float).ravel()
    b = np.asarray(reference.convert("L").resize(size), dtype=float).ravel()
    return float(np.corrcoef(a, b)[0, 1]) > 0.8


def test_jpeg_png_and_dpi(tmp_path):
    page = text_page(150)
    jpg = write(tmp_path / "a.jpg", jpeg_bytes(page, dpi=(150, 150)))
    buf = io.BytesIO()
    page.save(buf, "PNG", dpi=(150, 150))
    png = write(tmp_path / "a.png", buf.getvalue())
    for path in (jpg, png):
        [(image, dpi)] = load_images(path)
        assert dpi == 150 and image.size == page.size
        [processed] = load_pages(path)
        assert processed.dpi == 150


def test_multipage_tiff_keeps_blank_pages_flagged(tmp_path):
    pages = [text_page(100, seed=1), blank_page(100), text_page(100, seed=2)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(100, 100),
                  compression="tiff_lzw")
    path = write(tmp_path / "three.tif", buf.getvalue())
    processed = load_pages(path)
    assert len(processed) == 3
    assert [p.is_blank for p in processed] == [False, True, False]
    assert processed[1].blank_score is not None


def test_phone_photo_turned_upright_from_exif(tmp_path):
    upright = text_page(100, mode="RGB")
    stored = upright.rotate(90, expand=True)          # the camera's sensor orientation
    exif = Image.Exif()
    exif[0x0112] = 6                                   # "rotate 90° clockwise to view"
    path = write(tmp_path / "IMG_0001.JPG", jpeg_bytes(stored, exif=exif.tobytes(), dpi=(72, 72)))
    [(image, dpi)] = load_images(path)
    assert image.size == upright.size
    assert upright_like(image, upright)
    assert dpi == round(max(upright.size) / (297 / 25.4))   # 72 dpi means nothing: fit A4
    [page] = load_pages(path, ScanProfile(auto_rotate=False))
    assert (page.width, page.height) == upright.size


def test_pdf_pages_rendered_at_set_dpi(tmp_path):
    pages = [text_page(100, seed=s, mode="RGB") for s in (1, 2)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=100)
    path = write(tmp_path / "doc.pdf", buf.getvalue())
    images = load_images(path)
    assert len(images) == 2
    for image, dpi in images:
        assert dpi == importer.PDF_DPI
        assert abs(image.width - pages[0].width * 2) <= 2    # 100 dpi page rendered at 200
    processed = load_pages(path)
    assert len(processed) == 2 and all(p.dpi == importer.PDF_DPI for p in processed)


def test_format_taken_from_content_not_name(tmp_path):
    buf = io.BytesIO()
    text_page(100).save(buf, "PNG")
    path = write(tmp_path / "really_a_png.jpg", buf.getvalue())
    assert len(load_pages(path)) == 1


# ---- hostile and broken input ---------------------------------------------------------

def test_zero_byte_file(tmp_path):
    with pytest.raises(InputFileError) as info:
        load_pages(write(tmp_path / "empty.jpg", b""))
    assert "空" in info.value.title


def test_truncated_jpeg(tmp_path):
    data = jpeg_bytes(text_page(100), quality=90)
    with pytest.raises(InputFileError) as info:
        load_pages(write(tmp_path / "cut.jpg", data[: len(data) // 2]))
    assert "损坏" in info.value.title


def test_truncated_png_and_garbage_tiff(tmp_path):
    buf = io.BytesIO()
    text_page(100).save(buf, "PNG")
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "cut.png", buf.getvalue()[:3000]))
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "bad.tif", b"II*\x00" + b"\xff" * 200))


def test_decompression_bomb(tmp_path):
    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")      # 81 MP in a few KB
    path = write(tmp_path / "bomb.png", buf.getvalue())
    assert path.stat().st_size < 200_000
    with pytest.raises(InputFileError) as info:
        load_pages(path)
    assert "恶意" in info.value.title


def test_pillow_level_bomb_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_PIXELS", 10**12)   # only Pillow's own guard left
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    buf = io.BytesIO()
    Image.new("L", (1500, 1500), 255).save(buf, "PNG")   # > MAX_IMAGE_PIXELS: warning
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "warn.png", buf.getvalue()))
    buf = io.BytesIO()
    Image.new("L", (3000, 3000), 255).save(buf, "PNG")   # > 2 x: DecompressionBombError
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "error.png", buf.getvalue()))


def test_pdf_that_is_not_a_pdf(tmp_path):
    with pytest.raises(InputFileError) as info:
        load_pages(write(tmp_path / "fake.pdf", "这不是PDF，只是文字".encode()))
    assert "PDF" in info.value.title
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 100))


def test_file_larger_than_a_scan_can_be(tmp_path):
    path = tmp_path / "huge.jpg"
    with path.open("wb") as fh:
        fh.write(b"\xff\xd8\xff")
        fh.truncate(importer.MAX_FILE_BYTES + 1)         # sparse: no 50 MB written
    with pytest.raises(InputFileError) as info:
        load_pages(path)
    assert "50 MB" in info.value.title


def test_unknown_format(tmp_path):
    buf = io.BytesIO()
    text_page(50).save(buf, "GIF")
    with pytest.raises(InputFileError) as info:
        load_pages(write(tmp_path / "a.gif", buf.getvalue()))
    assert "格式" in info.value.title
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "notes.txt", b"hello"))


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError):
        load_pages(tmp_path / "nope.jpg")


def test_pdf_page_count_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_PAGES", 2)
    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    with pytest.raises(InputFileError):
        load_pages(write(tmp_path / "many.pdf", buf.getvalue()))
