"""Printing the applicant's papers on A4, to a printer or a PDF file; every print is audited.

A QTextDocument lays the HTML from :mod:`ui.receipt` out on A4 and paints it
on a QPrinter or a QPdfWriter alike, so the PDF is exactly what the printer
gets. Official papers use a Song (serif) face when one is installed.
"""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
from PySide6.QtCore import QCoreApplication, QMarginsF, QUrl
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.receipt import DOCUMENTS, QR_NAME, TITLES, case_numbers
from ui.state import AppState
from ui.theme import FONT_FAMILIES
from workstation import audit
from workstation.cases import get_case
from workstation.context import Context
from workstation.db import write

# A Latin face first: Qt's PDF text map loses digits set in the CFF-based Noto CJK
# fonts, and the case number must stay searchable and copyable in the PDF.
PRINT_FONTS = ["Times New Roman", "DejaVu Serif", "SimSun", "Songti SC", "Noto Serif CJK SC",
               "Source Han Serif SC", *FONT_FAMILIES]
MARGIN_MM = 18


def qr_image(text: str) -> QImage:
    """The QR code as a QImage (qrcode draws with PIL; PNG bytes carry it across)."""
    code = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    buf = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buf, "PNG")
    return QImage.fromData(buf.getvalue())


def build_document(ctx: Context, case_id: str, which: str, user: str) -> QTextDocument:
    """``which`` is receipt, notice or privacy."""
    case = get_case(ctx, case_id, with_documents=False)
    form = ctx.catalog.get(case.service_code, case.form_version)
    doc = QTextDocument()
    font = QFont()
    font.setFamilies(PRINT_FONTS)
    font.setPointSize(11)
    doc.setDefaultFont(font)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_NAME),
                    qr_image(case_numbers(case)))
    doc.setHtml(DOCUMENTS[which](ctx, case, form, user))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLES[which])
    return doc


def _a4_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                       QPageLayout.Unit.Millimeter)


def write_pdf(doc: QTextDocument, path: Path) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(_a4_layout())
    writer.setResolution(300)
    writer.setTitle(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setCreator("township-workstation")
    doc.print_(writer)
    del writer  # the file is complete once the writer is gone
    return path


def audit_print(ctx: Context, user: str, case_id: str, which: str, target: str) -> None:
    with write(ctx.db):
        audit.append(ctx.db, user, "case.print", case_id, {"document": which, "to": target})


def print_to_pdf(ctx: Context, case_id: str, which: str, user: str, path: Path) -> Path:
    """Render one paper to a PDF file and record it."""
    write_pdf(build_document(ctx, case_id, which, user), Path(path))
    audit_print(ctx, user, case_id, which, "pdf")
    return Path(path)


def print_with_preview(state: AppState, case_id: str, which: str,
                       parent: QWidget | None = None) -> bool:
    """Show the paper as it will print; the clerk prints from the preview (or cancels)."""
    doc = build_document(state.ctx, case_id, which, state.username)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_a4_layout())
    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(QCoreApplication.translate("Printing", "打印预览：%1").replace("%1", TITLES[which]))
    preview.paintRequested.connect(lambda p: doc.print_(p))
    if preview.exec():
        audit_print(state.ctx, state.username, case_id, which, "printer")
        return True
    return False


def save_pdf_dialog(state: AppState, case_id: str, which: str,
                    parent: QWidget | None = None) -> Path | None:
    case = get_case(state.ctx, case_id, with_documents=False)
    suggested = str(Path.home() / f"{TITLES[which]}-{case.local_no}.pdf")
    path, _filter = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("Printing", "保存为 PDF 文件"), suggested,
                                                QCoreApplication.translate("Printing", "PDF 文件 (*.pdf)"))
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    return print_to_pdf(state.ctx, case_id, which, state.username, Path(path))
