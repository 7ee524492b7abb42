"""Importing cases from JSON or CSV: every good row stored, every bad row reported.

A row is bad when its service is unknown or a value it gives is wrong (an ID
number with a bad check digit, a phone that is no phone, a choice that does not
exist); nothing of a bad row is stored. Missing values are not bad: the row
becomes a draft, to be completed on screen. With ``ready=True`` a row that
validates completely, documents included, is stored as ready.
"""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation import audit, statuses
from workstation.accounts import acting_user
from workstation.cases import (
    APPLICANT_KEYS,
    CaseRow,
    case_row,
    derive_applicant,
    finish_cases,
    stage_cases,
)
from workstation.db import temp_store_in_memory
from workstation.documents import PageInput, attach_pages
from workstation.errors import InputFileError, NotFound, WorkstationError
from workstation.i18n import os_error, pick, t
from workstation.ids import new_case_id

if TYPE_CHECKING:
    import sqlite_utils

    from workstation.catalog import Catalog
    from workstation.context import Context
    from workstation.forms import FormDefinition

# A loader runs while the previous chunk is being written: it may store blobs
# but must not use the database connection.
PageLoader = Callable[["Context", Path], list[PageInput]]
CHUNK = 10_000  # rows checked while the ones before are written
COMMIT_ROWS = 40_000  # rows a transaction: about 2 s of holding the write lock
REQUIRED_MISSING = {"required"}


@dataclass
class RowProblem:
    row: int
    message: str


@dataclass
class ImportResult:
    case_ids: list[str] = field(default_factory=list)
    ready: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    record: dict[str, Any]


