"""Documents of a case (one per kind of material) and their ordered pages.

Page files are blobs; their bytes must already be in the blob store when a
page row is written (``BlobStore.put_bytes`` fsyncs before returning), so a
committed page never points at a file that is not on disk.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workstation import audit, statuses
from workstation.accounts import acting_user
from workstation.case_access import check_can_edit
from workstation.cases import load_case
from workstation.clock import now_iso
from workstation.db import write
from workstation.errors import BlobError, NotFound, ValidationFailed
from workstation.i18n import t

if TYPE_CHECKING:
    import sqlite_utils

    from workstation.context import Context


@dataclass(frozen=True)
class PageInput:
    sha256: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    dpi: int | None = None
    thumb_sha256: str | None = None
    blank_score: float | None = None


def attach_pages(ctx: Context, case_id: str, kind: str, pages: list[PageInput], user: str,
                 doc_id: str | None = None) -> str:
    """Add pages to the case's document of ``kind`` (or to ``doc_id``); return the doc id."""
    if not pages:
        raise ValidationFailed(t("没有页面", "No pages"), t("请至少添加一页。", "Add at least one page."))
    actor = acting_user(ctx.db, user)
    _check_blobs_present(ctx, pages)
    with write(ctx.db):
        case = load_case(ctx.db, case_id)
        check_can_edit(actor, case.captured_by)
        statuses.check_editable(case.status)
        doc_id = doc_id or _document_of_kind(ctx.db, case_id, kind) or _new_document(
            ctx.db, case_id, kind, actor.username)
        start = _next_position(ctx.db, doc_id)
        thumbs = {p.thumb_sha256: ctx.blobs.size(p.thumb_sha256) for p in pages if p.thumb_sha256}
        _insert_pages(ctx.db, doc_id, start, pages, thumbs)
        _touch_case(ctx.db, case_id, case.status)
        audit.append(ctx.db, actor.username, "document.attach", case_id,
                     {"doc_id": doc_id, "kind": kind, "pages": len(pages)})
    return doc_id


def _check_blobs_present(ctx: Context, pages: list[PageInput]) -> None:
    for page in pages:
        for sha in filter(None, (page.sha256, page.thumb_sha256)):
            if not ctx.blobs.has(sha):
                raise BlobError(t("页面文件未保存", "Page file not stored"),
                                t("请先保存页面文件再登记。", "Store the page file before recording it."))


def _document_of_kind(db: sqlite_utils.Database, case_id: str, kind: str) -> str | None:
    row = db.execute("SELECT doc_id FROM documents WHERE case_id = ? AND kind = ?"
                     " ORDER BY created_at LIMIT 1", [case_id, kind]).fetchone()
    return row[0] if row else None


def _new_document(db: sqlite_utils.Database, case_id: str, kind: str, user: str) -> str:
    doc_id = uuid.uuid4().hex[:12]
    db.execute("INSERT INTO documents (doc_id, case_id, kind, created_at, created_by)"
               " VALUES (?, ?, ?, ?, ?)", [doc_id, case_id, kind, now_iso(), user])
    return doc_id


def _next_position(db: sqlite_utils.Database, doc_id: str) -> int:
    row = db.execute("SELECT COALESCE(MAX(position), 0) FROM pages WHERE doc_id = ?", [doc_id]).fetchone()
    return int(row[0]) + 1


def _insert_pages(db: sqlite_utils.Database, doc_id: str, start: int, pages: list[PageInput],
                  thumb_sizes: dict[str, int] | None = None) -> None:
    at = now_iso()
    for page in pages:
        db.execute("INSERT OR IGNORE INTO blobs (sha256, size, content_type, created_at)"
                   " VALUES (?, ?, ?, ?)", [page.sha256, page.size, page.content_type, at])
        if page.thumb_sha256:
            size = (thumb_sizes or {}).get(page.thumb_sha256, 0)
            db.execute("INSERT OR IGNORE INTO blobs (sha256, size, content_type, created_at)"
                       " VALUES (?, ?, 'image/jpeg', ?)", [page.thumb_sha256, size, at])
    db.conn.executemany(
        "INSERT INTO pages (doc_id, position, sha256, content_type, size, width, height, dpi,"
        " thumb_sha256, blank_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, start + i, p.sha256, p.content_type, p.size, p.width, p.height, p.dpi,
          p.thumb_sha256, p.blank_score) for i, p in enumerate(pages)])


