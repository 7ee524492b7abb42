"""The public API endpoints of the county platform, version 1."""

from __future__ import annotations

import re

from .batches import BatchProcessor
from .blobstore import CONTENT_TYPES, BlobStore
from .catalog import Catalog, etag_matches
from .protocol import (
    MAX_BLOB_BYTES,
    HttpError,
    Request,
    Response,
    Route,
    json_response,
)
from .store import Store, decode_cursor, encode_cursor, now_iso
from .validation import OFFICE_RE, SHA_RE

RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
DEFAULT_OFFICES = {"340822104201": "桃花村"}


class Api:
    def __init__(self, store: Store, blobs: BlobStore, catalog: Catalog, *,
                 offices: dict | None = None, ref_prefix: str = "AQ-HX") -> None:
        self.store, self.blobs, self.catalog = store, blobs, catalog
        self.offices = dict(DEFAULT_OFFICES if offices is None else offices)
        self.batches = BatchProcessor(store, catalog, blobs.size, ref_prefix)
        self.clock_offset_s = 0.0

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/devices", self.enroll, auth=False),
            Route("GET", "/ping", self.ping),
            Route("GET", "/catalog", self.get_catalog),
            Route("HEAD", "/blobs/{sha256}", self.head_blob),
            Route("PUT", "/blobs/{sha256}", self.put_blob),
            Route("POST", "/batches", self.batches.handle),
            Route("GET", "/updates", self.updates),
        ]

    def authenticate(self, req: Request) -> dict:
        scheme, _, token = (req.headers.get("Authorization") or "").partition(" ")
        device = None
        if scheme.lower() == "bearer" and token.strip():
            device = self.store.device_for_token(token.strip())
        if device is None:
            raise HttpError(401, "invalid_token", "device token missing, unknown or revoked;"
                            " enroll the workstation again", {"WWW-Authenticate": "Bearer"})
        return device

    # --- enrollment, ping, catalog ------------------------------------------------

    def enroll(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            raise HttpError(400, "invalid_request", "the body must be a JSON object")
        code, office = body.get("enrollment_code"), body.get("office_code")
        if not isinstance(office, str) or not OFFICE_RE.match(office):
            raise HttpError(400, "invalid_request", "office_code must be a 12-digit division code")
        name = body.get("device_name")
        name = name if isinstance(name, str) else ""
        office_name = self.offices.get(office, f"办事点 {office}")
        enrolled = None
        if isinstance(code, str):
            enrolled = self.store.enroll(code, name, office, office_name)
        if enrolled is None:
            raise HttpError(422, "invalid_enrollment_code",
                            "the enrollment code is unknown, already used or expired")
        device, token = enrolled
        return json_response(201, {"device_id": device["device_id"], "device_token": token,
                                   "office_name": office_name})

    def ping(self, req: Request) -> Response:
        return json_response(200, {"server_time": now_iso(self.clock_offset_s), "api_version": 1})

    def get_catalog(self, req: Request) -> Response:
        etag, body = self.catalog.snapshot()
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag_matches(req.headers.get("If-None-Match") or "", etag):
            return Response(304, b"", headers, content_type=None)
        return Response(200, body, headers)

    # --- blobs ----------------------------------------------------------------------

    @staticmethod
    def _sha(req: Request) -> str:
        sha = req.params["sha256"]
        if not SHA_RE.match(sha):
            raise HttpError(400, "invalid_sha256", "a blob is named by its lowercase hex SHA-256")
        return sha

    def head_blob(self, req: Request) -> Response:
        sha = self._sha(req)
        if self.blobs.size(sha) is not None:
            return Response(200, b"", content_type=None)
        # Always sent on 404 (0 when nothing is held) so a client never has to guess.
        return Response(404, b"", {"Upload-Offset": str(self.blobs.offset(sha))}, None)

    def put_blob(self, req: Request) -> Response:
        sha = self._sha(req)
        content_type = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            raise HttpError(415, "unsupported_media_type",
                            f"Content-Type must be one of {', '.join(CONTENT_TYPES)}")
        device_id = req.device["device_id"]
        if req.headers.get("Content-Range"):
            return self._put_part(req, sha, content_type, device_id)
        declared = req.body_reader.length
        if declared is not None and declared > MAX_BLOB_BYTES:
            raise HttpError(413, "blob_too_large", "a blob may be at most 20 MiB")
        if self.blobs.size(sha) is not None:
            return json_response(200, {"sha256": sha, "size": self.blobs.size(sha)})
        data = _blob_body(req, MAX_BLOB_BYTES)
        status = self.blobs.put_whole(sha, data, content_type, device_id)
        return json_response(status, {"sha256": sha, "size": len(data)})

    def _put_part(self, req: Request, sha: str, content_type: str, device_id: str) -> Response:
        first, last, total = _parse_range(req.headers["Content-Range"])
        if total > MAX_BLOB_BYTES:
            raise HttpError(413, "blob_too_large", "a blob may be at most 20 MiB")
        declared = req.body_reader.length
        if declared is not None and declared != last - first + 1:
            raise HttpError(400, "invalid_content_range", "Content-Length differs from the range")
        early = self.blobs.check_part(sha, first, last, total)
        if early is None:
            data = _blob_body(req, last - first + 1)  # the whole part, or nothing is kept
            if len(data) != last - first + 1:
                raise HttpError(400, "invalid_content_range", "the body differs from the range")
            early = self.blobs.put_part(sha, first, data, total, content_type, device_id)
        status, offset = early
        body = {"sha256": sha, "size": total, "upload_offset": offset, "complete": status != 202}
        return json_response(status, body, {"Upload-Offset": str(offset)})

    # --- updates --------------------------------------------------------------------

    def updates(self, req: Request) -> Response:
        cursor = req.arg("cursor")
        after = decode_cursor(cursor)
        if after is None:
            raise HttpError(400, "invalid_cursor", "the cursor was not issued by this county")
        raw_limit = req.arg("limit") or "100"
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 500:
            raise HttpError(400, "invalid_limit", "limit must be an integer from 1 to 500")
        limit = int(raw_limit)
        rows = self.store.updates_after(after, limit + 1, req.device)
        page, has_more = rows[:limit], len(rows) > limit
        next_cursor = encode_cursor(page[-1]["seq"]) if page else encode_cursor(after)
        updates = [{k: row[k] for k in ("case_id", "county_ref", "status", "reason", "at")}
                   for row in page]
        return json_response(200, {"updates": updates, "next_cursor": next_cursor,
                                   "has_more": has_more})


def _parse_range(header: str) -> tuple[int, int, int]:
    match = RANGE_RE.match(header.strip())
    if not match:
        raise HttpError(400, "invalid_content_range", "use Content-Range: bytes first-last/total")
    first, last, total = (int(g) for g in match.groups())
    if last < first or last >= total:
        raise HttpError(400, "invalid_content_range", f"impossible range {header}")
    return first, last, total


def _blob_body(req: Request, limit: int) -> bytes:
    try:
        return req.body(limit)
    except HttpError as exc:
        if exc.status == 413:  # a chunked body has no Content-Length to check up front
            raise HttpError(413, "blob_too_large", "a blob may be at most 20 MiB") from None
        raise
