"""Storing processed pages into a case.

Each page's file and thumbnail go into the blob store first (``put_bytes``
fsyncs before it returns); only then does one transaction record the pages on
the case's document. A crash in between leaves orphan blobs, never a page row
pointing at a missing file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scanning.pipeline import ProcessedPage
from workstation.documents import PageInput, attach_pages

if TYPE_CHECKING:
    from workstation.context import Context


def page_input(ctx: Context, page: ProcessedPage) -> PageInput:
    """Write the page's blobs and describe it for :func:`workstation.documents.attach_pages`."""
    sha = ctx.blobs.put_bytes(page.data)
    thumb = ctx.blobs.put_bytes(page.thumbnail) if page.thumbnail else None
    return PageInput(sha256=sha, content_type=page.content_type, size=len(page.data),
                     width=page.width, height=page.height, dpi=page.dpi,
                     thumb_sha256=thumb, blank_score=round(page.blank_score, 6))


def store_pages(ctx: Context, case_id: str, kind: str, pages: Sequence[ProcessedPage],
                user: str, doc_id: str | None = None) -> str:
    """Store the pages on the case's document of ``kind`` (or ``doc_id``); return its id."""
    inputs = [page_input(ctx, page) for page in pages]
    return attach_pages(ctx, case_id, kind, inputs, user, doc_id=doc_id)
