"""Checks of the frozen bundle itself, for scripts/smoke-frozen.sh.

The build leaves out and trims a great deal (build.spec, packaging/trim_linux.py);
these checks use, inside the bundle, what is left, so that a trim too many fails
the smoke test rather than a village office. Run by the frozen executable
(packaging/launcher.py) when ``WORKSTATION_BUNDLE_CHECK=1``::

    workstation samples DIR
        page files made with the bundle's own Pillow, for `workstation attach`:
        photo.jpg (a phone photo lying on its side), scan.png, pages.tif (two
        pages, LZW, through libtiff) and letter.pdf (two pages, for pdfium)
    workstation check CASE_ID USER DIR
        on that case, in the data directory of WORKSTATION_DATA_DIR: Qt's image
        plugins decode its stored pages; its receipt prints to PDF (QPdfWriter)
        and through a QPrinter (print support, CUPS plugin); it exports as one
        PDF (img2pdf); ICU sorts Chinese by pinyin and names time zones; and
        every shared library in the bundle loads.

One line per check; exit status 1 if any failed.
"""

from __future__ import annotations

import ctypes
import functools
import io
import os
import re
import sys
import traceback
import unicodedata
from pathlib import Path

RESULTS: list[bool] = []


def check(name):
    def wrap(fn):
        @functools.wraps(fn)
        def run(*args):
            try:
                detail = fn(*args)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then the next check runs
                RESULTS.append(False)
                print(f"FAIL {name}: {type(exc).__name__}: {exc}", flush=True)
                traceback.print_exc()
                return None
            RESULTS.append(True)
            print(f"ok   {name}: {detail}", flush=True)
            return detail
        return run
    return wrap


