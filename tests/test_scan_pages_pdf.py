"""Page-strip operations and PDF export."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from scanning import pages as ops
from scanning.pdf import export_pdf
from scanning.pipeline import process_image
from scanning.profiles import ScanProfile
from workstation.errors import InputFileError

from .scanning_helpers import blank_page, text_page


@pytest.fixture(scope="module")
def batch():
    gray = process_image(text_page(100, seed=1), 100, ScanProfile(store_as="gray"))
    colour = process_image(text_page(100, seed=2, seal=True), 100)
    bits = process_image(text_page(100, seed=3), 100, ScanProfile(store_as="bilevel"))
    blank = process_image(blank_page(100), 100)
    return [gray, colour, bits, blank]


def test_page_kinds(batch):
    assert [p.content_type for p in batch[:3]] == ["image/jpeg", "image/jpeg", "image/png"]
    assert batch[3].is_blank


def test_rotate_move_delete_replace(batch):
    turned = ops.rotate(batch, 0, 1)
    assert (turned[0].width, turned[0].height) == (batch[0].height, batch[0].width)
    assert turned[0].quarter_turns == 1 and turned[1] is batch[1] and batch[0].quarter_turns == 0
    back = ops.rotate(ops.rotate(turned, 0, 2), 0, 1)
    assert (back[0].width, back[0].height) == (batch[0].width, batch[0].height)
    assert ops.rotate(batch, 2, -1)[2].content_type == "image/png"
    assert Image.open(io.BytesIO(ops.rotate(batch, 2, 1)[2].data)).mode == "1"
    assert ops.move(batch, 3, 0) == [batch[3], batch[0], batch[1], batch[2]]
    assert ops.reorder(batch, [2, 0, 3, 1]) == [batch[2], batch[0], batch[3], batch[1]]
    assert ops.delete(batch, 1) == [batch[0], batch[2], batch[3]]
    assert ops.replace(batch, 2, batch[0])[2] is batch[0]
    assert ops.insert(batch, 4, [batch[0]])[-1] is batch[0]
    assert ops.blank_indexes(batch) == [3]
    assert ops.drop_blank(batch) == batch[:3]
    with pytest.raises(IndexError):
        ops.delete(batch, 4)
    with pytest.raises(ValueError):
        ops.reorder(batch, [0, 0, 1, 2])


def test_pdf_export_keeps_jpeg_bytes_and_page_sizes(batch, tmp_path):
    out = tmp_path / "case.pdf"
    pdf = export_pdf(batch, out)
    assert out.read_bytes() == pdf
    for page in batch:
        if page.content_type == "image/jpeg":
            assert page.data in pdf                   # embedded without re-encoding
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == len(batch)
    width_pt, height_pt = doc[0].get_size()
    assert abs(width_pt - batch[0].width / 100 * 72) < 1
    assert abs(height_pt - batch[0].height / 100 * 72) < 1


def test_pdf_export_of_nothing_or_garbage():
    with pytest.raises(InputFileError):
        export_pdf([])
    with pytest.raises(InputFileError):
        export_pdf([b"not an image"])
