"""Importing page files: JPEG, PNG, TIFF (multi-page), PDF and phone photos.

Everything a file brings is distrusted: the size is checked before reading,
the format is taken from the first bytes (never the name), the pixel count
is checked before decoding, and each image is decoded in full so that a
truncated file fails here, with a clear :class:`InputFileError`, and nothing is
stored. Phone photos are turned upright from their EXIF orientation.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from scanning.memory import release_freed_memory
from scanning.pipeline import ProcessedPage, process_image
from scanning.profiles import ScanProfile
from workstation.errors import InputFileError
from workstation.i18n import t

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 60_000_000          # per page: A4 at 600 dpi colour is 35 MP
MAX_PAGES = 300
PDF_DPI = 200
A4_LONG_INCH = 297 / 25.4

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF-", "PDF"),
)


def _fail(zh: str, en: str, path: Path | str) -> InputFileError:
    return InputFileError(t(zh, en), str(path))


def sniff(head: bytes) -> str | None:
    """The format from a file's first bytes: JPEG, PNG, TIFF or PDF."""
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return fmt
    if b"%PDF-" in head[:1024]:      # some PDFs have junk before the header
        return "PDF"
    return None


def read_checked(path: Path) -> tuple[bytes, str]:
    """The file's bytes and format, after the size and type checks."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail("无法读取文件", "Cannot read the file", path) from exc
    if size == 0:
        raise _fail("文件是空的（0 字节）", "The file is empty (0 bytes)", path)
    if size > MAX_FILE_BYTES:
        raise _fail("文件太大，不像是扫描件（超过 50 MB）",
                    "The file is too large for a scan (over 50 MB)", path)
    data = path.read_bytes()
    fmt = sniff(data[:1024])
    if fmt is None:
        if path.suffix.lower() == ".pdf":
            raise _fail("这个文件不是有效的 PDF", "This file is not a valid PDF", path)
        raise _fail("不支持的文件格式（请用 JPG、PNG、TIFF 或 PDF）",
                    "Unsupported file format (use JPG, PNG, TIFF or PDF)", path)
    return data, fmt


def _dpi_of(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 100 <= value <= 1200 else None   # 72 dpi from a phone means nothing


def guess_dpi(image: Image.Image) -> int:
    """The file's DPI, or one that makes the longer side as long as A4."""
    return _dpi_of(image) or max(72, int(round(max(image.size) / A4_LONG_INCH)))


def _check_pixels(image: Image.Image, name: Path | str) -> None:
    if image.width * image.height > MAX_PIXELS or image.width <= 0 or image.height <= 0:
        raise _fail("图片尺寸过大或无效，已拒绝（可能是恶意文件）",
                    "Image dimensions too large or invalid; refused (possibly a hostile file)",
                    name)


def load_images(path: Path | str) -> list[tuple[Image.Image, int]]:
    """Decoded pages of a file as ``(image, dpi)``; raises InputFileError."""
    path = Path(path)
    data, fmt = read_checked(path)
    if fmt == "PDF":
        return _pdf_images(data, path)
    return _raster_images(data, fmt, path)


def _raster_images(data: bytes, fmt: str, path: Path) -> list[tuple[Image.Image, int]]:
    pages: list[tuple[Image.Image, int]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)     # e.g. "Corrupt EXIF data"
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                frames = ImageSequence.Iterator(img) if fmt == "TIFF" else [img]
                for frame in frames:
                    if len(pages) >= MAX_PAGES:
                        raise _fail("页数太多", "Too many pages in one file", path)
                    _check_pixels(frame, path)
                    frame.load()                      # full decode: truncation fails here
                    # a new image either way (turned, or copied when upright):
                    # a TIFF's next frame reuses ``frame``
                    page = ImageOps.exif_transpose(frame)
                    pages.append((page, guess_dpi(frame)))
    except InputFileError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail("图片像素过多，已拒绝（可能是恶意文件）",
                    "Too many pixels; refused (possibly a hostile file)", path) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError,
            TypeError, MemoryError) as exc:
        raise _fail("图片文件已损坏或不完整", "The image file is damaged or incomplete",
                    path) from exc
    if not pages:
        raise _fail("文件里没有图片", "The file holds no image", path)
    return pages


def _pdf_images(data: bytes, path: Path, dpi: int = PDF_DPI) -> list[tuple[Image.Image, int]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _fail("PDF 文件已损坏、加密或不是 PDF", "The PDF is damaged, encrypted or not a PDF",
                    path) from exc
    try:
        count = len(pdf)
        if count == 0:
            raise _fail("PDF 里没有页面", "The PDF has no pages", path)
        if count > MAX_PAGES:
            raise _fail("页数太多", "Too many pages in one file", path)
        pages = []
        for index in range(count):
            page = pdf[index]
            try:
                width_pt, height_pt = page.get_size()
                page_dpi = dpi
                pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
                if pixels > MAX_PIXELS:      # a huge page: render at what fits
                    page_dpi = max(1, int(dpi * (MAX_PIXELS / pixels) ** 0.5))
                bitmap = page.render(scale=page_dpi / 72)
                image = bitmap.to_pil().convert("RGB")
                image.info["dpi"] = (page_dpi, page_dpi)
                pages.append((image, page_dpi))
            finally:
                page.close()
        return pages
    except pdfium.PdfiumError as exc:
        raise _fail("PDF 页面无法读取", "A PDF page cannot be read", path) from exc
    finally:
        pdf.close()


def load_pages(path: Path | str, profile: ScanProfile | None = None) -> list[ProcessedPage]:
    """Every page of a file through the pipeline, ready for :func:`scanning.attach.store_pages`.

    An imported file is not on a scanner background, and PDF pages are already
    straight: cropping and deskewing still run but find nothing to do on clean input.
    """
    try:
        return [process_image(image, dpi, profile) for image, dpi in load_images(path)]
    finally:
        release_freed_memory()