def read_records(path: Path) -> list[_Row]:
    """Rows from a JSON list or a CSV file, with the numbers a person would count."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(t("无法读取文件", "Cannot read the file"),
                             f"{path}: {os_error(exc, with_file=False)}") from exc
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    if path.suffix.lower() == ".csv":
        return list(_csv_rows(text))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(t("JSON 文件格式错误", "The JSON file is malformed"),
                             t(f"第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}",
                               f"line {exc.lineno}, column {exc.colno}: {exc.msg}")) from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputFileError(t("JSON 文件格式错误", "The JSON file is malformed"),
                             t("应为办件对象的列表。", "Expected a list of case objects."))
    return [_Row(i + 1, r) for i, r in enumerate(data)]


def _csv_rows(text: str) -> Iterator[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    for line_no, row in enumerate(reader, start=2):
        applicant: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for column, value in row.items():
            if column is None or value is None or value.strip() == "":
                continue
            key = column.strip()
            head, _, rest = key.partition(".")
            if head == "applicant" and rest:
                applicant[rest] = value.strip()
            elif head == "fields" and rest:
                fields[rest] = value.strip()
            elif key in APPLICANT_KEYS:
                applicant[key] = value.strip()
            elif key != "service_code":
                fields[key] = value.strip()
        yield _Row(line_no, {"service_code": (row.get("service_code") or "").strip(),
                             "applicant": applicant, "fields": fields})


def import_file(ctx: Context, path: Path, user: str, ready: bool = False,
                load_pages: PageLoader | None = None) -> ImportResult:
    ctx.require_initialized()
    rows = read_records(path)
    return import_rows(ctx, rows, user, ready, load_pages or raw_page_loader, base=path.parent)


def import_rows(ctx: Context, rows: list[_Row], user: str, ready: bool,
                load_pages: PageLoader, base: Path = Path(".")) -> ImportResult:
    """Check rows a chunk at a time and store them, up to COMMIT_ROWS a transaction.

    While one chunk's rows go into their indexes (SQLite's work, done in a
    writer thread without Python's lock), the next chunk is checked: on two
    cores the two overlap. A transaction spans several chunks because every
    commit writes out each index page that changed, and new ID numbers, phones
    and names fall all over their indexes. Ids enter the result once committed.
    """
    actor = acting_user(ctx.db, user)
    result = ImportResult()
    forms = _Forms(ctx.catalog)  # read now: checking must not use the connection the writer uses
    with _collector_paused(), temp_store_in_memory(ctx.db), \
            ThreadPoolExecutor(1, thread_name_prefix="import-writer") as pool:
        writer = _Writer(ctx.db, pool, result)
        try:
            for start in range(0, len(rows), CHUNK):
                end = min(start + CHUNK, len(rows))
                prepared = []
                for row in rows[start:end]:
                    try:
                        prepared.append(_prepare(ctx, forms, row, ready, load_pages, base))
                    except WorkstationError as exc:
                        result.problems.append(RowProblem(row.number, f"{exc.title}: {exc.message}".rstrip(": ")))
                writer.wait()
                _store(ctx, prepared, actor, writer, last=end == len(rows))
            writer.wait()
            writer.commit()
        except BaseException:
            writer.abandon()
            raise
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import runs, then as it was.

    An import makes no cycles, but its many new objects set the collector off
    again and again, and each pass walks every object alive (the rows read
    included): 3 µs a case, and passes of up to 80 ms during which the writer
    thread cannot start its next statement."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Prepared:
    case_id: str
    row: CaseRow
    pages: dict[str, list[PageInput]]
    ready: bool


def _prepare(ctx: Context, forms: _Forms, row: _Row, want_ready: bool,
             load_pages: PageLoader, base: Path) -> _Prepared:
    record = row.record
    if not isinstance(record, dict):
        raise InputFileError(t("格式错误", "Malformed row"), t("每个办件应为一个对象。", "Each case must be an object."))
    form = forms.get(record.get("service_code"))
    applicant_in = record.get("applicant") or {}
    fields_in = record.get("fields") or {}
    if not isinstance(applicant_in, dict) or not isinstance(fields_in, dict):
        raise InputFileError(t("格式错误", "Malformed row"),
                             t("applicant 和 fields 必须是对象。", "applicant and fields must be objects."))
    applicant, fields, all_errors = form.validate_case(applicant_in, fields_in)
    errors = [e for e in all_errors if e.blocking]
    wrong = [e for e in errors if e.code not in REQUIRED_MISSING]
    if wrong:
        raise InputFileError(t("数据有误", "Wrong values"), "; ".join(e.message for e in wrong[:5]))
    docs = record.get("documents")
    pages = _load_documents(ctx, docs, load_pages, base) if docs else {}
    ready = want_ready and not errors and not form.missing_documents(
        fields, {kind: len(p) for kind, p in pages.items()})
    if errors:  # a draft keeps what was given, to be completed on screen
        applicant = derive_applicant({**applicant_in, **applicant})
        fields = {**fields_in, **fields}
    case_id = new_case_id()
    return _Prepared(case_id, case_row(case_id, form.code, form.version, applicant, fields), pages, ready)


def _load_documents(ctx: Context, docs: Any, load_pages: PageLoader, base: Path) -> dict[str, list[PageInput]]:
    if not isinstance(docs, list):
        raise InputFileError(t("格式错误", "Malformed row"), t("documents 必须是列表。", "documents must be a list."))
    pages: dict[str, list[PageInput]] = {}
    for doc in docs:
        kind = str(doc.get("kind") or "") if isinstance(doc, dict) else ""
        if not kind:
            raise InputFileError(t("格式错误", "Malformed row"), t("材料缺少 kind。", "A document has no kind."))
        for name in doc.get("files") or []:
            path = Path(name) if Path(name).is_absolute() else base / name
            pages.setdefault(kind, []).extend(load_pages(ctx, path))
    return pages


class _Forms:
    """The latest version of each service, looked up once per import."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_code: dict[str, FormDefinition] = {}

    def get(self, given: Any) -> FormDefinition:
        code = str(given or "")
        form = self.by_code.get(code)
        if form is None:
            try:
                form = self.by_code[code] = self.catalog.get(code)
            except NotFound as exc:
                raise InputFileError(t("未知事项", "Unknown service"),
                                     t(f"事项代码“{given}”不在事项目录中。",
                                       f"Service code '{given}' is not in the catalog.")) from exc
        return form


