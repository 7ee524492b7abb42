"""The reference county server, exercised over real HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.county_server import FAULT_KINDS, CountyServer

REPO = Path(__file__).resolve().parents[1]
OFFICE = "340822104201"
CODES = ["K7Q2-9XHM", "P3L8-2WQD", "Z9T4-6RNB"]
REF_RE = re.compile(r"^AQ-HX-\d{4}-\d{7}$")


# --- helpers ------------------------------------------------------------------------


class Client:
    """A bare client: just enough to drive the server the way a workstation would."""

    def __init__(self, base: str, token: str, device_id: str) -> None:
        self.base, self.device_id = base, device_id
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.base + path, timeout=kw.pop("timeout", 10), **kw)

    def head(self, path: str, **kw) -> requests.Response:
        return self.http.head(self.base + path, timeout=10, **kw)

    def put_blob(self, data: bytes, content_type: str = "image/jpeg", sha: str | None = None,
                 **kw) -> requests.Response:
        sha = sha or sha256(data)
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        return self.http.put(f"{self.base}/blobs/{sha}", data=data, headers=headers,
                             timeout=kw.pop("timeout", 30), **kw)

    def put_part(self, data: bytes, first: int, size: int, total: int, sha: str,
                 **kw) -> requests.Response:
        headers = {"Content-Range": f"bytes {first}-{first + size - 1}/{total}"}
        return self.put_blob(data[first:first + size], sha=sha, headers=headers, **kw)

    def post_batch(self, cases: list, batch_id: str | None = None, **kw) -> requests.Response:
        batch_id = batch_id or str(uuid.uuid4())
        body = kw.pop("body", None)
        if body is None:
            body = {"batch_id": batch_id, "device_id": self.device_id,
                    "sent_at": "2026-11-24T09:30:00+08:00", "cases": cases}
        return self.http.post(f"{self.base}/batches", json=body,
                              headers={"Idempotency-Key": batch_id, **kw.pop("headers", {})},
                              timeout=kw.pop("timeout", 30), **kw)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scan(n: int, seed: int = 1) -> bytes:
    """Bytes standing in for a scanned JPEG page (content is irrelevant to the county)."""
    return b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(n - 4)


def enroll(base: str, code: str, office: str = OFFICE) -> requests.Response:
    return requests.post(f"{base}/devices", timeout=10, json={
        "enrollment_code": code, "device_name": "桃花村 PC", "office_code": office})


def make_case(*pages: bytes, **changes) -> dict:
    case = {
        "case_id": str(uuid.uuid4()), "revision": 1,
        "service_code": "rural_pension_enrollment", "form_version": "3", "office_code": OFFICE,
        "applicant": {"name": "张桂英", "id_number": "340822195803150027",
                      "phone": "13905561234", "address": "桃花村三组12号"},
        "fields": {"contribution_grade": "500"},
        "documents": [{"doc_id": "d1", "kind": "id_card", "pages": [
            {"sha256": sha256(p), "content_type": "image/jpeg", "bytes": len(p)} for p in pages]}],
        "captured_by": "li.wei", "captured_at": "2026-11-24T09:00:00+08:00",
        "submitted_at": "2026-11-24T09:20:00+08:00",
    }
    case.update(changes)
    return case


def error_code(resp: requests.Response) -> str:
    return resp.json()["error"]["code"]


@pytest.fixture
def srv(tmp_path):
    with CountyServer(tmp_path / "county.sqlite", enrollment_codes=CODES, seed=7) as server:
        yield server


@pytest.fixture
def client(srv) -> Client:
    resp = enroll(srv.base_url, CODES[0])
    assert resp.status_code == 201
    return Client(srv.base_url, resp.json()["device_token"], resp.json()["device_id"])


@pytest.fixture
def page(client) -> bytes:
    data = scan(3000)
    assert client.put_blob(data).status_code == 201
    return data


# --- enrollment, auth, ping, catalog -------------------------------------------------


def test_enrollment_code_works_once(srv):
    first = enroll(srv.base_url, "k7q2-9xhm ")  # typed in lowercase with a stray space
    assert first.status_code == 201
    body = first.json()
    assert body["office_name"] == "桃花村"
    assert re.match(r"^dev_[0-9a-f]{6}$", body["device_id"]) and len(body["device_token"]) > 20
    again = enroll(srv.base_url, CODES[0])
    assert again.status_code == 422 and error_code(again) == "invalid_enrollment_code"
    unknown = enroll(srv.base_url, "NOPE-0000")
    assert unknown.status_code == 422 and error_code(unknown) == "invalid_enrollment_code"
    assert enroll(srv.base_url, CODES[1], office="3408").status_code == 400
    srv.enrollment_codes.add("NEW1-CODE")
    assert enroll(srv.base_url, "NEW1-CODE").status_code == 201
    assert "NEW1-CODE" not in srv.enrollment_codes
    devices = srv.devices()
    assert len(devices) == 2 and body["device_id"] in {d["device_id"] for d in devices}
    assert all(d["office_code"] == OFFICE and d["revoked_at"] is None for d in devices)


@pytest.mark.parametrize("method,path", [
    ("GET", "/ping"), ("GET", "/catalog"), ("HEAD", "/blobs/" + "a" * 64),
    ("PUT", "/blobs/" + "a" * 64), ("POST", "/batches"), ("GET", "/updates")])
def test_token_required_everywhere_but_enrollment(srv, method, path):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        resp = requests.request(method, srv.base_url + path, headers=headers, timeout=10)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"] == "Bearer"
        if method != "HEAD":
            assert error_code(resp) == "invalid_token"


def test_revoked_token_is_refused(srv, client):
    assert client.get("/ping").status_code == 200
    assert srv.revoke_tokens() == 1
    resp = client.get("/ping")
    assert resp.status_code == 401 and error_code(resp) == "invalid_token"


def test_ping_reports_county_time(srv, client):
    body = client.get("/ping").json()
    assert body["api_version"] == 1 and body["server_time"].endswith("+08:00")
    srv.set_clock_offset(3600)
    later = client.get("/ping").json()["server_time"]
    assert later[11:13] != body["server_time"][11:13]


def test_catalog_etag_and_not_modified(srv, client, tmp_path):
    first = client.get("/catalog")
    assert first.status_code == 200
    service = first.json()["services"][0]
    assert service["code"] == "rural_pension_enrollment" and service["version"] == "3"
    assert service["name"]["zh_CN"] == "城乡居民基本养老保险参保登记"
    etag = first.headers["ETag"]
    cached = client.get("/catalog", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    assert client.get("/catalog", headers={"If-None-Match": '"old"'}).status_code == 200
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps([service, {**service, "code": "elderly_allowance"}]))
    new_etag = srv.set_catalog(catalog_file)
    changed = client.get("/catalog", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] == new_etag != etag
    assert [s["code"] for s in changed.json()["services"]] == [
        "rural_pension_enrollment", "elderly_allowance"]


def test_default_catalog_is_in_the_workstations_form_format(client):
    from workstation.forms import FormDefinition

    services = client.get("/catalog").json()["services"]
    loaded = [FormDefinition.from_dict(s, source="county", strict=True) for s in services]
    assert [(d.code, d.version) for d in loaded] == [("rural_pension_enrollment", "3")]


def test_catalog_from_a_folder_of_forms(tmp_path):
    shipped = sorted(p.stem for p in (REPO / "resources" / "forms").glob("*.json"))
    with CountyServer(tmp_path / "c.sqlite", catalog=REPO / "resources" / "forms") as server:
        codes = [s["code"] for s in json.loads(server.catalog.snapshot()[1])["services"]]
    assert codes and len(codes) == len(shipped)


# --- blobs ---------------------------------------------------------------------------


def test_whole_blob_upload_is_idempotent(srv, client):
    data = scan(5000)
    sha = sha256(data)
    missing = client.head(f"/blobs/{sha}")
    assert missing.status_code == 404 and missing.headers["Upload-Offset"] == "0"
    assert client.put_blob(data).status_code == 201
    assert client.head(f"/blobs/{sha}").status_code == 200
    assert client.put_blob(data).status_code == 200
    assert srv.blob_sha256s() == [sha] and srv.blob_bytes(sha) == data


def test_blob_refusals(srv, client):
    data = scan(2000)
    wrong = client.put_blob(data, sha=sha256(b"other"))
    assert wrong.status_code == 422 and error_code(wrong) == "hash_mismatch"
    gif = client.put_blob(data, content_type="image/gif")
    assert gif.status_code == 415
    upper = client.put_blob(data, sha=sha256(data).upper())
    assert upper.status_code == 400 and error_code(upper) == "invalid_sha256"
    pdf = b"%PDF-1.7\n" + scan(100)
    assert client.put_blob(pdf, content_type="application/pdf; charset=binary").status_code == 201
    assert srv.blob_sha256s() == [sha256(pdf)]


def test_blob_over_20_mib_is_refused(srv, client):
    big = b"\0" * (20 * 1024 * 1024 + 1)
    resp = client.put_blob(big)
    assert resp.status_code == 413 and error_code(resp) == "blob_too_large"
    parts = client.put_part(big, 0, 1024, len(big), sha256(big))
    assert parts.status_code == 413
    assert client.get("/ping").status_code == 200  # the connection survived
    assert srv.blob_sha256s() == []


def test_streamed_chunked_request_body(srv, client):
    data = scan(70000)
    pieces = (data[i:i + 8192] for i in range(0, len(data), 8192))  # Transfer-Encoding: chunked
    resp = client.http.put(f"{client.base}/blobs/{sha256(data)}", data=pieces,
                           headers={"Content-Type": "image/jpeg"}, timeout=10)
    assert resp.status_code == 201 and srv.blob_bytes(sha256(data)) == data


def test_upload_in_parts_reports_offsets(srv, client):
    data = scan(250_000)
    sha, total = sha256(data), len(data)
    answers = [client.put_part(data, first, 100_000, total, sha) for first in (0, 100_000)]
    assert [(r.status_code, r.headers["Upload-Offset"]) for r in answers] == [
        (202, "100000"), (202, "200000")]
    assert client.head(f"/blobs/{sha}").headers["Upload-Offset"] == "200000"
    assert srv.uploads() == {sha: 200_000} and srv.blob_sha256s() == []
    last = client.put_part(data, 200_000, 50_000, total, sha)
    assert last.status_code == 201 and last.headers["Upload-Offset"] == str(total)
    assert srv.blob_bytes(sha) == data and srv.uploads() == {}


def test_part_at_wrong_offset_is_a_conflict(srv, client):
    data = scan(30_000)
    sha = sha256(data)
    assert client.put_part(data, 0, 10_000, len(data), sha).status_code == 202
    ahead = client.put_part(data, 20_000, 10_000, len(data), sha)
    assert ahead.status_code == 409 and error_code(ahead) == "offset_mismatch"
    assert ahead.headers["Upload-Offset"] == "10000"
    overlap = client.put_part(data, 5_000, 10_000, len(data), sha)
    assert overlap.status_code == 409 and overlap.headers["Upload-Offset"] == "10000"
    assert srv.uploads() == {sha: 10_000}


def test_retried_part_gets_current_offset(srv, client):
    data = scan(30_000)
    sha = sha256(data)
    client.put_part(data, 0, 10_000, len(data), sha)
    client.put_part(data, 10_000, 10_000, len(data), sha)
    retry = client.put_part(data, 0, 10_000, len(data), sha)  # its answer was "lost"
    assert retry.status_code == 202 and retry.headers["Upload-Offset"] == "20000"
    assert client.put_part(data, 20_000, 10_000, len(data), sha).status_code == 201
    late = client.put_part(data, 20_000, 10_000, len(data), sha)
    assert late.status_code == 200 and late.headers["Upload-Offset"] == "30000"
    assert srv.blob_bytes(sha) == data


def test_parts_that_do_not_hash_are_discarded(srv, client):
    data = scan(20_000)
    sha = sha256(b"something else")
    assert client.put_part(data, 0, 10_000, len(data), sha).status_code == 202
    final = client.put_part(data, 10_000, 10_000, len(data), sha)
    assert final.status_code == 422 and error_code(final) == "hash_mismatch"
    assert srv.uploads() == {} and client.head(f"/blobs/{sha}").headers["Upload-Offset"] == "0"


def test_upload_resumes_after_a_reset_mid_part(srv, client):
    data = scan(60_000)
    sha = sha256(data)
    assert client.put_part(data, 0, 20_000, len(data), sha).status_code == 202
    srv.faults.add("reset_mid_upload", path_prefix="/blobs", method="PUT", after_bytes=5_000)
    with pytest.raises(requests.ConnectionError):
        client.put_part(data, 20_000, 20_000, len(data), sha)
    assert srv.uploads() == {sha: 20_000}  # the cut part left no trace
    offset = int(client.head(f"/blobs/{sha}").headers["Upload-Offset"])
    assert offset == 20_000
    assert client.put_part(data, offset, 20_000, len(data), sha).status_code == 202
    assert client.put_part(data, 40_000, 20_000, len(data), sha).status_code == 201
    assert srv.blob_bytes(sha) == data


def test_parts_survive_a_county_restart(tmp_path):
    db = tmp_path / "county.sqlite"
    data = scan(20_000)
    sha = sha256(data)
    with CountyServer(db, enrollment_codes=CODES) as first:
        token = enroll(first.base_url, CODES[0]).json()
        Client(first.base_url, token["device_token"], token["device_id"]).put_part(
            data, 0, 10_000, len(data), sha)
    with CountyServer(db) as second:
        again = Client(second.base_url, token["device_token"], token["device_id"])
        assert again.head(f"/blobs/{sha}").headers["Upload-Offset"] == "10000"
        assert again.put_part(data, 10_000, 10_000, len(data), sha).status_code == 201
        assert enroll(second.base_url, CODES[0]).status_code == 422  # still used


# --- batches -------------------------------------------------------------------------


def test_batch_accepts_then_reports_duplicates(srv, client, page):
    case = make_case(page)
    first = client.post_batch([case])
    assert first.status_code == 200
    result = first.json()["results"][0]
    assert result["outcome"] == "accepted" and REF_RE.match(result["county_ref"])
    assert result["errors"] == [] and result["case_id"] == case["case_id"]
    dup = client.post_batch([case]).json()["results"][0]
    assert dup["outcome"] == "duplicate" and dup["county_ref"] == result["county_ref"]
    stored = srv.cases()
    assert len(stored) == 1 and stored[0]["body"] == case
    assert stored[0]["county_ref"] == result["county_ref"] and stored[0]["revision"] == 1


def test_batch_rejections_are_per_case_and_in_order(srv, client, page):
    unsent = scan(1000, seed=9)
    no_name = make_case(page)
    del no_name["applicant"]["name"]
    cases = [
        make_case(page),
        make_case(page, unsent),
        no_name,
        make_case(page, applicant={"name": "王五", "id_number": "12345"}),
        make_case(page, service_code="homestead_permit"),
        make_case(page, fields={"contribution_grade": "450"}),
        "not a case",
        make_case(page, case_id="case-1"),
    ]
    results = client.post_batch(cases).json()["results"]
    assert [r["outcome"] for r in results] == ["accepted"] + ["rejected"] * 7
    assert [r["case_id"] for r in results[:6]] == [c["case_id"] for c in cases[:6]]
    codes = [{(e["field"], e["code"]) for e in r["errors"]} for r in results[1:]]
    assert codes[0] == {("documents[0].pages[1].sha256", "missing_blob")}
    assert codes[1] == {("applicant.name", "invalid_field")}
    assert codes[2] == {("applicant.id_number", "invalid_field")}
    assert codes[3] == {("service_code", "unknown_service")}
    assert codes[4] == {("fields.contribution_grade", "invalid_field")}
    assert codes[5] == {(None, "invalid_field")} and codes[6] == {("case_id", "invalid_field")}
    assert all(r["county_ref"] is None for r in results[1:])
    assert [c["case_id"] for c in srv.cases()] == [cases[0]["case_id"]]


def test_partly_uploaded_blob_counts_as_missing(srv, client, page):
    data = scan(20_000, seed=3)
    client.put_part(data, 0, 10_000, len(data), sha256(data))
    result = client.post_batch([make_case(page, data)]).json()["results"][0]
    assert result["outcome"] == "rejected" and result["errors"][0]["code"] == "missing_blob"


def test_revisions_keep_the_county_ref_and_stale_ones_are_rejected(srv, client, page):
    case = make_case(page)
    ref = client.post_batch([case]).json()["results"][0]["county_ref"]
    second = client.post_batch([{**case, "revision": 2}]).json()["results"][0]
    assert second["outcome"] == "accepted" and second["county_ref"] == ref
    stale = client.post_batch([{**case, "revision": 1, "fields": {"contribution_grade": "200"}},
                               ]).json()["results"][0]
    assert stale["outcome"] == "duplicate"  # revision 1 is stored: the retry is harmless
    third = {**case, "revision": 3}
    client.post_batch([third])
    old = client.post_batch([{**case, "case_id": case["case_id"], "revision": 2}])
    assert old.json()["results"][0]["outcome"] == "duplicate"
    fresh = make_case(page)
    client.post_batch([{**fresh, "revision": 2}])
    lower = client.post_batch([fresh]).json()["results"][0]
    assert lower["outcome"] == "rejected" and lower["errors"][0]["code"] == "stale_revision"
    assert sorted(c["revision"] for c in srv.cases() if c["case_id"] == case["case_id"]) == [1, 2, 3]


def test_old_form_version_skips_current_field_rules(srv, client, page):
    case = make_case(page, form_version="2", fields={"legacy_grade": "A"})
    assert client.post_batch([case]).json()["results"][0]["outcome"] == "accepted"


def test_conditional_fields_are_left_to_the_workstation(srv, client, page):
    service = client.get("/catalog").json()["services"][0]
    service["fields"].append({"name": "agent_name", "type": "text", "required": True,
                              "label": {"zh_CN": "代办人", "en": "Agent"},
                              "visible_when": {"field": "household_type", "equals": "resident"}})
    srv.set_catalog([service])
    result = client.post_batch([make_case(page)]).json()["results"][0]
    assert result["outcome"] == "accepted"
    no_grade = client.post_batch([make_case(page, fields={})]).json()["results"][0]
    assert [e["field"] for e in no_grade["errors"]] == ["fields.contribution_grade"]


def test_replayed_batch_id_returns_the_stored_answer(srv, client, page):
    batch_id = str(uuid.uuid4())
    first = client.post_batch([make_case(page)], batch_id=batch_id)
    other = client.post_batch([make_case(page), make_case(page)], batch_id=batch_id)
    garbage = client.http.post(f"{client.base}/batches", data=b"not json at all",
                               headers={"Idempotency-Key": batch_id}, timeout=10)
    assert first.status_code == other.status_code == garbage.status_code == 200
    assert other.content == first.content == garbage.content
    assert other.headers["Idempotent-Replayed"] == "true"
    assert len(srv.cases()) == 1 and len(srv.batches()) == 1


def test_concurrent_retries_of_one_batch_store_it_once(srv, client, page):
    batch_id, case = str(uuid.uuid4()), make_case(page)
    bodies: list[bytes] = []

    def send() -> None:
        bodies.append(client.post_batch([case], batch_id=batch_id).content)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(bodies)) == 1 and len(srv.cases()) == 1


def test_batch_header_problems(srv, client, page):
    no_key = client.http.post(f"{client.base}/batches", json={"cases": []}, timeout=10)
    assert no_key.status_code == 400 and error_code(no_key) == "missing_idempotency_key"
    mismatch = client.post_batch([], batch_id="b1", body={"batch_id": "b2", "cases": []})
    assert mismatch.status_code == 400 and error_code(mismatch) == "batch_id_mismatch"
    not_json = client.http.post(f"{client.base}/batches", data=b"{", timeout=10,
                                headers={"Idempotency-Key": "b3"})
    assert not_json.status_code == 400 and error_code(not_json) == "invalid_json"
    # errors are not stored: the same key works once the body is right
    assert client.post_batch([make_case(page)], batch_id="b3").status_code == 200


def test_gzip_request_body(srv, client, page):
    batch_id = str(uuid.uuid4())
    body = {"batch_id": batch_id, "cases": [make_case(page)]}
    resp = client.http.post(f"{client.base}/batches", timeout=10,
                            data=gzip.compress(json.dumps(body).encode()),
                            headers={"Idempotency-Key": batch_id, "Content-Encoding": "gzip",
                                     "Content-Type": "application/json"})
    assert resp.status_code == 200 and resp.json()["results"][0]["outcome"] == "accepted"
    broken = client.http.post(f"{client.base}/batches", data=b"\x1f\x8b\x08garbage", timeout=10,
                              headers={"Idempotency-Key": "x", "Content-Encoding": "gzip"})
    assert broken.status_code == 400 and error_code(broken) == "invalid_gzip"
    brotli = client.http.post(f"{client.base}/batches", data=b"{}", timeout=10,
                              headers={"Idempotency-Key": "y", "Content-Encoding": "br"})
    assert brotli.status_code == 415


def test_batch_limits(srv, client, page):
    too_many = client.post_batch([make_case(page) for _ in range(101)])
    assert too_many.status_code == 413 and error_code(too_many) == "too_many_cases"
    assert client.post_batch([make_case(page) for _ in range(100)]).status_code == 200
    huge = make_case(page, fields={"contribution_grade": "500", "notes": "x" * (4 * 1024 * 1024)})
    assert client.post_batch([huge]).status_code == 413
    batch_id = str(uuid.uuid4())
    packed = gzip.compress(json.dumps({"batch_id": batch_id, "cases": [huge]}).encode())
    assert len(packed) < 100_000  # small on the wire, too large once decoded
    bomb = client.http.post(f"{client.base}/batches", data=packed, timeout=10,
                            headers={"Idempotency-Key": batch_id, "Content-Encoding": "gzip"})
    assert bomb.status_code == 413
    assert len(srv.cases()) == 100


# --- updates -------------------------------------------------------------------------


def test_updates_pages_with_an_opaque_cursor(srv, client, page):
    cases = [make_case(page) for _ in range(3)]
    client.post_batch(cases)
    srv.post_update(cases[1]["case_id"], "returned", reason="户口簿页缺失，请补扫")
    first = client.get("/updates", params={"limit": 2}).json()
    assert [u["status"] for u in first["updates"]] == ["received", "received"]
    assert first["has_more"] is True
    second = client.get("/updates", params={"cursor": first["next_cursor"], "limit": 2}).json()
    assert [(u["case_id"], u["status"]) for u in second["updates"]] == [
        (cases[2]["case_id"], "received"), (cases[1]["case_id"], "returned")]
    assert second["updates"][1]["reason"] == "户口簿页缺失，请补扫"
    assert second["updates"][1]["county_ref"] == srv.cases()[1]["county_ref"]
    assert second["has_more"] is False
    empty = client.get("/updates", params={"cursor": second["next_cursor"]}).json()
    assert empty == {"updates": [], "next_cursor": second["next_cursor"], "has_more": False}
    again = client.get("/updates", params={"cursor": first["next_cursor"], "limit": 2}).json()
    assert again == second  # a cursor stored before a crash gives the same page again
    srv.post_update(cases[1]["case_id"], "approved")
    latest = client.get("/updates", params={"cursor": second["next_cursor"]}).json()
    assert [u["status"] for u in latest["updates"]] == ["approved"]


def test_updates_refuse_bad_cursors_and_limits(srv, client):
    assert error_code(client.get("/updates", params={"cursor": "42"})) == "invalid_cursor"
    for limit in ("0", "501", "ten"):
        resp = client.get("/updates", params={"limit": limit})
        assert resp.status_code == 400 and error_code(resp) == "invalid_limit"
    assert client.get("/updates", params={"limit": "500"}).status_code == 200


def test_updates_are_scoped_to_the_office(srv, client, page):
    client.post_batch([make_case(page)])
    other = enroll(srv.base_url, CODES[1], office="340822105202").json()
    stranger = Client(srv.base_url, other["device_token"], other["device_id"])
    assert stranger.get("/updates").json()["updates"] == []
    srv.revoke_tokens(client.device_id)  # re-enrolled office PC still gets its decisions
    renewed = enroll(srv.base_url, CODES[2]).json()
    again = Client(srv.base_url, renewed["device_token"], renewed["device_id"])
    assert len(again.get("/updates").json()["updates"]) == 1


# --- faults --------------------------------------------------------------------------


def test_drop_before_processing(srv, client, page):
    srv.faults.add("drop_before", path_prefix="/batches")
    with pytest.raises(requests.ConnectionError):
        client.post_batch([make_case(page)])
    assert srv.cases() == []
    assert client.post_batch([make_case(page)]).status_code == 200  # fired once only


def test_drop_after_commit_then_retry_gets_the_stored_answer(srv, client, page):
    srv.faults.add("drop_after_commit", path_prefix="/batches")
    batch_id, case = str(uuid.uuid4()), make_case(page)
    with pytest.raises(requests.ConnectionError):
        client.post_batch([case], batch_id=batch_id)
    assert len(srv.cases()) == 1  # committed although no answer came
    retry = client.post_batch([case], batch_id=batch_id).json()["results"][0]
    assert retry["outcome"] == "accepted" and retry["county_ref"] == srv.cases()[0]["county_ref"]


@pytest.mark.parametrize("kind,status", [("status_500", 500), ("status_503", 503),
                                         ("status_429", 429)])
def test_error_status_faults(srv, client, page, kind, status):
    srv.faults.add(kind, path_prefix="/batches", retry_after=7 if status != 500 else None)
    resp = client.post_batch([make_case(page)])
    assert resp.status_code == status and "code" in resp.json()["error"]
    assert resp.headers.get("Retry-After") == ("7" if status != 500 else None)
    assert srv.cases() == []


def test_slow_answer_times_out_a_client(srv, client, page):
    srv.faults.add("slow", path_prefix="/ping", delay=1.0, times=2)
    with pytest.raises(requests.Timeout):
        client.get("/ping", timeout=0.3)
    started = time.monotonic()
    assert client.get("/ping").status_code == 200
    assert time.monotonic() - started >= 0.9


def test_truncated_answer_is_an_error_after_commit(srv, client, page):
    srv.faults.add("truncate", path_prefix="/batches")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.post_batch([make_case(page)])
    assert len(srv.cases()) == 1


def test_invalid_json_answer(srv, client, page):
    srv.faults.add("invalid_json", path_prefix="/updates")
    resp = client.get("/updates")
    assert resp.status_code == 200
    with pytest.raises(ValueError):
        resp.json()
    assert client.get("/updates").json()["has_more"] is False


def test_random_faults_follow_the_seed(srv, client):
    def run() -> list[int]:
        srv.faults.clear()
        srv.faults.seed(42)
        srv.faults.add("status_503", path_prefix="/ping", probability=0.5)
        return [client.get("/ping").status_code for _ in range(20)]

    first = run()
    assert first == run() and {200, 503} == set(first)


def test_faults_cover_every_kind_and_validate():
    assert set(FAULT_KINDS) == {"drop_after_commit", "drop_before", "status_500", "status_503",
                                "status_429", "slow", "truncate", "invalid_json",
                                "reset_mid_upload"}
    with CountyServer() as server:
        with pytest.raises(ValueError):
            server.faults.add("explode")
        with pytest.raises(ValueError):
            server.faults.add("slow", probability=2)


def test_stats_count_requests_bytes_and_faults(srv, client, page):
    srv.reset_stats()
    srv.faults.add("status_500", path_prefix="/ping")
    client.get("/ping")
    client.get("/ping")
    client.put_blob(scan(10_000, seed=5))
    stats = srv.stats()
    assert stats["requests"]["GET /ping"] == 2 and stats["requests"]["PUT /blobs/{sha256}"] == 1
    assert stats["responses"]["GET /ping 500"] == 1 and stats["faults_fired"] == {"status_500": 1}
    assert stats["bytes_received"] > 10_000 and stats["bytes_sent"] > 0


# --- link emulation ------------------------------------------------------------------


def test_link_rate_slows_uploads(srv, client):
    srv.set_link(rate_bytes_per_s=40_000)
    started = time.monotonic()
    assert client.put_blob(scan(40_000, seed=11)).status_code == 201
    assert time.monotonic() - started >= 0.8
    srv.set_link()
    started = time.monotonic()
    assert client.put_blob(scan(40_000, seed=12)).status_code == 201
    assert time.monotonic() - started < 0.5


def test_link_cut_discards_the_part_in_flight_and_upload_resumes(srv, client):
    """A scaled-down village line: 40 kB/s, every connection cut after 1 s."""
    data = scan(150_000, seed=13)
    sha, total, part = sha256(data), len(data), 30_000
    srv.set_link(rate_bytes_per_s=40_000, cut_after_s=1.0)
    offsets, failures = [], 0
    for _ in range(40):
        try:
            head = client.head(f"/blobs/{sha}")
            if head.status_code == 200:
                break
            offset = int(head.headers["Upload-Offset"])
            offsets.append(offset)
            client.put_part(data, offset, min(part, total - offset), total, sha, timeout=5)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            failures += 1  # cut while sending the part, or while reading its answer
    srv.set_link()
    assert srv.blob_bytes(sha) == data
    assert failures >= 1 and srv.stats()["link_cuts"] >= 1
    assert all(o % part == 0 for o in offsets)  # a cut part never counts in part


# --- control over HTTP, and running on its own -------------------------------------


def test_control_endpoints_over_http(srv, client, page):
    test = srv.base_url + "/_test"
    fault = requests.post(f"{test}/faults", json={"kind": "status_503", "path_prefix": "/ping",
                                                  "retry_after": 2}, timeout=10)
    assert fault.status_code == 201 and fault.json()["fault"]["kind"] == "status_503"
    assert client.get("/ping").status_code == 503
    assert requests.post(f"{test}/faults", json={"kind": "nope"}, timeout=10).status_code == 400
    case = make_case(page)
    client.post_batch([case])
    listed = requests.get(f"{test}/cases", timeout=10).json()["cases"]
    assert [c["case_id"] for c in listed] == [case["case_id"]]
    posted = requests.post(f"{test}/updates", timeout=10, json={
        "case_id": case["case_id"], "status": "returned", "reason": "户口簿页缺失，请补扫"})
    assert posted.status_code == 201
    assert client.get("/updates").json()["updates"][-1]["status"] == "returned"
    assert requests.post(f"{test}/updates", json={"case_id": "x", "status": "approved"},
                         timeout=10).status_code == 404
    assert requests.get(f"{test}/blobs", timeout=10).json()["blobs"][0]["sha256"] == sha256(page)
    assert len(requests.get(f"{test}/batches", timeout=10).json()["batches"]) == 1
    assert requests.post(f"{test}/link", json={"rate_bytes_per_s": 1e6}, timeout=10).json()[
        "rate_bytes_per_s"] == 1e6
    assert requests.post(f"{test}/enrollment-codes", json={"code": "ab12-cd34"},
                         timeout=10).status_code == 201
    assert enroll(srv.base_url, "AB12-CD34").status_code == 201
    assert requests.post(f"{test}/revoke", json={}, timeout=10).json()["revoked"] == 2
    assert client.get("/ping").status_code == 401
    assert requests.get(f"{test}/stats", timeout=10).json()["requests"]["GET /ping"] == 2


def test_unknown_paths_and_methods(srv, client):
    assert client.get("/nothing").status_code == 404
    assert error_code(client.http.delete(f"{client.base}/batches", timeout=10)) == \
        "method_not_allowed"
    outside = requests.get(srv.base_url.replace("/api/v1", "/other"), timeout=10)
    assert outside.status_code == 404 and error_code(outside) == "not_found"


def test_runs_on_its_own(tmp_path):
    cmd = [sys.executable, "-m", "tests.county_server", "--port", "0",
           "--db", str(tmp_path / "c.sqlite"), "--enrollment-code", "K7Q2-9XHM"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = proc.stdout.readline().strip()
        assert re.match(r"^http://127\.0\.0\.1:\d+/api/v1$", base), proc.stderr.read()
        device = enroll(base, "K7Q2-9XHM").json()
        ping = requests.get(f"{base}/ping", timeout=10,
                            headers={"Authorization": f"Bearer {device['device_token']}"})
        assert ping.status_code == 200 and ping.json()["api_version"] == 1
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "c.sqlite").exists() and (tmp_path / "c.sqlite.blobs").is_dir()
