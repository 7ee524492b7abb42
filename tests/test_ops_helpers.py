"""Helpers for the operations tests: real stores with cases and pages, closed or open."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import OFFICE, PASSWORD, sample_applicant, sample_fields

SERVICE = "rural_pension_enrollment"
APPLICANTS = [
    sample_applicant(),
    sample_applicant(name="李秀兰", id_number="34082219620817004X", phone="13856781234",
                     address="杏花村五组33号"),
    sample_applicant(name="欧阳建国", id_number="340822197001010018", phone="15955512345",
                     address="梨花村二组7号"),
]


def open_store(data_dir: Path, encrypt: bool | None = None):  # type: ignore[no-untyped-def]
    from workstation import accounts
    from workstation.context import Context
    from workstation.office import init_office

    ctx = Context.open(data_dir, encrypt=encrypt) if encrypt is not None else Context.open(data_dir)
    if not ctx.initialized:
        init_office(ctx, OFFICE, "桃花村便民服务站", "admin", PASSWORD)
        accounts.add_user(ctx.db, "clerk1", "clerk", PASSWORD, actor="admin")
        accounts.add_user(ctx.db, "agent1", "village_agent", PASSWORD, actor="admin")
    return ctx


def add_case(ctx: Any, applicant: dict[str, Any], pages: int = 1, seed: bytes = b"") -> str:
    """A draft with ``pages`` distinct scanned pages (random bytes stand in for images)."""
    from workstation.cases import create_case
    from workstation.documents import PageInput, attach_pages

    case_id = create_case(ctx, SERVICE, applicant, sample_fields(SERVICE), "agent1")
    inputs = []
    for _ in range(pages):
        data = seed + os.urandom(2048)
        inputs.append(PageInput(ctx.blobs.put_bytes(data), "image/jpeg", len(data)))
    if inputs:
        attach_pages(ctx, case_id, "id_card", inputs, "agent1")
    return case_id


def make_store(data_dir: Path, encrypt: bool = False) -> list[str]:
    """A closed store with one case (two pages each) per applicant in APPLICANTS.

    Plain unless asked: these tests damage and read the database file directly;
    the encrypted paths have tests of their own.
    """
    ctx = open_store(data_dir, encrypt)
    try:
        return [add_case(ctx, applicant, pages=2) for applicant in APPLICANTS]
    finally:
        ctx.close()


def page_shas(db_file: Path, key: bytes | None = None) -> list[str]:
    from workstation.ops_store import open_readonly

    conn = open_readonly(db_file, key)
    try:
        return [r[0] for r in conn.execute("SELECT sha256 FROM pages ORDER BY sha256")]
    finally:
        conn.close()


def blob_file(data_dir: Path, sha: str) -> Path:
    return data_dir / "blobs" / sha[:2] / sha[2:4] / sha


def damage_table_page(db_file: Path, table: str = "cases") -> None:
    """Overwrite the b-tree header of ``table``'s root page, as a bad sector would."""
    conn = sqlite3.connect(db_file)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    conn.close()
    data = bytearray(db_file.read_bytes())
    start = (root - 1) * page_size
    data[start:start + 12] = b"\x07\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
    db_file.write_bytes(bytes(data))


def reset_logging() -> None:
    from workstation.ops_logging import DataDirFileHandler

    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, DataDirFileHandler)]:
        root.removeHandler(handler)
        handler.close()
