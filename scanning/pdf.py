"""One PDF from stored pages, with img2pdf: JPEG pages go in byte for byte.

img2pdf embeds JPEG data unchanged (DCTDecode) and PNG data without
re-encoding where the format allows; each page is as large as its pixels at
its DPI, so an A4 scan at 200 dpi gives an A4 page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import img2pdf

from scanning.pipeline import ProcessedPage
from workstation.documents import case_documents
from workstation.errors import InputFileError
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context


def export_pdf(pages: Sequence[bytes | ProcessedPage], out: Path | None = None,
               title: str | None = None) -> bytes:
    """The pages (encoded bytes or processed pages) as one PDF; also written to ``out``."""
    blobs = [p.data if isinstance(p, ProcessedPage) else bytes(p) for p in pages]
    if not blobs:
        raise InputFileError(t("没有可导出的页面", "No pages to export"))
    try:
        pdf = img2pdf.convert(blobs, title=title, producer="township-workstation",
                              creator="township-workstation", nodate=True)
    except (img2pdf.ImageOpenError, ValueError, OSError) as exc:
        raise InputFileError(t("页面文件无法放进 PDF", "A page cannot be put into the PDF"),
                             str(exc)) from exc
    assert pdf is not None
    if out is not None:
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(pdf)
        tmp.replace(out)
    return pdf


def case_page_shas(ctx: Context, case_id: str, doc_id: str | None = None) -> list[str]:
    """The page blobs of a case (or of one document of it), in document then page order."""
    shas: list[str] = []
    for doc in case_documents(ctx.db, case_id):
        if doc_id is None or doc["doc_id"] == doc_id:
            shas.extend(page["sha256"] for page in doc["pages"])
    return shas


def export_case_pdf(ctx: Context, case_id: str, doc_id: str | None = None,
                    out: Path | None = None) -> bytes:
    """A whole case (or one of its documents) as one PDF, from the blob store."""
    shas = case_page_shas(ctx, case_id, doc_id)
    return export_pdf(_read_all(ctx, shas), out, title=case_id)


def _read_all(ctx: Context, shas: Iterable[str]) -> list[bytes]:
    return [ctx.blobs.read(sha) for sha in shas]