class _Writer:
    """The import's open transaction, and the thread that writes into it."""

    def __init__(self, db: sqlite_utils.Database, pool: ThreadPoolExecutor, result: ImportResult) -> None:
        self.db, self.pool, self.result = db, pool, result
        self.outer = db.conn.in_transaction  # then the caller commits, as with write()
        self.job: Future[None] | None = None
        self.uncommitted: list[str] = []  # ids of the rows written but not committed
        self.ready: list[str] = []  # of those, the ones stored as ready

    def begin(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def finish_in_thread(self, prepared: list[_Prepared], commit: bool) -> None:
        self.add(prepared)
        self.job = self.pool.submit(self._finish, commit)

    def _finish(self, commit: bool) -> None:
        finish_cases(self.db)
        if commit:
            self.db.execute("COMMIT")

    def wait(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.result()  # what the writer raised, raised here; abandon() rolls back
        if self.outer or not self.db.conn.in_transaction:
            self._committed()

    def commit(self) -> None:
        if not self.outer and self.db.conn.in_transaction:
            self.db.execute("COMMIT")
        self._committed()

    def _committed(self) -> None:
        self.result.case_ids += self.uncommitted
        self.result.ready += self.ready
        self.uncommitted, self.ready = [], []

    def add(self, prepared: list[_Prepared]) -> None:
        """List a chunk's ids as it is written: listing 40,000 after their commit added to the wait for it."""
        self.uncommitted += [p.case_id for p in prepared]
        self.ready += [p.case_id for p in prepared if p.ready]

    def abandon(self) -> None:
        if self.job is not None:
            wait([self.job])
        if not self.outer and self.db.conn.in_transaction:
            self.db.execute("ROLLBACK")


def _store(ctx: Context, prepared: list[_Prepared], actor: Any, writer: _Writer, last: bool) -> None:
    """Stage a chunk in the open transaction; the writer thread moves it in (and commits).

    Documents and ready cases need the case rows first: such a chunk is
    written here and now. So is every chunk inside a caller's transaction.
    """
    if not prepared:
        return
    writer.begin()
    stage_cases(ctx, [p.row for p in prepared], actor, action="case.import")
    commit = last or len(writer.uncommitted) + len(prepared) >= COMMIT_ROWS
    if not writer.outer and not any(p.pages or p.ready for p in prepared):
        writer.finish_in_thread(prepared, commit)
        return
    finish_cases(ctx.db)
    for p in prepared:
        for kind, pages in p.pages.items():
            attach_pages(ctx, p.case_id, kind, pages, actor.username)
    _mark_ready_bulk(ctx, [p.case_id for p in prepared if p.ready], actor.username)
    writer.add(prepared)
    if commit:
        writer.commit()


def _mark_ready_bulk(ctx: Context, ids: list[str], user: str) -> None:
    if not ids:
        return
    ctx.db.conn.executemany("UPDATE cases SET status = ?, ready_at = updated_at WHERE case_id = ?",
                            [(statuses.READY, i) for i in ids])
    audit.append_many(ctx.db, [audit.AuditEntry(user, "case.ready", i, {"revision": 1}) for i in ids])


CONTENT_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"II*\x00": "image/tiff",
                 b"MM\x00*": "image/tiff", b"%PDF": "application/pdf"}


def raw_page_loader(ctx: Context, path: Path) -> list[PageInput]:
    """Store a file as one page as it is (the scanning layer offers a loader that processes images)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise InputFileError(t("无法读取材料文件", "Cannot read a material file"),
                             f"{path}: {os_error(exc, with_file=False)}") from exc
    content_type = next((ct for magic, ct in CONTENT_TYPES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InputFileError(t("不支持的文件类型", "Unsupported file type"),
                             t(f"{path.name} 不是 JPEG、PNG、TIFF 或 PDF 文件。",
                               f"{path.name} is not a JPEG, PNG, TIFF or PDF file."))
    sha = ctx.blobs.put_file(path)
    return [PageInput(sha, content_type, ctx.blobs.size(sha))]


def describe_row_problem(problem: RowProblem) -> str:
    return t(f"第 {problem.row} 行：{problem.message}", f"row {problem.row}: {problem.message}")


__all__ = ["import_file", "ImportResult", "RowProblem", "raw_page_loader", "describe_row_problem", "pick"]
