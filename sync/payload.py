"""A case as the county's batch format wants it, read straight from the store.

Built for many cases at once (two queries per batch, not per case): freezing
a batch is on the path of every case, and the county's own limit is 100
cases per batch.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

_CASE_SQL = ("SELECT case_id, revision, service_code, form_version, applicant, fields, captured_by,"
             " created_at, ready_at, edit_seq FROM cases WHERE case_id IN ({})")
_PAGES_SQL = ("SELECT d.case_id, d.doc_id, d.kind, p.sha256, p.content_type, p.size FROM documents d"
              " LEFT JOIN pages p ON p.doc_id = d.doc_id WHERE d.case_id IN ({})"
              " ORDER BY d.case_id, d.created_at, d.doc_id, p.position")


def case_payloads(db: sqlite_utils.Database, office_code: str,
                  case_ids: list[str]) -> dict[str, tuple[dict[str, Any], int]]:
    """``case_id -> (payload, edit_seq)``; call inside the freezing transaction."""
    marks = ",".join("?" * len(case_ids))
    documents = _documents(db, marks, case_ids)
    out: dict[str, tuple[dict[str, Any], int]] = {}
    for row in db.execute(_CASE_SQL.format(marks), case_ids).fetchall():
        (case_id, revision, code, version, applicant, fields, by, created, ready, edit_seq) = row
        out[case_id] = ({
            "case_id": case_id, "revision": revision, "service_code": code,
            "form_version": version, "office_code": office_code,
            "applicant": json.loads(applicant), "fields": json.loads(fields),
            "documents": documents.get(case_id, []),
            "captured_by": by, "captured_at": created, "submitted_at": ready or created,
        }, edit_seq)
    return out


def _documents(db: sqlite_utils.Database, marks: str,
               case_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    by_case: dict[str, list[dict[str, Any]]] = {}
    current: dict[str, Any] | None = None
    for case_id, doc_id, kind, sha, content_type, size in db.execute(
            _PAGES_SQL.format(marks), case_ids):
        if current is None or current["doc_id"] != doc_id:
            current = {"doc_id": doc_id, "kind": kind, "pages": []}
            by_case.setdefault(case_id, []).append(current)
        if sha is not None:
            current["pages"].append({"sha256": sha, "content_type": content_type, "bytes": size})
    return by_case


def page_shas(payload: dict[str, Any]) -> list[str]:
    return [p["sha256"] for d in payload.get("documents", []) for p in d["pages"]]


def encode(obj: Any) -> bytes:
    """Compact UTF-8 JSON: the 4 MiB limit counts these bytes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