def samples(out: Path) -> int:
    from PIL import Image, ImageDraw

    out.mkdir(parents=True, exist_ok=True)

    def page(size, mode="L", lines=18):
        img = Image.new(mode, size, "white")
        draw = ImageDraw.Draw(img)
        w, h = size
        draw.rectangle([w // 12, h // 14, w - w // 12, h // 14 + h // 20], fill="black")
        for i in range(lines):
            y = h // 6 + i * (h * 2 // 3) // lines
            draw.line([w // 10, y, w - w // 8 - (i % 4) * w // 12, y], fill="black", width=max(2, h // 400))
        return img

    photo = page((1600, 1200), "RGB")  # landscape pixels, EXIF says: turn right
    exif = photo.getexif()
    exif[0x0112] = 6
    photo.save(out / "photo.jpg", quality=85, exif=exif)
    page((827, 1169)).save(out / "scan.png", dpi=(100, 100))
    a, b = page((827, 1169)), page((827, 1169), lines=9)
    a.save(out / "pages.tif", save_all=True, append_images=[b], compression="tiff_lzw", dpi=(100, 100))
    a.convert("RGB").save(out / "letter.pdf", save_all=True, append_images=[b.convert("RGB")], resolution=100)
    for path in sorted(out.iterdir()):
        print(f"{path.name}\t{path.stat().st_size}")
    return 0


def _loaded(fragment: str) -> bool:
    """Is a file whose path contains ``fragment`` mapped into this process (Linux)?"""
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        return any(fragment in line for line in maps)


def _is_elf(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def _pdf_text(path: Path) -> tuple[int, str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        count = len(pdf)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(count))
    finally:
        pdf.close()
    return count, re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def run_checks(case_id: str, user: str, out: Path) -> None:
    from PIL import Image
    from PySide6.QtCore import QByteArray, QCollator, QLocale, QStringDecoder, QTimeZone
    from PySide6.QtGui import QImage, QImageReader
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
    from PySide6.QtWidgets import QApplication

    from ui.printing import build_document, print_to_pdf
    from workstation.cases import get_case
    from workstation.context import Context
    from workstation.paths import resolve_data_dir

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    ctx = Context.open(resolve_data_dir())
    case = get_case(ctx, case_id)
    pages = [p for doc in case.documents for p in doc["pages"]]

    @check("platform plugin")
    def platform():
        name = app.platformName()
        assert _loaded(f"platforms/libq{name}.so"), f"libq{name}.so not loaded"
        return name

    @check("image plugins")
    def images():
        formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        missing = {"jpeg", "png", "tiff", "gif", "ico"} - formats
        assert not missing, f"missing {sorted(missing)}"
        assert pages, "the case has no pages"
        shas = [p["sha256"] for p in pages] + [p["thumb_sha256"] for p in pages if p["thumb_sha256"]]
        kinds = sorted({p["content_type"] for p in pages})
        for sha in shas:
            image = QImage.fromData(ctx.blobs.read(sha))
            assert not image.isNull(), f"Qt cannot decode stored page {sha[:12]}"
        for fmt, plugin in (("JPEG", "qjpeg"), ("TIFF", "qtiff"), ("GIF", "qgif"), ("ICO", "qico")):
            buf = io.BytesIO()
            Image.new("RGB", (32, 32), "red").save(buf, fmt)
            image = QImage.fromData(buf.getvalue(), fmt)  # type: ignore[arg-type]  # str at run time
            assert not image.isNull(), f"Qt cannot decode {fmt}"
            assert _loaded(f"imageformats/lib{plugin}.so"), f"lib{plugin}.so not loaded"
        return (f"{len(shas)} stored pages and thumbnails ({', '.join(kinds)}) decoded; "
                f"JPEG, TIFF, GIF, ICO through their plugins")

    @check("receipt as PDF")
    def receipt():
        path = print_to_pdf(ctx, case_id, "receipt", user, out / "receipt.pdf")
        count, text = _pdf_text(path)
        assert "受理回执" in text and case.local_no in text, text[:200]
        return f"{count} page(s), {path.stat().st_size} bytes, Chinese text and case number found"

    @check("printing")
    def printing():
        printers = QPrinterInfo.availablePrinterNames()
        assert _loaded("printsupport/libcupsprintersupport.so"), "CUPS print plugin not loaded"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out / "printer.pdf"))
        build_document(ctx, case_id, "notice", user).print_(printer)
        del printer
        count, text = _pdf_text(out / "printer.pdf")
        assert "一次性告知单" in text, text[:200]
        target = QPrinter()
        preview = QPrintPreviewDialog(target)
        del preview, target
        return f"QPrinter wrote {count} page(s); CUPS plugin loaded, {len(printers)} printer(s) known"

    @check("case as one PDF")
    def case_pdf():
        from scanning.pdf import export_case_pdf

        export_case_pdf(ctx, case_id, out=out / "case.pdf")
        count, _ = _pdf_text(out / "case.pdf")
        assert count == len(pages), f"{count} PDF pages for {len(pages)} stored pages"
        return f"{count} pages through img2pdf"

    @check("ICU")
    def icu():
        names = ["张三", "阿明", "王五", "李四"]
        zh = sorted(names, key=functools.cmp_to_key(
            QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China)).compare))
        assert zh == ["阿明", "李四", "王五", "张三"], f"not pinyin order: {zh}"
        en = sorted(["b", "B", "é", "a", "e", "A"], key=functools.cmp_to_key(
            QCollator(QLocale(QLocale.Language.English)).compare))
        assert en == ["a", "A", "b", "B", "e", "é"], en
        shanghai = QTimeZone(QByteArray(b"Asia/Shanghai"))
        zone = shanghai.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                    QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        assert zone == "中国标准时间", zone
        assert QStringDecoder("GB18030").isValid() and QStringDecoder("Big5").isValid()
        assert _loaded("libicudata.so"), "ICU not loaded"
        return f"{''.join(zh)} by pinyin; {zone}; GB18030 and Big5 codecs"

    @check("shared libraries")
    def libraries():
        assert hasattr(sys, "_MEIPASS"), "not running from a bundle"
        root = Path(sys._MEIPASS)  # type: ignore[attr-defined]
        files = sorted(p for p in root.rglob("*.so*") if p.is_file() and not p.is_symlink() and _is_elf(p))
        failed = []
        for path in files:
            try:
                ctypes.CDLL(str(path), mode=os.RTLD_NOW | os.RTLD_LOCAL)
            except OSError as exc:
                failed.append(str(exc))
        assert not failed, "\n  ".join(failed)
        return f"all {len(files)} load"

    for step in (platform, images, receipt, printing, case_pdf, icu, libraries):
        step()
    ctx.close()


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "samples":
        return samples(Path(argv[1]))
    if len(argv) == 4 and argv[0] == "check":
        run_checks(argv[1], argv[2], Path(argv[3]))
        failed = RESULTS.count(False)
        print(f"bundle check: {len(RESULTS) - failed} passed, {failed} failed", flush=True)
        return 1 if failed or not RESULTS else 0
    print(__doc__, file=sys.stderr)
    return 2
