"""Finding cases: search, filters, sorting, counts.

A query of Chinese characters matches names anywhere (a two-character query is
a whole name, so no full-text tokenizer with a three-character minimum can do
it); digits match ID-number and phone prefixes through their indexes; other
text matches case numbers. Lists return ids first so that a view can load rows
only when they are shown.
"""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workstation.accounts import User

if TYPE_CHECKING:
    import sqlite_utils

CJK_RE = re.compile(r"[\u3400-\u9fff]")
ID_CHARS_RE = re.compile(r"^[0-9]{1,17}[0-9Xx]?$")
SORTABLE = {"created_at", "updated_at", "applicant_name", "service_code", "status", "local_no",
            "captured_by", "county_ref", "id_number"}
SUMMARY_COLUMNS = ("case_id", "local_no", "revision", "status", "service_code", "form_version",
                   "applicant_name", "id_number", "phone", "captured_by", "created_at", "updated_at",
                   "county_ref", "county_status", "county_reason")


@dataclass(frozen=True)
class CaseFilter:
    status: str | tuple[str, ...] | None = None
    search: str | None = None
    service_code: str | None = None
    captured_by: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    viewer: User | None = None  # a village agent sees only their own cases


def _where(f: CaseFilter) -> tuple[str, str, list[Any]]:
    """``(from, where, params)``: a name search drives the query from the gram index."""
    source, clauses, params = "cases", [], []
    if f.search and f.search.strip():
        source, clause, extra = _search_clause(f.search.strip())
        clauses.append(clause)
        params.extend(extra)
    filters, filter_params = _filter_clauses(f)
    clauses += filters
    params += filter_params
    return source, (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _filter_clauses(f: CaseFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.status:
        wanted = (f.status,) if isinstance(f.status, str) else tuple(f.status)
        clauses.append(f"cases.status IN ({', '.join('?' * len(wanted))})")
        params.extend(wanted)
    if f.service_code:
        clauses.append("cases.service_code = ?")
        params.append(f.service_code)
    if f.captured_by:
        clauses.append("cases.captured_by = ?")
        params.append(f.captured_by)
    if f.viewer is not None and f.viewer.role == "village_agent":
        clauses.append("cases.captured_by = ?")
        params.append(f.viewer.username)
    if f.date_from:
        clauses.append("cases.created_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("cases.created_at < ?")
        params.append(f.date_to + "T99")  # after every time of that day
    return clauses, params


def _search_clause(q: str) -> tuple[str, str, list[Any]]:
    if CJK_RE.search(q) and len(q) >= 2:
        # CROSS JOIN keeps the gram lookup as the outer loop: a rare name is
        # found through the index even when a status or date filter is given,
        # and the name is checked on the gram row before any case row is read.
        source = "name_grams g CROSS JOIN cases ON cases.rowid = g.case_rowid"
        return source, "g.gram = ? AND g.name LIKE ? ESCAPE '\\'", [q[:2], f"%{_escape_like(q)}%"]
    if CJK_RE.search(q):
        return "cases", "cases.applicant_name LIKE ? ESCAPE '\\'", [f"%{_escape_like(q)}%"]
    if ID_CHARS_RE.match(q):
        ranges = _number_ranges(q)
        return "cases", "(" + " OR ".join(c for c, _ in ranges) + ")", [p for _, ps in ranges for p in ps]
    like = f"%{_escape_like(q.upper())}%"
    return "cases", ("(UPPER(cases.local_no) LIKE ? ESCAPE '\\' OR UPPER(cases.county_ref) LIKE ? ESCAPE '\\'"
                     " OR cases.applicant_name LIKE ? ESCAPE '\\')"), [like, like, f"%{_escape_like(q)}%"]


def _number_ranges(q: str) -> list[tuple[str, list[Any]]]:
    """ID-number and phone prefixes, and the sequence at the end of a receipt number."""
    upper = q.upper()
    ranges: list[tuple[str, list[Any]]] = [
        ("(cases.id_number >= ? AND cases.id_number < ?)", [upper, upper + "\uffff"]),
        ("(cases.phone >= ? AND cases.phone < ?)", [q, q + "\uffff"]),
    ]
    if len(q) <= 5 and q.isdigit():
        ranges.append(("cases.local_seq = ?", [q.zfill(5)]))
    return ranges


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _index_only(f: CaseFilter, column: str) -> list[tuple[str, list[Any]]] | None:
    """A search alone, listed by date, as queries on one index each: ``[(sql, params)]``.

    Each query's rows are ``(case_id, created_at)``. Reading no case row
    matters most when the store is encrypted, where every page read is a page
    decrypted.
    """
    search = (f.search or "").strip()
    if column != "created_at" or not search or _filter_clauses(f)[0]:
        return None
    if CJK_RE.search(search) and len(search) >= 2:
        return [("SELECT case_id, created_at FROM name_grams WHERE gram = ? AND name LIKE ? ESCAPE '\\'",
                 [search[:2], f"%{_escape_like(search)}%"])]
    if ID_CHARS_RE.match(search):
        return [(f"SELECT case_id, created_at FROM cases WHERE {c}", ps) for c, ps in _number_ranges(search)]
    return None


def case_ids(db: sqlite_utils.Database, f: CaseFilter, order_by: str = "created_at",
             descending: bool = True, limit: int | None = None, offset: int = 0) -> list[str]:
    column = order_by if order_by in SORTABLE else "created_at"
    direction = "DESC" if descending else "ASC"
    parts = _index_only(f, column)
    if parts is not None:
        return _merged_ids(db, parts, direction, limit, offset)
    source, where, params = _where(f)
    # The case id breaks ties: the list indexes hold it after the time
    # (schema 6), so a list by date stays an index walk.
    sql = (f"SELECT cases.case_id FROM {source}{where}"
           f" ORDER BY cases.{column} {direction}, cases.case_id {direction}")
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [r[0] for r in db.execute(sql, params)]


def _merged_ids(db: sqlite_utils.Database, parts: list[tuple[str, list[Any]]], direction: str,
                limit: int | None, offset: int) -> list[str]:
    """Each index's first ``offset + limit`` matches by date, merged without duplicates.

    Cheaper than one UNION query, which builds a temporary table of every
    match just to drop the (rare) case that two indexes both find.
    """
    tail = "" if limit is None else f" LIMIT {int(limit) + int(offset)}"
    runs = [db.execute(f"{sql} ORDER BY created_at {direction}, case_id {direction}{tail}", params).fetchall()
            for sql, params in parts]
    merged = heapq.merge(*runs, key=lambda r: (r[1], r[0]), reverse=direction == "DESC")
    ids = list(dict.fromkeys(r[0] for r in merged))  # keeps the first of each id, in order
    return ids[offset:] if limit is None else ids[offset:offset + limit]


def count(db: sqlite_utils.Database, f: CaseFilter) -> int:
    parts = _index_only(f, "created_at")
    if parts is not None:
        sql = f"SELECT COUNT(*) FROM ({' UNION '.join(p for p, _ in parts)})"
        params = [x for _, ps in parts for x in ps]
    else:
        source, where, params = _where(f)
        sql = f"SELECT COUNT(*) FROM {source}{where}"
    return int(db.execute(sql, params).fetchone()[0])


def summaries(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Row data for the given ids (what a list shows), keyed by id."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = db.execute(f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM cases WHERE case_id IN"
                          f" ({', '.join('?' * len(chunk))})", chunk)
        for row in rows:
            out[row[0]] = dict(zip(SUMMARY_COLUMNS, row, strict=True))
    return out


def list_cases(db: sqlite_utils.Database, f: CaseFilter, limit: int | None = None,
               order_by: str = "created_at", descending: bool = True) -> list[dict[str, Any]]:
    ids = case_ids(db, f, order_by, descending, limit)
    rows = summaries(db, ids)
    return [rows[i] for i in ids if i in rows]


def counts_by_status(db: sqlite_utils.Database, viewer: User | None = None) -> dict[str, int]:
    _, where, params = _where(CaseFilter(viewer=viewer))
    return {s: n for s, n in db.execute(f"SELECT status, COUNT(*) FROM cases{where} GROUP BY status",
                                        params)}


def applicant_of(db: sqlite_utils.Database, case_id: str) -> dict[str, Any]:
    row = db.execute("SELECT applicant FROM cases WHERE case_id = ?", [case_id]).fetchone()
    return json.loads(row[0]) if row else {}
