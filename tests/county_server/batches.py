"""POST /batches: per-case outcomes, stored answers for idempotent replay.

The whole batch is one transaction that also stores the answer under the
Idempotency-Key. So a batch is either fully processed with its answer on
record, or not at all: a connection dropped after the commit is answered
identically on retry, and never creates a second county_ref.
"""

from __future__ import annotations

import json

from .catalog import Catalog
from .protocol import MAX_BATCH_CASES, MAX_BATCH_JSON, HttpError, Request, Response
from .store import Store, now_iso
from .validation import case_key, error, validate_case


class BatchProcessor:
    def __init__(self, store: Store, catalog: Catalog, blob_size, ref_prefix: str = "AQ-HX"):
        self.store, self.catalog, self.blob_size = store, catalog, blob_size
        self.ref_prefix = ref_prefix

    def handle(self, req: Request) -> Response:
        key = (req.headers.get("Idempotency-Key") or "").strip()
        if not key:
            raise HttpError(400, "missing_idempotency_key", "send Idempotency-Key: <batch_id>")
        stored = self.store.batch_response(key)
        if stored is not None:
            return _replay(*stored)  # whatever the body says: it is not even parsed
        payload = req.json(MAX_BATCH_JSON)
        cases = _check_envelope(payload, key)
        status, body, replayed = self.process(key, req.device["device_id"], cases)
        return _replay(status, body) if replayed else Response(status, body)

    def process(self, batch_id: str, device_id: str, cases: list) -> tuple[int, bytes, bool]:
        with self.store.tx() as db:
            row = db.execute("SELECT status, response FROM batches WHERE batch_id = ?",
                             (batch_id,)).fetchone()
            if row is not None:  # a concurrent retry of the same batch got here first
                return row["status"], bytes(row["response"]), True
            received_at = now_iso()
            results = [self._one(db, case, batch_id, device_id, received_at) for case in cases]
            answer = {"batch_id": batch_id, "received_at": received_at, "results": results}
            body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            db.execute("INSERT INTO batches (batch_id, device_id, received_at, status, response)"
                       " VALUES (?, ?, ?, 200, ?)", (batch_id, device_id, received_at, body))
        return 200, body, False

    def _one(self, db, case, batch_id: str, device_id: str, received_at: str) -> dict:
        key, errors = case_key(case)
        if key is None:
            raw = case if isinstance(case, dict) else {}
            return _result(raw.get("case_id"), raw.get("revision"), "rejected", None, errors)
        case_id, revision = key
        stored = db.execute("SELECT revision, county_ref FROM cases WHERE case_id = ?"
                            " ORDER BY revision", (case_id,)).fetchall()
        for row in stored:
            if row["revision"] == revision:
                return _result(case_id, revision, "duplicate", row["county_ref"], [])
        if stored and stored[-1]["revision"] > revision:
            latest = stored[-1]["revision"]
            errors = [error("revision", "stale_revision", f"县级已有第 {latest} 版",
                            f"revision {latest} is already stored")]
            return _result(case_id, revision, "rejected", None, errors)
        errors = validate_case(case, self.catalog.service, self.blob_size)
        if errors:
            return _result(case_id, revision, "rejected", None, errors)
        # A corrected revision is the same matter (办件): it keeps its case number.
        county_ref = stored[0]["county_ref"] if stored else self._new_ref(db, received_at)
        db.execute("INSERT INTO cases (case_id, revision, county_ref, service_code, office_code,"
                   " device_id, batch_id, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (case_id, revision, county_ref, case["service_code"], case["office_code"],
                    device_id, batch_id, received_at, json.dumps(case, ensure_ascii=False)))
        self.store.add_update(db, case_id, county_ref, "received", None, received_at)
        return _result(case_id, revision, "accepted", county_ref, [])

    def _new_ref(self, db, received_at: str) -> str:
        number = self.store.next_number(db, "county_ref")
        return f"{self.ref_prefix}-{received_at[:4]}-{number:07d}"


def _check_envelope(payload, key: str) -> list:
    if not isinstance(payload, dict) or not isinstance(payload.get("cases"), list):
        raise HttpError(400, "invalid_batch", "a batch is an object with a 'cases' list")
    if payload.get("batch_id") not in (None, key):
        raise HttpError(400, "batch_id_mismatch", "batch_id differs from Idempotency-Key")
    if len(payload["cases"]) > MAX_BATCH_CASES:
        raise HttpError(413, "too_many_cases",
                        f"{len(payload['cases'])} cases; at most {MAX_BATCH_CASES} per batch")
    return payload["cases"]


def _result(case_id, revision, outcome: str, county_ref: str | None, errors: list) -> dict:
    return {"case_id": case_id, "revision": revision, "outcome": outcome,
            "county_ref": county_ref, "errors": errors}


def _replay(status: int, body: bytes) -> Response:
    # The body is byte-for-byte the first answer; the header only helps tests and logs.
    return Response(status, body, {"Idempotent-Replayed": "true"})