def _touch_case(db: sqlite_utils.Database, case_id: str, status: str) -> None:
    # A document change to a case being sent puts it back in the queue (see cases.update_case).
    new_status = statuses.READY if status == statuses.SENDING else status
    db.execute("UPDATE cases SET updated_at = ?, edit_seq = edit_seq + 1, status = ? WHERE case_id = ?",
               [now_iso(), new_status, case_id])


def case_documents(db: sqlite_utils.Database, case_id: str) -> list[dict[str, Any]]:
    docs = []
    for doc_id, kind, created_at in db.execute(
            "SELECT doc_id, kind, created_at FROM documents WHERE case_id = ? ORDER BY created_at, doc_id",
            [case_id]).fetchall():
        pages = [
            {"position": r[0], "sha256": r[1], "content_type": r[2], "bytes": r[3], "width": r[4],
             "height": r[5], "dpi": r[6], "thumb_sha256": r[7], "blank_score": r[8]}
            for r in db.execute("SELECT position, sha256, content_type, size, width, height, dpi,"
                                " thumb_sha256, blank_score FROM pages WHERE doc_id = ? ORDER BY position",
                                [doc_id])]
        docs.append({"doc_id": doc_id, "kind": kind, "created_at": created_at, "pages": pages})
    return docs


def set_page_order(ctx: Context, doc_id: str, shas_in_order: list[str], user: str) -> None:
    """Reorder or delete pages: the document keeps exactly the listed pages, in that order."""
    actor = acting_user(ctx.db, user)
    with write(ctx.db):
        row = ctx.db.execute("SELECT case_id FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        if row is None:
            raise NotFound(t("找不到材料", "Document not found"), doc_id)
        case = load_case(ctx.db, row[0])
        check_can_edit(actor, case.captured_by)
        statuses.check_editable(case.status)
        current = {r[0]: r for r in ctx.db.execute(
            "SELECT sha256, content_type, size, width, height, dpi, thumb_sha256, blank_score"
            " FROM pages WHERE doc_id = ?", [doc_id])}
        unknown = [s for s in shas_in_order if s not in current]
        if unknown:
            raise ValidationFailed(t("页面不属于此材料", "Page not in this document"), unknown[0][:12])
        ctx.db.execute("DELETE FROM pages WHERE doc_id = ?", [doc_id])
        pages = [PageInput(*current[s]) for s in shas_in_order]
        _insert_pages(ctx.db, doc_id, 1, pages)
        if not pages:
            ctx.db.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
        _touch_case(ctx.db, case.case_id, case.status)
        audit.append(ctx.db, actor.username, "document.pages", case.case_id,
                     {"doc_id": doc_id, "pages": len(pages), "removed": len(current) - len(pages)})


def replace_page(ctx: Context, doc_id: str, old_sha: str, new: PageInput, user: str) -> None:
    """Re-scan or rotate one page: the new page takes the old one's place."""
    rows = ctx.db.execute("SELECT sha256 FROM pages WHERE doc_id = ? ORDER BY position", [doc_id]).fetchall()
    order = [r[0] for r in rows]
    if old_sha not in order:
        raise NotFound(t("找不到页面", "Page not found"), old_sha[:12])
    attach_doc_case = ctx.db.execute("SELECT case_id, kind FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    with write(ctx.db):
        attach_pages(ctx, attach_doc_case[0], attach_doc_case[1], [new], user, doc_id=doc_id)
        order[order.index(old_sha)] = new.sha256
        set_page_order(ctx, doc_id, order, user)
