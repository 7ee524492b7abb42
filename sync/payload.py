"""A case as the county's batch format wants it, read straight from the store.

Built for many cases at once (two queries per batch, not per case): freezing
a batch is on the path of every case, and the county's own limit is 100
cases per batch.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

import sqlite_utils

_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_text = encode_basestring  # a JSON string, as json.dumps(ensure_ascii=False) writes it

_CASE_SQL = ("SELECT case_id, revision, service_code, form_version, applicant, fields, captured_by,"
             " created_at, ready_at, edit_seq FROM cases WHERE case_id IN ({})")
_PAGES_SQL = ("SELECT d.case_id, d.doc_id, d.kind, p.sha256, p.content_type, p.size FROM documents d"
              " LEFT JOIN pages p ON p.doc_id = d.doc_id WHERE d.case_id IN ({})"
              " ORDER BY d.case_id, d.created_at, d.doc_id, p.position")


def case_bodies(db: sqlite_utils.Database, office_code: str,
                case_ids: list[str]) -> dict[str, tuple[bytes, int, int]]:
    """``case_id -> (the case's JSON as sent, revision, edit_seq)``; call inside the freezing
    transaction. The applicant and fields columns (always written by ``json.dumps``) go in
    as stored instead of being parsed and written again, which cost eight times the rest."""
    marks = ",".join("?" * len(case_ids))
    documents = _documents(db, marks, case_ids)
    office, out = _text(office_code), {}
    for row in db.execute(_CASE_SQL.format(marks), case_ids).fetchall():
        (case_id, revision, code, version, applicant, fields, by, created, ready, edit_seq) = row
        body = (f'{{"case_id":{_text(case_id)},"revision":{int(revision)},"service_code":{_text(code)},'
                f'"form_version":{_text(version)},"office_code":{office},"applicant":{applicant},'
                f'"fields":{fields},"documents":{_documents_json(documents.get(case_id))},'
                f'"captured_by":{_text(by)},"captured_at":{_text(created)},'
                f'"submitted_at":{_text(ready or created)}}}')
        out[case_id] = (body.encode("utf-8"), revision, edit_seq)
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


def _documents_json(documents: list[dict[str, Any]] | None) -> str:
    return _COMPACT.encode(documents) if documents else "[]"  # most cases carry no scans


def case_page_shas(db: sqlite_utils.Database, case_id: str) -> list[str]:
    """Every page a case's payload names, in payload order."""
    return [p["sha256"] for d in _documents(db, "?", [case_id]).get(case_id, []) for p in d["pages"]]


def encode(obj: Any) -> bytes:
    """Compact UTF-8 JSON: the 4 MiB limit counts these bytes."""
    return _COMPACT.encode(obj).encode("utf-8")
